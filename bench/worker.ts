/**
 * One benchmark measurement in a fresh process (so its time includes what a pull request's fresh
 * process pays, and its peak memory is its own):
 *   worker.ts recipe <services> <dir>      untimed: writes <dir>/recipe.json (the after-up registrations,
 *                                          for the floor's wiring) and <dir>/view.json (the preview's
 *                                          resources as the engine hands them to a pack)
 *   worker.ts eval <services> <dir>        the evaluation alone, in preview mode (buildStack under the
 *                                          mock runtime): its time and peak memory, for the floor and CDK
 *   worker.ts components <services> <dir>  the pull request's check as the plan runs it: the evaluation,
 *                                          each resource sent to the compiled pack as it is stepped,
 *                                          AnalyzeStack, the reachability analysis, the report
 *   worker.ts floor <services> <dir>       the same resources registered as plain @pulumi/aws resources,
 *                                          wired by Outputs as a hand-written program would be, in preview mode
 *   worker.ts update <services> <dir>      the same check of a live stack: planned --against its state after up
 *                                          (state.json), with the update's steps and what AWS would refuse
 *   worker.ts pack|noop <services> <dir>   the policy check alone on view.json: the real pack, or the
 *                                          protocol's floor (bench/noop-pack: one policy that judges nothing)
 *   worker.ts startup <runs>               spawn to GetAnalyzerInfo of the compiled pack (and its source)
 * Prints one JSON line.
 */
import * as aws from "@pulumi/aws";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { loadStackConfig } from "../stack/config";
import { PACK_DIR, PACK_SOURCE_DIR, PolicyPackClient } from "../offline/policy/analyzer";
import { estimateCost } from "../offline/reports/cost";
import { EngineResource, engineView, EngineViewBuilder } from "../offline/engine/view";
import { MockAws } from "../offline/engine/mockAws";
import { checkPolicies, PolicyRun } from "../offline/policy/check";
import { loadProject } from "../offline/engine/project";
import { reachabilityOf, buildReport, renderText } from "../offline/reports/report";
import { Mode, OfflineRuntime, Registration } from "../offline/engine/runtime";
import { predictRefusals } from "../offline/engine/refusals";
import {
    exportResources,
    parseState,
    StackState,
    stateExport,
    stateResources,
} from "../offline/engine/state";
import { stepsOf } from "../offline/engine/program";
import { buildStack } from "../stack/build";
import { benchConfig } from "./generate";

const ROOT = path.resolve(__dirname, "..");
const CTX = (mode: Mode) => ({
    mode,
    project: "ecsnet",
    stack: "bench",
    config: { "aws:region": "us-east-1" },
});

async function evaluate(
    count: number,
    mode: Mode,
    prior?: StackState,
    onRegistration?: (registration: Registration) => void,
): Promise<{ ms: number; registrations: Registration[]; runtime: OfflineRuntime }> {
    const runtime = await OfflineRuntime.start({
        project: "ecsnet",
        stack: "bench",
        region: "us-east-1",
        config: benchConfig(count),
        mode,
        nativeStackTraces: true,
        captureStackTraces: false,
        prior,
    });
    runtime.onRegistration = onRegistration;
    const start = performance.now();
    await runtime.runProgram(() => buildStack(loadStackConfig()));
    return { ms: performance.now() - start, registrations: runtime.registrations, runtime };
}

/** The constructor of a resource type token: `aws:ec2/vpc:Vpc` -> aws.ec2.Vpc. */
function constructorOf(type: string): new (name: string, args: any) => unknown {
    const [, module, className] = type.split(":");
    return (aws as any)[module.split("/")[0]][className];
}

/** Replaces, deep in `value`, each string that equals an output of a dependency with that Output. */
function wire(value: unknown, deps: { state: Record<string, unknown>; resource: any }[]): unknown {
    if (typeof value === "string") {
        for (const dep of deps) {
            for (const [property, output] of Object.entries(dep.state)) {
                if (output === value && dep.resource[property] !== undefined) {
                    return dep.resource[property];
                }
            }
        }
        return value;
    }
    if (Array.isArray(value)) return value.map((v) => wire(v, deps));
    if (value !== null && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wire(v, deps)]));
    return value;
}

