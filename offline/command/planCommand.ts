/**
 * The plan command (`npm run plan`), as a function the tests call in-process. Every refusal is one
 * paragraph on stderr and exit code 2, with no stack trace: bad usage, a stack file that `npm test`
 * would refuse, a Region or zone AWS lacks, invalid YAML or JSON (full path, line), a missing file, an
 * unwritable `--out`, or a policy config the pack's schemas refuse.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../stack/config";
import { PlanError } from "../../components/planError";
import { PackConfig, PolicyInfo, PolicyPackClient } from "../policy/analyzer";
import { estimateCost } from "../reports/cost";
import { predictRefusals } from "../engine/refusals";
import {
    exportResources,
    readStateFile,
    StackState,
    StateFileError,
    stateExport,
    stateResources,
} from "../engine/state";
import { buildPack, PackBuildError, PACK_DIR, stalePackReason } from "../policy/packBuild";
import { PolicyCheck, PolicyRun } from "../policy/check";
import { policyConfigProblems } from "../policy/config";
import { helpUriBase, repositoryPath, toSarif } from "../reports/sarif";
import { Evaluation, evaluateStack } from "../engine/program";
import {
    listStacks,
    loadProject,
    ProjectError,
    readText,
    regionOf,
    stackConfig,
    stackNameOf,
} from "../engine/project";
import {
    buildReport,
    comparePacks,
    PackRun,
    PolicyConfigSource,
    renderMarkdown,
    renderText,
} from "../reports/report";
import { EngineResource } from "../engine/view";
import { Mode } from "../engine/runtime";
import { validateStackFile } from "./validate";

export const USAGE = `usage: npm run -s plan -- [options]

Plans one stack offline, as a first \`pulumi preview\` would see it: the resources, the policy pack's
verdicts, the Service Connect map and a monthly network cost. No AWS credentials or Pulumi CLI needed.

options:
  --program DIR              plan the Pulumi TypeScript program in DIR (its Pulumi.yaml and
                             Pulumi.<stack>.yaml) instead of this repository's index.ts, with this
                             project's installed Pulumi packages when DIR has none
  --stack NAME               the stack (Pulumi.NAME.yaml); default dev (with --program, the program's
                             only stack), or taken from --stack-file
  --stack-file FILE          plan another stack file (its name gives the stack: Pulumi.<stack>.yaml)
  --after-up                 the state at the end of \`pulumi up\` instead of a first preview
  --json                     print the report as JSON (pipe it into jq)
  --out DIR                  also write plan-<stack>.md (with a Mermaid diagram) and plan-<stack>.json
  --policy-pack DIR          run this built policy pack (a directory with PulumiPolicy.yaml), as
                             \`pulumi preview --policy-pack\` does; repeatable, every pack decides;
                             default: this project's pack (policies/bin, built when stale)
  --policy-pack-config FILE  the config of the --policy-pack at the same position (of this project's
                             pack without --policy-pack), checked against the pack's schemas
  --compare-policy-pack DIR  also run this pack beside, without deciding anything, and report how its
                             verdicts differ (a pull request's own pack beside its base branch's)
  --compare-policy-pack-config FILE  the config of the compared pack
  --sarif FILE               also write the policy verdicts as SARIF 2.1.0 (for GitHub code scanning)
  --against STATE            plan an update of a live stack: STATE is its \`pulumi stack export\` (or a
                             --state-out file); prints the steps and what AWS would refuse
  --state-out FILE           write the state this plan leaves after \`pulumi up\` (a stack export)
  --stack-tag key=value      a stack tag the policies see (repeatable)
  --nat-gb N                 GB a month through the NAT gateways, for the cost (default 100)
  --help                     this text

exit codes: 0 no mandatory violation and nothing AWS would refuse; 1 one or more; 2 bad usage or input
(one paragraph on stderr).`;

/** A refusal: its message is the whole paragraph the user sees. */
export class PlanInputError extends Error {}

export interface PlanIo {
    out(text: string): void;
    err(text: string): void;
}

interface Options {
    program?: string;
    stack?: string;
    stackFile?: string;
    mode: Mode;
    json: boolean;
    out?: string;
    policyPacks: string[];
    policyConfigs: string[];
    comparePack?: string;
    compareConfig?: string;
    sarif?: string;
    stackTags: Record<string, string>;
    natGb: number;
    help: boolean;
    against?: string;
    stateOut?: string;
}

