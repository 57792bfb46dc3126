/**
 * npm run plan -- [--stack NAME] [--after-up] [--json] [--out DIR] [--policy-pack-config FILE]
 *                 [--stack-tag key=value ...] [--nat-gb N]
 * Evaluates index.ts for one stack offline (mock AWS, no credentials) as a first `pulumi preview`
 * does (or, with --after-up, as the state at the end of `pulumi up`), sends every resource through
 * the policy pack over the Analyzer protocol, and reports the resource tree, the verdicts, the
 * Service Connect map and a monthly network cost. Exit 0: no mandatory violation; 1: one or more;
 * 2: bad usage, unknown stack or invalid config.
 */
import * as fs from "fs";
import * as path from "path";
import { PolicyPackClient } from "../offline/analyzer";
import { estimateCost } from "../offline/cost";
import { checkPolicies } from "../offline/policyCheck";
import { evaluateStack } from "../offline/program";
import { ProjectError } from "../offline/project";
import { Mode } from "../offline/runtime";
import { buildReport, renderMarkdown, renderText } from "../offline/report";

const ROOT = path.resolve(__dirname, "..");
const USAGE = "usage: npm run plan -- [--stack NAME] [--after-up] [--json] [--out DIR] [--policy-pack-config FILE] [--stack-tag key=value]... [--nat-gb N]";

class UsageError extends Error {}

function parseArgs(argv: string[]) {
    const opts = { stack: "dev", mode: "preview" as Mode, json: false, out: undefined as string | undefined, policyConfig: undefined as string | undefined, stackTags: {} as Record<string, string>, natGb: 100, stackFile: undefined as string | undefined };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
            return v;
        };
        switch (arg) {
            case "--stack": opts.stack = value(); break;
            case "--json": opts.json = true; break;
            case "--after-up": opts.mode = "after-up"; break;
            case "--out": opts.out = value(); break;
            case "--policy-pack-config": opts.policyConfig = value(); break;
            case "--stack-file": opts.stackFile = value(); break;
            case "--nat-gb": {
                const v = Number(value());
                if (!(v >= 0)) throw new UsageError("--nat-gb takes a number of GB per month, 0 or more");
                opts.natGb = v;
                break;
            }
            case "--stack-tag": {
                const v = value();
                const eq = v.indexOf("=");
                if (eq < 1) throw new UsageError(`--stack-tag takes key=value (got "${v}")`);
                opts.stackTags[v.slice(0, eq)] = v.slice(eq + 1);
                break;
            }
            default:
                throw new UsageError(`unknown argument "${arg}"`);
        }
    }
    return opts;
}

async function main(): Promise<number> {
    let opts: ReturnType<typeof parseArgs>;
    try {
        opts = parseArgs(process.argv.slice(2));
    } catch (e) {
        console.error(`plan: ${(e as Error).message}\n${USAGE}`);
        return 2;
    }
    let evaluation;
    try {
        evaluation = await evaluateStack(ROOT, opts.stack, { stackFile: opts.stackFile && path.resolve(opts.stackFile), mode: opts.mode, nativeStackTraces: true });
    } catch (e) {
        const err = e as Error;
        const known = err instanceof ProjectError || ["ConfigError", "NetworkPlanError", "ServicePlanError"].includes(err.name);
        console.error(`plan: ${known ? "" : "the program failed: "}${err.message}`);
        return 2;
    }
    const config = opts.policyConfig ? JSON.parse(fs.readFileSync(opts.policyConfig, "utf8")) : {};
    const client = await PolicyPackClient.start(path.join(ROOT, "policies"));
    try {
        const check = await checkPolicies(client, evaluation.resources, { project: evaluation.project.name, stack: opts.stack, mode: opts.mode, stackTags: opts.stackTags, config });
        const cost = estimateCost(evaluation.resources, { natGbPerMonth: opts.natGb });
        const report = buildReport(evaluation, check, cost);
        if (opts.out) {
            fs.mkdirSync(opts.out, { recursive: true });
            fs.writeFileSync(path.join(opts.out, `plan-${opts.stack}.md`), renderMarkdown(report));
            fs.writeFileSync(path.join(opts.out, `plan-${opts.stack}.json`), JSON.stringify(report, null, 2));
        }
        console.log(opts.json ? JSON.stringify(report, null, 2) : renderText(report));
        return report.violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
    } finally {
        client.close();
    }
}

main().then(
    (code) => process.exit(code),
    (e) => {
        console.error(`plan: ${e?.stack ?? e}`);
        process.exit(2);
    },
);