/** The floor: the recipe's resources as a hand-written program registers them, in preview mode. */
async function floor(recipe: Registration[]): Promise<number> {
    const mock = new MockAws("us-east-1");
    const states = new Map(
        recipe.map((r) => [
            r.urn,
            mock.newResource({ type: r.type, name: r.name, inputs: r.inputs }).state,
        ]),
    );
    const runtime = await OfflineRuntime.start({
        project: "ecsnet",
        stack: "bench",
        region: "us-east-1",
        config: {},
        mode: "preview",
        nativeStackTraces: true,
        captureStackTraces: false,
    });
    const start = performance.now();
    const made = new Map<string, unknown>();
    let service: string | null = null;
    for (const r of recipe) {
        // It yields where the program does, before each service (stack/build.ts `nextTurn`), so the
        // ratio compares the components with plain resources, not two ways of scheduling them.
        if (r.parent !== service && r.parent?.split("::")[2] === "ecsnet:ecs:EcsService") {
            service = r.parent;
            await new Promise((resolve) => setImmediate(resolve));
        }
        const inputs = { ...r.inputs };
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            const deps = urns
                .filter((u) => made.has(u))
                .map((u) => ({ state: states.get(u)!, resource: made.get(u) }));
            inputs[key] = wire(inputs[key], deps);
        }
        made.set(r.urn, new (constructorOf(r.type))(r.name, inputs));
    }
    await runtime.settle();
    return performance.now() - start;
}

const rssMb = () => process.resourceUsage().maxRSS / 1024;

async function check(
    resources: EngineResource[],
    packDir: string,
): Promise<{ ms: number; packPeakMb?: number; violations: number }> {
    const client = await PolicyPackClient.start(packDir);
    try {
        const start = performance.now();
        const result = await checkPolicies(client, resources, {
            project: "ecsnet",
            stack: "bench",
            mode: "preview",
        });
        return {
            ms: performance.now() - start,
            packPeakMb: client.peakMemoryMb(),
            violations: result.violations.length,
        };
    } finally {
        client.close();
    }
}

/** The plan's report of a benchmark evaluation, text and JSON, as the plan command writes it. */
function reportText(
    registrations: Registration[],
    resources: EngineResource[],
    update: Parameters<typeof buildReport>[3],
): string {
    const report = buildReport(
        {
            project: loadProject(ROOT),
            stack: "bench",
            region: "us-east-1",
            config: {},
            mode: "preview",
            registrations,
            resources,
            outputs: {},
            diagnostics: [],
        },
        { levels: {}, violations: [], remediations: [] },
        estimateCost(resources, { natGbPerMonth: 100, region: "us-east-1" }),
        update,
        [],
    );
    return renderText(report) + JSON.stringify(report);
}