function parseArgs(argv: string[]): Options {
    const opts: Options = {
        mode: "preview",
        json: false,
        stackTags: {},
        natGb: 100,
        help: false,
        policyPacks: [],
        policyConfigs: [],
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--"))
                throw new PlanInputError(`${arg} needs a value; see --help.`);
            return v;
        };
        switch (arg) {
            case "--help":
            case "-h":
                opts.help = true;
                break;
            case "--program":
                opts.program = value();
                break;
            case "--stack":
                opts.stack = value();
                break;
            case "--stack-file":
                opts.stackFile = value();
                break;
            case "--json":
                opts.json = true;
                break;
            case "--after-up":
                opts.mode = "after-up";
                break;
            case "--out":
                opts.out = value();
                break;
            case "--policy-pack":
                opts.policyPacks.push(value());
                break;
            case "--policy-pack-config":
                opts.policyConfigs.push(value());
                break;
            case "--compare-policy-pack":
                opts.comparePack = value();
                break;
            case "--compare-policy-pack-config":
                opts.compareConfig = value();
                break;
            case "--sarif":
                opts.sarif = value();
                break;
            case "--against":
                opts.against = value();
                break;
            case "--state-out":
                opts.stateOut = value();
                break;
            case "--nat-gb": {
                const text = value();
                const v = Number(text);
                if (text.trim() === "" || !(v >= 0))
                    throw new PlanInputError(
                        `--nat-gb takes a number of GB per month, 0 or more (got "${text}").`,
                    );
                opts.natGb = v;
                break;
            }
            case "--stack-tag": {
                const v = value();
                const eq = v.indexOf("=");
                if (eq < 1) throw new PlanInputError(`--stack-tag takes key=value (got "${v}").`);
                opts.stackTags[v.slice(0, eq)] = v.slice(eq + 1);
                break;
            }
            default:
                throw new PlanInputError(`unknown argument "${arg}"; see --help.`);
        }
    }
    return opts;
}

/**
 * The stack and its file: `--stack`, or the name in `--stack-file`'s `Pulumi.<stack>.yaml`, or dev
 * (for another program, its only stack file).
 */
function resolveStack(root: string, opts: Options): { stack: string; file: string } {
    if (opts.stackFile === undefined) {
        let stack = opts.stack;
        if (stack === undefined && opts.program !== undefined) {
            const stacks = listStacks(root);
            if (stacks.length !== 1) {
                throw new PlanInputError(
                    `--program ${root} has ${stacks.length === 0 ? "no stack file (Pulumi.<stack>.yaml)" : `the stacks ${stacks.join(", ")}`}; pass --stack NAME${stacks.length === 0 ? " with a stack file, or --stack-file FILE" : ""}.`,
                );
            }
            stack = stacks[0];
        }
        stack ??= "dev";
        return { stack, file: path.join(root, `Pulumi.${stack}.yaml`) };
    }
    const file = path.resolve(opts.stackFile);
    if (!fs.existsSync(file)) {
        throw new PlanInputError(`the stack file ${file} does not exist; check the path.`);
    }
    const stack = opts.stack ?? stackNameOf(file);
    if (stack === undefined) {
        throw new PlanInputError(
            `cannot tell the stack name from ${file} (stack files are named Pulumi.<stack>.yaml); pass --stack NAME.`,
        );
    }
    return { stack, file };
}

/** A path as the reports name it: relative to the project (forward slashes) when inside it, else full. */
function asGiven(root: string, full: string): string {
    const relative = path.relative(root, full);
    return relative.startsWith("..") || path.isAbsolute(relative)
        ? full
        : relative.split(path.sep).join("/");
}

/**
 * Reads the `--policy-pack-config` JSON file: a missing file or invalid JSON names the full path. The
 * report names it (relative to the project when inside it) with its SHA-256, so a reader sees which
 * configuration produced the verdicts.
 */
function readPolicyConfig(
    root: string,
    file: string,
): { config: unknown; source: PolicyConfigSource } {
    const { full, text } = readText(file, "the policy config ");
    const source = {
        file: asGiven(root, full),
        sha256: createHash("sha256").update(text).digest("hex"),
    };
    try {
        return { config: JSON.parse(text), source };
    } catch (e) {
        throw new PlanInputError(
            `the policy config ${full} is not valid JSON (${(e as Error).message}); fix the file.`,
        );
    }
}

