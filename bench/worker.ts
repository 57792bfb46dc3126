/**
 * One benchmark measurement in its own process (so peak memory is this measurement's):
 *   worker.ts <services> <components|floor> <runs>
 * components: evaluates the program (buildStack) for a generated stack under the mock runtime, then
 *             sends every resource through the policy pack over the Analyzer protocol.
 * floor:      registers the same resources (same types, same inputs) as plain @pulumi/aws resources,
 *             with no components, under the same mocks, wired as a hand-written program would be:
 *             an input that held another resource's id, ARN or other output takes that resource's
 *             Output (found through the recorded property dependencies).
 * floor-plain: the same, with every input a plain value (no wiring at all).
 * One warm-up, then <runs> timed runs (runs 0: one evaluation only, for peak memory). Prints one JSON line.
 */
import * as aws from "@pulumi/aws";
import * as path from "path";
import { performance } from "perf_hooks";
import { loadStackConfig } from "../config";
import { PolicyPackClient, PACK_DIR } from "../offline/analyzer";
import { engineView } from "../offline/engine";
import { checkPolicies } from "../offline/policyCheck";
import { MockAws } from "../offline/mockAws";
import { OfflineRuntime, Registration } from "../offline/runtime";
import { buildStack } from "../stack";
import { benchConfig } from "./generate";

const ROOT = path.resolve(__dirname, "..");

async function evaluate(count: number): Promise<{ ms: number; registrations: Registration[] }> {
    const runtime = await OfflineRuntime.start({ project: "ecsnet", stack: "bench", region: "us-east-1", config: benchConfig(count), mode: "after-up", nativeStackTraces: true });
    const start = performance.now();
    await runtime.runProgram(() => buildStack(loadStackConfig()));
    return { ms: performance.now() - start, registrations: runtime.registrations };
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
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wire(v, deps)]));
    return value;
}

async function floor(recipe: Registration[], wired: boolean): Promise<number> {
    // The states the mock gives each resource, from the mock's own logic, to recognise wired values.
    const mock = new MockAws("us-east-1");
    const states = new Map(recipe.map((r) => [r.urn, mock.newResource({ type: r.type, name: r.name, inputs: r.inputs }).state]));
    const runtime = await OfflineRuntime.start({ project: "ecsnet", stack: "bench", region: "us-east-1", config: {}, mode: "after-up", nativeStackTraces: true });
    const start = performance.now();
    const made = new Map<string, unknown>();
    for (const r of recipe) {
        let inputs = r.inputs;
        if (wired) {
            inputs = { ...r.inputs };
            for (const [key, urns] of Object.entries(r.propertyDependencies)) {
                const deps = urns.filter((u) => made.has(u)).map((u) => ({ state: states.get(u)!, resource: made.get(u) }));
                inputs[key] = wire(inputs[key], deps);
            }
        }
        made.set(r.urn, new (constructorOf(r.type))(r.name, inputs));
    }
    await runtime.settle();
    return performance.now() - start;
}

async function main() {
    const [countText, mode, runsText] = process.argv.slice(2);
    const count = Number(countText);
    const runs = Number(runsText ?? 5);
    const evalMs: number[] = [];
    const policyMs: number[] = [];
    let resources = 0;
    let packRssMb: number | undefined;
    if (mode === "components") {
        const client = await PolicyPackClient.start(path.join(ROOT, PACK_DIR));
        for (let i = 0; i <= runs; i++) {
            const { ms, registrations } = await evaluate(count);
            const custom = registrations.filter((r) => r.custom);
            const start = performance.now();
            const resourceViews = engineView(registrations, { mode: "after-up", project: "ecsnet", stack: "bench", config: { "aws:region": "us-east-1" } });
            const check = await checkPolicies(client, resourceViews, { project: "ecsnet", stack: "bench", mode: "after-up" });
            const policy = performance.now() - start;
            if (check.violations.length > 0) throw new Error(`bench stack has violations: ${JSON.stringify(check.violations[0])}`);
            resources = custom.length;
            if (i > 0) {
                evalMs.push(ms);
                policyMs.push(policy);
            }
        }
        packRssMb = client.peakMemoryMb();
        client.close();
    } else {
        const recipe = (await evaluate(count)).registrations.filter((r) => r.custom);
        resources = recipe.length;
        for (let i = 0; i <= runs; i++) {
            const ms = await floor(recipe, mode === "floor");
            if (i > 0) evalMs.push(ms);
        }
    }
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ services: count, mode, resources, evalMs, policyMs, maxRssMb, packRssMb }) + "\n");
    process.exit(0);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
