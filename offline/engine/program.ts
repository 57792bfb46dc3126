/**
 * Evaluates a Pulumi program for one stack, offline: the stack's config (Pulumi.yaml defaults plus
 * Pulumi.<stack>.yaml), the mock AWS runtime, and the program's entry module loaded as the CLI
 * loads it, inside a root Stack resource. Returns every registration and the stack outputs.
 */
import * as path from "path";
import { EngineResource, EngineViewBuilder } from "./view";
import { loadProject, Project, regionOf, stackConfig } from "./project";
import { StackState } from "./state";
import { Differ, Step } from "./steps";
import { Mode, OfflineRuntime, ProgramDiagnostic, Registration } from "./runtime";

export interface Evaluation {
    project: Project;
    stack: string;
    region: string;
    config: Record<string, unknown>;
    mode: Mode;
    registrations: Registration[];
    /** The registrations as the engine hands them to a policy pack, default providers included. */
    resources: EngineResource[];
    outputs: Record<string, unknown>;
    /** What the program logged with `pulumi.log.warn`, as the preview's Diagnostics show it. */
    diagnostics: ProgramDiagnostic[];
    /** With a prior state (`--against`): the update's steps, as the engine decides them. */
    update?: { state: StackState; steps: Step[] };
}

export interface EvaluateOptions {
    /** Another stack file to read instead of `Pulumi.<stack>.yaml` (e.g. a test fixture). */
    stackFile?: string;
    /** @default "preview": a first `pulumi preview`; "after-up" for the state at the end of `pulumi up`. */
    mode?: Mode;
    /** Config set over the stack file's (fully qualified keys), as `pulumi config set` would. */
    extraConfig?: Record<string, unknown>;
    nativeStackTraces?: boolean;
    /** See RuntimeOptions.captureStackTraces; off for an evaluation (restored after it). @default false */
    captureStackTraces?: boolean;
    /** Called with every registration made, whether the program finished or threw. */
    observe?: (registrations: Registration[]) => void;
    /** The stack's state before this run: plan the update `pulumi preview` would show (after up: the state it leaves). */
    prior?: StackState;
    /**
     * Called while the program runs with what the engine steps for each registration (the resource as
     * a pack receives it, its default provider first when it is the provider's first user): the
     * engine sends each to the analyzers then (step_generator.go `generateSteps`), not at the end.
     */
    onResources?: (stepped: EngineResource[]) => void;
}

export async function evaluateStack(
    dir: string,
    stack: string,
    opts: EvaluateOptions = {},
): Promise<Evaluation> {
    const project = loadProject(dir);
    const config = { ...stackConfig(project, stack, opts.stackFile), ...opts.extraConfig };
    const region = regionOf(config, stack);
    const mode = opts.mode ?? "preview";
    // The stack trace limit is the process's: put it back for whoever runs next in this process.
    const limit = Error.stackTraceLimit;
    const runtime = await OfflineRuntime.start({
        project: project.name,
        stack,
        region,
        config,
        mode,
        nativeStackTraces: opts.nativeStackTraces,
        captureStackTraces: opts.captureStackTraces ?? false,
        prior: opts.prior,
    });
    const view = new EngineViewBuilder({ mode, project: project.name, stack, config });
    runtime.onRegistration = (r) => {
        const stepped = view.add(r);
        opts.onResources?.(stepped);
    };
    // The program's entry as the language host finds it: Pulumi.yaml's main, else the directory
    // (package.json's main, else index.js or index.ts).
    const entry = require.resolve(path.resolve(dir, project.main ?? "."));
    usePackagesOf(dir);
    const outputs = await finallyDo(
        () => {
            Error.stackTraceLimit = limit;
            opts.observe?.(runtime.registrations);
        },
        () =>
            runtime.runProgram(() => {
                // Load the program afresh, as a new `pulumi up` process would.
                for (const cached of Object.keys(require.cache)) {
                    if (
                        cached.startsWith(path.resolve(dir)) &&
                        !cached.includes(`${path.sep}node_modules${path.sep}`) &&
                        !cached.includes(`${path.sep}offline${path.sep}`)
                    ) {
                        delete require.cache[cached];
                    }
                }
                // A CommonJS program that exports a function (`export = async () => {...}`) is called, and its
                // result is the stack's outputs (@pulumi/pulumi cmd/run/run.js: `programExport instanceof Function`).
                const programExport = require(entry);
                return typeof programExport === "function" ? programExport() : programExport;
            }),
    );
    const resources = view.view();
    const update =
        runtime.differ && opts.prior
            ? {
                  state: opts.prior,
                  steps: stepsOf(runtime.differ, resources, runtime.registrations),
              }
            : undefined;
    return {
        project,
        stack,
        region,
        config,
        mode,
        registrations: runtime.registrations,
        resources,
        outputs,
        diagnostics: runtime.diagnostics,
        ...(update ? { update } : {}),
    };
}

/**
 * The update's steps, the default providers' first: the engine registers a package's default
 * provider itself (the program never does), before the first resource that uses it.
 */
export function stepsOf(
    differ: Differ,
    resources: EngineResource[],
    registrations: Registration[],
): Step[] {
    const registered = new Set(registrations.map((r) => r.urn));
    for (const r of resources.filter((x) => x.custom && registered.has(x.urn)))
        differ.recheck(r.urn, r.inputs);
    const providers = resources
        .filter((r) => !registered.has(r.urn))
        .map(
            (p) =>
                differ.decide({
                    urn: p.urn,
                    type: p.type,
                    custom: true,
                    inputs: p.inputs,
                    aliasUrns: [],
                    ignoreChanges: [],
                    deleteBeforeReplace: false,
                }).step,
        );
    const all = differ.finish();
    return [...providers, ...all.filter((s) => !providers.includes(s))];
}

/**
 * Lets a program in a directory with no `node_modules` of its own (a hand-written program planned with
 * `--program`) load this project's installed packages, `@pulumi/pulumi` and `@pulumi/aws` among them,
 * as NODE_PATH would: a fallback after the program's own `node_modules`, never in front of them. Its
 * resources then register with the one mock runtime this process runs.
 */
export function usePackagesOf(dir: string): void {
    const Module = require("module");
    const own = path.resolve(__dirname, "..", "..", "node_modules");
    try {
        require.resolve("@pulumi/pulumi", { paths: [path.resolve(dir)] });
        return;
    } catch {
        // The program has no @pulumi/pulumi of its own: fall back to this project's.
    }
    const paths = (process.env.NODE_PATH ?? "").split(path.delimiter).filter((p) => p !== "");
    if (!paths.includes(own)) {
        process.env.NODE_PATH = [...paths, own].join(path.delimiter);
        Module._initPaths();
    }
}

async function finallyDo<T>(after: () => void, run: () => Promise<T>): Promise<T> {
    try {
        return await run();
    } finally {
        after();
    }
}