/** A pack source file newer than the compiled pack, or undefined when the build is current. */
/**
 * The compiled pack, built first when it is missing or older than its sources (a fresh clone: `npm ci`
 * runs no install scripts here). The note goes to stderr so that `--json` stays clean.
 */
function ensurePackBuilt(root: string, io: PlanIo): void {
    const stale = stalePackReason(root);
    if (!stale) return;
    io.err(`plan: compiling the policy pack into ${PACK_DIR} (${stale}).`);
    try {
        buildPack(root);
    } catch (e) {
        if (e instanceof PackBuildError) throw new PlanInputError(e.message);
        throw e;
    }
}

/** The state `--against` names, which must be this project's and stack's. */
function readPrior(file: string, project: string, stack: string): StackState {
    let state: StackState;
    try {
        state = readStateFile(file);
    } catch (e) {
        if (e instanceof StateFileError) throw new PlanInputError(e.message);
        throw e;
    }
    if (state.resources.length > 0 && (state.project !== project || state.stack !== stack)) {
        throw new PlanInputError(
            `--against ${state.file} is the state of ${state.project}/${state.stack}, not of ${project}/${stack}; export the stack you plan (pulumi stack export --stack ${stack}), or plan --stack ${state.stack}.`,
        );
    }
    return state;
}

/** Proves an output file can be written (its directory is made) before any work. */
function prepareFile(file: string, option: string): string {
    const full = path.resolve(file);
    try {
        makeDirs(path.dirname(full));
        fs.writeFileSync(full, "");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new PlanInputError(
            `${option} ${full} cannot be written (${code ?? (e as Error).message}); pass a file path you can write to.`,
        );
    }
    return full;
}

/** Creates `--out` and proves it is writable before any work, so a bad path costs nothing. */
function prepareOut(dir: string): string {
    const full = path.resolve(dir);
    try {
        makeDirs(full);
        fs.accessSync(full, fs.constants.W_OK);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new PlanInputError(
            `--out ${full} cannot be written (${code ?? (e as Error).message}); pass a directory you can write to.`,
        );
    }
    return full;
}

/**
 * `mkdir -p`, one level at a time: Node's own recursive mkdir never returns on some paths that cannot
 * be created (such as under /proc), and a refusal must come back at once.
 */
function makeDirs(dir: string): void {
    if (fs.existsSync(dir)) {
        if (!fs.statSync(dir).isDirectory()) {
            throw Object.assign(new Error(`${dir} is a file`), { code: "ENOTDIR" });
        }
        return;
    }
    const parent = path.dirname(dir);
    if (parent !== dir) {
        makeDirs(parent);
    }
    fs.mkdirSync(dir);
}

/** Runs the plan; returns the exit code. */
/**
 * Started packs kept for the next plan in this process (tests plan many stacks in one process). A
 * kept pack is sent Configure and ConfigureStack afresh for every plan, as the engine does at the start
 * of each run; the SDK's policy server holds no other state between runs (@pulumi/policy server.js:
 * `configure` replaces the config, `configureStack` the stack tags). A plan leases each pack it runs
 * and gives it back when it has finished, so two runs of one directory in a plan (a pack compared with
 * itself under another config) get a process each. The command itself never keeps one.
 */
export class PackPool {
    private readonly idle = new Map<string, PolicyPackClient[]>();
    private readonly all: Promise<PolicyPackClient>[] = [];

    async lease(dir: string): Promise<PolicyPackClient> {
        const kept = this.idle.get(dir)?.pop();
        if (kept) return kept;
        const starting = PolicyPackClient.start(dir);
        this.all.push(starting);
        return starting;
    }

    giveBack(dir: string, client: PolicyPackClient): void {
        this.idle.set(dir, [...(this.idle.get(dir) ?? []), client]);
    }

    async close(): Promise<void> {
        const clients = await Promise.allSettled(this.all.splice(0));
        this.idle.clear();
        for (const c of clients) if (c.status === "fulfilled") c.value.close();
    }
}