async function main(): Promise<object> {
    const [mode, arg, dir] = process.argv.slice(2);
    const count = Number(arg);
    switch (mode) {
        case "recipe": {
            const upRun = await evaluate(count, "after-up");
            fs.writeFileSync(
                path.join(dir, "recipe.json"),
                JSON.stringify(upRun.registrations.filter((r) => r.custom)),
            );
            fs.writeFileSync(
                path.join(dir, "state.json"),
                JSON.stringify(
                    stateExport(exportResources(engineView(upRun.registrations, CTX("after-up")))),
                ),
            );
            const previewRun = await evaluate(count, "preview");
            fs.writeFileSync(
                path.join(dir, "view.json"),
                JSON.stringify(engineView(previewRun.registrations, CTX("preview"))),
            );
            return { mode, services: count };
        }
        case "eval": {
            // The evaluation alone: what the floor and the CDK peer are compared with.
            const { ms: evalMs, registrations } = await evaluate(count, "preview");
            const heap = process.memoryUsage();
            return {
                mode,
                services: count,
                resources: registrations.filter((r) => r.custom).length,
                evalMs,
                evalPeakMb: rssMb(),
                heapUsedMb: heap.heapUsed / 2 ** 20,
            };
        }
        case "components":
        case "update": {
            // The pull request's check as the plan command runs it: the pack started and configured
            // (untimed: it starts beside the runtime), each resource sent to it as it is stepped while
            // the program runs, AnalyzeStack and the rest once it has finished, then the report. The
            // update check plans the same program --against its state after up (every step same).
            const prior =
                mode === "update"
                    ? parseState(
                          JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")),
                          "state.json",
                      )
                    : undefined;
            const client = await PolicyPackClient.start(path.join(ROOT, PACK_DIR));
            try {
                const run = await PolicyRun.begin(client, {
                    project: "ecsnet",
                    stack: "bench",
                    mode: "preview",
                });
                const view = new EngineViewBuilder(CTX("preview"));
                const {
                    ms: evalMs,
                    registrations,
                    runtime,
                } = await evaluate(count, "preview", prior, (r) =>
                    view.add(r).forEach((x) => run.analyze(x)),
                );
                const start = performance.now();
                const resources = view.view();
                const policy = await run.finish(resources);
                if (policy.violations.length > 0)
                    throw new Error("the bench stack has policy violations");
                let update: Parameters<typeof buildReport>[3];
                if (prior) {
                    const steps = stepsOf(runtime.differ!, resources, registrations);
                    const refusals = predictRefusals(steps, resources, prior);
                    if (refusals.length > 0 || steps.some((x) => x.op !== "same"))
                        throw new Error(
                            "the bench stack does not plan as unchanged against its own state",
                        );
                    update = {
                        against: "state.json",
                        steps,
                        refusals,
                        costBefore: estimateCost(stateResources(prior), {
                            natGbPerMonth: 100,
                            region: "us-east-1",
                        }),
                    };
                }
                // After the program: the rest of the policy check (and the update's steps).
                const policyMs = performance.now() - start;
                // The analysis's own cost (its growth is the target): the median of three runs, so
                // one run's JIT warm-up does not pass for growth. The report runs it once more.
                const reachRuns: number[] = [];
                let reachability: ReturnType<typeof reachabilityOf> = [];
                for (let i = 0; i < 3; i++) {
                    const t = performance.now();
                    reachability = reachabilityOf(resources);
                    reachRuns.push(performance.now() - t);
                }
                const reachMs = reachRuns.sort((a, b) => a - b)[1];
                const reportStart = performance.now();
                const text = reportText(registrations, resources, update);
                const reportMs = performance.now() - reportStart;
                return {
                    mode,
                    services: count,
                    resources: registrations.filter((r) => r.custom).length,
                    ports: reachability.length,
                    evalMs,
                    policyMs,
                    reachMs,
                    reportMs,
                    checkMs: evalMs + policyMs + reportMs,
                    reportBytes: text.length,
                    packPeakMb: client.peakMemoryMb(),
                };
            } finally {
                client.close();
            }
        }
        case "floor": {
            const recipe = JSON.parse(
                fs.readFileSync(path.join(dir, "recipe.json"), "utf8"),
            ) as Registration[];
            return { mode, services: count, evalMs: await floor(recipe) };
        }
        case "pack":
        case "noop": {
            const resources = JSON.parse(
                fs.readFileSync(path.join(dir, "view.json"), "utf8"),
            ) as EngineResource[];
            const result = await check(
                resources,
                mode === "pack" ? path.join(ROOT, PACK_DIR) : path.join(__dirname, "noop-pack"),
            );
            return { mode, services: count, policyMs: result.ms, packPeakMb: result.packPeakMb };
        }
        case "cdk":
        case "cdk-validate": {
            // The CDK peer (bench/peers/cdk), in its own process like every worker.
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cdk-"));
            try {
                const result = JSON.parse(
                    execFileSync(
                        process.execPath,
                        [
                            path.join(__dirname, "peers", "cdk", "app.js"),
                            String(count),
                            out,
                            ...(mode === "cdk-validate" ? ["validate"] : []),
                        ],
                        { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
                    )
                        .trim()
                        .split("\n")
                        .pop()!,
                );
                return { mode, services: count, ...result };
            } finally {
                fs.rmSync(out, { recursive: true, force: true });
            }
        }
        case "startup": {
            const runs = count;
            const measure = async (dir: string) => {
                const start = performance.now();
                const client = await PolicyPackClient.start(dir);
                const ms = performance.now() - start;
                const mb = client.peakMemoryMb();
                client.close();
                return { ms, mb };
            };
            const compiled = [];
            const source = [];
            for (let i = 0; i < runs; i++) {
                compiled.push(await measure(path.join(ROOT, PACK_DIR)));
                source.push(await measure(path.join(ROOT, PACK_SOURCE_DIR)));
            }
            return { mode, compiled, source };
        }
        default:
            throw new Error(`unknown worker mode ${mode}`);
    }
}

main().then(
    (result) => {
        process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(0));
    },
    (e) => {
        console.error(e);
        process.exit(1);
    },
);