export async function runPlan(
    root: string,
    argv: string[],
    io: PlanIo,
    options: { packs?: PackPool } = {},
): Promise<number> {
    try {
        return await plan(root, argv, io, options.packs);
    } catch (e) {
        const err = e as Error;
        // A refusal keeps its lines (several problems are listed one per line); anything else is a
        // defect of this tool, said in one line.
        const known =
            err instanceof PlanInputError ||
            err instanceof ProjectError ||
            ConfigError.isConfigError(err) ||
            PlanError.isPlanError(err);
        // (The message is read before the narrowing: a ConfigError is an Error by shape, so the
        // compiler would leave nothing for the defect's branch.)
        const message = err.message;
        io.err(
            known
                ? `plan: ${message.trim()}`
                : `plan: the program failed: ${message.replace(/\s*\n\s*/g, " ")}`,
        );
        return 2;
    }
}

async function plan(root: string, argv: string[], io: PlanIo, pool?: PackPool): Promise<number> {
    const opts = parseArgs(argv);
    if (opts.help) {
        io.out(USAGE);
        return 0;
    }
    const programDir = opts.program === undefined ? root : programOf(opts.program);
    const { stack, file } = resolveStack(programDir, opts);
    const project = loadProject(programDir);
    if (!fs.existsSync(file)) {
        // The committed stacks are listed when the name is wrong.
        throw new ProjectError(
            opts.stackFile
                ? `${file} does not exist; check the path.`
                : `unknown stack "${stack}": there is no ${file}; the stacks are ${listStacks(programDir).join(", ") || "none"}.`,
        );
    }
    // This program's stacks: exactly what npm test checks of every committed stack file. Another
    // program's: what the CLI checks before it runs one (a map, a config map, a Region AWS has).
    const problems =
        opts.program === undefined
            ? validateStackFile(project, file, stack)
            : foreignStackProblems(project, file, stack);
    if (problems.length > 0) {
        throw new PlanInputError(
            problems.length === 1
                ? problems[0]
                : `${path.basename(file)} has ${problems.length} problems: ${problems.join("; ")}`,
        );
    }
    const packs = packsOf(root, opts);
    const outDir = opts.out === undefined ? undefined : prepareOut(opts.out);
    const sarifFile = opts.sarif === undefined ? undefined : prepareFile(opts.sarif, "--sarif");
    const stateOut =
        opts.stateOut === undefined ? undefined : prepareFile(opts.stateOut, "--state-out");
    const prior =
        opts.against === undefined ? undefined : readPrior(opts.against, project.name, stack);

    if (opts.policyPacks.length === 0) ensurePackBuilt(root, io);
    const context = { project: project.name, stack, mode: opts.mode, stackTags: opts.stackTags };
    // Every pack's config file is read first (a refused file starts no pack); then the packs start
    // while the program runs, and each resource goes to them as the engine steps it.
    const specs = [...packs.decisive, ...(packs.compare ? [packs.compare] : [])];
    const configs = specs.map((spec) =>
        spec.configFile === undefined
            ? { config: {}, source: null }
            : readPolicyConfig(root, spec.configFile),
    );
    const sessions = specs.map((spec, i) => new PackSession(root, spec, configs[i], context, pool));
    const evaluate = (mode: Mode, onResources?: (stepped: EngineResource[]) => void) =>
        evaluateStack(programDir, stack, {
            stackFile: file,
            mode,
            nativeStackTraces: true,
            captureStackTraces: false,
            prior,
            onResources,
        });
    let evaluation: Evaluation;
    let results: PackResult[];
    try {
        evaluation = await evaluate(opts.mode, (stepped) => {
            for (const session of sessions) for (const r of stepped) session.analyze(r);
        });
        results = await Promise.all(sessions.map((s) => s.finish(evaluation.resources)));
    } finally {
        for (const session of sessions) session.close();
    }
    const runs = results.slice(0, packs.decisive.length);
    const compared = packs.compare ? results[results.length - 1] : undefined;
    if (stateOut) {
        // The state `pulumi up` leaves: after this update when planned --against a state.
        const after = opts.mode === "after-up" ? evaluation : await evaluate("after-up");
        fs.writeFileSync(
            stateOut,
            JSON.stringify(stateExport(exportResources(after.resources)), null, 2),
        );
    }
    const update = evaluation.update && {
        against: prior!.file,
        steps: evaluation.update.steps,
        refusals: predictRefusals(evaluation.update.steps, evaluation.resources, prior!),
        costBefore: estimateCost(stateResources(prior!), {
            natGbPerMonth: opts.natGb,
            region: evaluation.region,
        }),
    };
    const check = mergeChecks(runs.map((r) => r.check));
    const cost = estimateCost(evaluation.resources, {
        natGbPerMonth: opts.natGb,
        region: evaluation.region,
    });
    const report = buildReport(
        evaluation,
        check,
        cost,
        update,
        runs.map((r) => r.run),
        compared ? comparePacks(compared, runs) : undefined,
    );
    if (outDir) {
        fs.writeFileSync(path.join(outDir, `plan-${stack}.md`), renderMarkdown(report));
        fs.writeFileSync(path.join(outDir, `plan-${stack}.json`), JSON.stringify(report, null, 2));
    }
    if (sarifFile) {
        const sarif = toSarif({
            packs: runs.map((r) => ({
                name: r.run.name,
                version: r.run.version,
                policies: r.policies,
                levels: r.check.levels,
                violations: r.check.violations,
            })),
            resources: evaluation.resources,
            stackFile: { ...repositoryPath(file), text: fs.readFileSync(file, "utf8") },
            namespace: project.name,
            helpUri: helpUriBase(root),
        });
        fs.writeFileSync(sarifFile, JSON.stringify(sarif, null, 2));
    }
    io.out(opts.json ? JSON.stringify(report, null, 2) : renderText(report));
    // A name the provider's Check refuses fails the preview: AWS would refuse it too.
    return report.violations.some((v) => v.enforcementLevel === "mandatory") ||
        (update?.refusals.length ?? 0) > 0 ||
        report.diagnostics.some((d) => d.severity === "error")
        ? 1
        : 0;
}

/** A pack to run: its directory and its config file, if any. */
interface PackSpec {
    dir: string;
    configFile?: string;
}

/**
 * The packs to run, each with its config (paired by position, as the CLI pairs its flags), and the one
 * to compare; every directory must hold a built pack and every config file must be JSON, checked
 * before anything is evaluated.
 */
function packsOf(root: string, opts: Options): { decisive: PackSpec[]; compare?: PackSpec } {
    const dirs =
        opts.policyPacks.length > 0
            ? opts.policyPacks.map((d) => packDir(d, "--policy-pack"))
            : [path.join(root, PACK_DIR)];
    if (opts.policyConfigs.length > dirs.length) {
        throw new PlanInputError(
            `--policy-pack-config is given ${opts.policyConfigs.length} times for ${dirs.length} policy pack(s): each config belongs to the --policy-pack at its position; add the packs or drop a config.`,
        );
    }
    const decisive = dirs.map((dir, i) => ({ dir, configFile: opts.policyConfigs[i] }));
    if (opts.compareConfig !== undefined && opts.comparePack === undefined) {
        throw new PlanInputError(
            `--compare-policy-pack-config needs --compare-policy-pack DIR, the pack it configures.`,
        );
    }
    const compare =
        opts.comparePack === undefined
            ? undefined
            : {
                  dir: packDir(opts.comparePack, "--compare-policy-pack"),
                  configFile: opts.compareConfig,
              };
    for (const spec of [...decisive, ...(compare ? [compare] : [])]) {
        if (spec.configFile !== undefined) readPolicyConfig(root, spec.configFile);
    }
    return { decisive, compare };
}

/**
 * The directory of a program `--program` names: a Pulumi project (Pulumi.yaml) of the Node.js runtime,
 * whose entry exists.
 */
function programOf(dir: string): string {
    const full = path.resolve(dir);
    if (!fs.existsSync(path.join(full, "Pulumi.yaml"))) {
        throw new PlanInputError(
            `--program ${full} is not a Pulumi project (it has no Pulumi.yaml); pass the directory that holds the program's Pulumi.yaml.`,
        );
    }
    const project = loadProject(full);
    if (project.runtime !== "nodejs") {
        throw new PlanInputError(
            `--program ${full}: Pulumi.yaml's runtime is ${JSON.stringify(project.runtime)}; the plan runs Node.js programs (runtime: nodejs) only.`,
        );
    }
    if (typeof project.name !== "string" || project.name === "") {
        throw new PlanInputError(
            `--program ${full}: Pulumi.yaml has no name; add name: <project>.`,
        );
    }
    try {
        // As the language host finds it (TypeScript resolves: the plan runs under ts-node).
        require.resolve(path.resolve(full, project.main ?? "."));
    } catch {
        throw new PlanInputError(
            `--program ${full} has no entry module (${project.main ? `Pulumi.yaml's main: ${project.main}` : "index.ts, index.js, or package.json's main"}); add the program's entry.`,
        );
    }
    return full;
}

/** What the CLI refuses in another program's stack file before it runs the program. */
function foreignStackProblems(
    project: ReturnType<typeof loadProject>,
    file: string,
    stack: string,
): string[] {
    try {
        regionOf(stackConfig(project, stack, file), stack);
        return [];
    } catch (e) {
        return [(e as Error).message];
    }
}

/** A built pack's directory: it holds PulumiPolicy.yaml (the CLI's own test of a pack). */
function packDir(dir: string, option: string): string {
    const full = path.resolve(dir);
    if (!fs.existsSync(path.join(full, "PulumiPolicy.yaml"))) {
        throw new PlanInputError(
            `${option} ${full} is not a built policy pack (it has no PulumiPolicy.yaml); pass the directory of a built pack (this project's is policies/bin, from npm run build:pack).`,
        );
    }
    return full;
}

interface PackResult {
    run: PackRun;
    policies: PolicyInfo[];
    check: PolicyCheck;
}

/**
 * One pack in one plan, as the CLI runs it: started (or taken from the pool), its config checked
 * against its schemas and sent (Configure, ConfigureStack) while the program starts; each resource
 * sent as it is stepped (resources stepped before the pack is ready wait for it); AnalyzeStack once
 * the program has finished.
 */
class PackSession {
    private readonly ready: Promise<{ client: PolicyPackClient; run: PolicyRun }>;
    private run?: PolicyRun;
    private readonly early: EngineResource[] = [];
    private readonly source: PolicyConfigSource | null;
    private readonly directory: string;

    constructor(
        root: string,
        private readonly spec: PackSpec,
        { config, source }: { config: unknown; source: PolicyConfigSource | null },
        context: { project: string; stack: string; mode: Mode; stackTags: Record<string, string> },
        private readonly pool?: PackPool,
    ) {
        this.source = source;
        this.directory = asGiven(root, spec.dir);
        this.ready = (async () => {
            const client = pool
                ? await pool.lease(spec.dir)
                : await PolicyPackClient.start(spec.dir);
            try {
                const configProblems = policyConfigProblems(config, client.policies);
                if (configProblems.length > 0) {
                    throw new PlanInputError(
                        `the policy config ${path.resolve(spec.configFile!)} is refused: ${configProblems.join("; ")}.`,
                    );
                }
                this.run = await PolicyRun.begin(client, {
                    ...context,
                    config: config as PackConfig,
                });
            } catch (e) {
                this.release(client);
                throw e;
            }
            for (const r of this.early.splice(0)) this.run.analyze(r);
            return { client, run: this.run };
        })();
        // Awaited in `finish`; a pack that fails to start while the program runs is reported then.
        this.ready.catch(() => undefined);
    }

    analyze(r: EngineResource): void {
        if (this.run) this.run.analyze(r);
        else this.early.push(r);
    }

    async finish(resources: EngineResource[]): Promise<PackResult> {
        const { client, run } = await this.ready;
        const check = await run.finish(resources);
        return {
            run: {
                name: client.name,
                version: client.version,
                directory: this.directory,
                config: this.source,
            },
            policies: client.policies,
            check,
        };
    }

    /** Stops what is still queued (the program failed) and lets the pack go. */
    close(): void {
        this.run?.abandon();
        this.ready.then(
            ({ client }) => this.release(client),
            () => undefined,
        );
    }

    /** Gives the pack back to its pool, or closes it. */
    private release(client: PolicyPackClient): void {
        if (this.pool) this.pool.giveBack(this.spec.dir, client);
        else client.close();
    }
}

/** The verdicts of every pack as one check; a policy's level is its own pack's (the first pack's on a shared name). */
function mergeChecks(checks: PolicyCheck[]): PolicyCheck {
    return {
        levels: Object.assign({}, ...[...checks].reverse().map((c) => c.levels)),
        violations: checks.flatMap((c) => c.violations),
        remediations: checks.flatMap((c) => c.remediations),
    };
}
