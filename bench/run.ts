/**
 * npm run bench: what a pull request's check costs as stacks grow, measured side by side.
 * For 10, 50, 100, 500 and 1,000 Service Connect services (private pattern; half servers, half
 * clients calling one or two servers), BENCH_ROUNDS rounds (default 3). In each round eight workers
 * run, each in a fresh process, in an order that rotates from round to round:
 * - eval: the evaluation alone, in preview mode (the plan's default): time and peak memory;
 * - components: the pull request's check as the plan runs it: the evaluation with each resource sent
 *   to the compiled pack as it is stepped, AnalyzeStack, the reachability analysis, the report;
 * - floor: the same resources registered as plain @pulumi/aws resources, wired by Outputs as a
 *   hand-written program would be, in preview mode;
 * - update: the same check of a live stack, planned --against its state after up (steps, refusals);
 * - pack and no-op: the policy check alone on the same resources, through the real pack and through
 *   a pack with policies that judge nothing (the protocol's own floor);
 * - cdk and cdk-validate: the CDK peer (bench/peers/cdk, the same architecture in aws-cdk-lib),
 *   constructed and synthesised without and with CDK's built-in validation.
 * Ratios are taken within each round (evaluation / floor, pack / no-op, update / check) and reported
 * as the median with min-max across rounds, next to the absolute times. Growth is fitted over every
 * size. Peak memory is the evaluation's alone and the pack process's, separately.
 * Writes bench/results.json and bench/chart.svg, and the README's section between its markers.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    BenchResults,
    chartSvg,
    fitExponent,
    readmeSection,
    README_END,
    README_START,
    SizeResult,
    spread,
    targetsOf,
    textReport,
} from "./report";

const SIZES = (process.env.BENCH_SIZES ?? "10,50,100,500,1000").split(",").map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HERE = __dirname;
const ROOT = path.resolve(HERE, "..");

function worker(args: string[]): any {
    const out = execFileSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(HERE, "worker.ts"), ...args],
        { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    return JSON.parse(out.trim().split("\n").pop()!);
}

function measureSize(services: number): SizeResult {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${services}-`));
    worker(["recipe", String(services), dir]);
    const order = ["eval", "components", "update", "floor", "pack", "noop", "cdk", "cdk-validate"];
    const rounds: Record<string, any>[] = [];
    for (let k = 0; k < ROUNDS; k++) {
        const round: Record<string, any> = {};
        for (const mode of [
            ...order.slice(k % order.length),
            ...order.slice(0, k % order.length),
        ]) {
            process.stderr.write(
                `bench: ${services} services, round ${k + 1}/${ROUNDS}, ${mode}\n`,
            );
            round[mode] = worker([mode, String(services), dir]);
        }
        rounds.push(round);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    const c = rounds.map((r) => r.components);
    const e = rounds.map((r) => r.eval);
    return {
        services,
        resources: e[0].resources,
        evalMs: spread(e.map((x) => x.evalMs)),
        floorMs: spread(rounds.map((r) => r.floor.evalMs)),
        policyMs: spread(c.map((x) => x.policyMs)),
        reachMs: spread(c.map((x) => x.reachMs)),
        reportMs: spread(c.map((x) => x.reportMs)),
        totalMs: spread(c.map((x) => x.checkMs)),
        packMs: spread(rounds.map((r) => r.pack.policyMs)),
        noopMs: spread(rounds.map((r) => r.noop.policyMs)),
        overFloor: spread(rounds.map((r) => r.eval.evalMs / r.floor.evalMs)),
        overNoop: spread(rounds.map((r) => r.pack.policyMs / r.noop.policyMs)),
        updateMs: spread(rounds.map((r) => r.update.checkMs)),
        updateOverCheck: spread(rounds.map((r) => r.update.checkMs / r.components.checkMs)),
        evalPeakMb: spread(e.map((x) => x.evalPeakMb)),
        heapUsedMb: spread(e.map((x) => x.heapUsedMb)).median,
        packPeakMb: spread(rounds.map((r) => r.pack.packPeakMb)),
        cdk: {
            resources: rounds[0].cdk.resources,
            stacks: rounds[0].cdk.stacks,
            synthMs: spread(rounds.map((r) => r.cdk.ms)),
            validatedMs: spread(rounds.map((r) => r["cdk-validate"].ms)),
            peakMb: spread(rounds.map((r) => r.cdk.peakMb)),
            validatedPeakMb: spread(rounds.map((r) => r["cdk-validate"].peakMb)),
            // Per resource, side by side in each round: our evaluation against CDK's synth.
            evalOverSynth: spread(
                rounds.map((r) => r.eval.evalMs / r.eval.resources / (r.cdk.ms / r.cdk.resources)),
            ),
        },
    };
}

/**
 * The CDK peer's packages, installed here only (a user's `npm ci` never carries CDK): npm installs
 * bench/peers/cdk's pinned aws-cdk-lib and constructs when they are missing.
 */
function installCdkPeer(): void {
    const dir = path.join(HERE, "peers", "cdk");
    if (fs.existsSync(path.join(dir, "node_modules", "aws-cdk-lib", "package.json"))) return;
    process.stderr.write("bench: installing the CDK peer (bench/peers/cdk)\n");
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], {
        cwd: dir,
        stdio: ["ignore", "ignore", "inherit"],
    });
}

/** Writes the chart and the README's section from a results document. */
function publish(results: BenchResults): void {
    fs.writeFileSync(path.join(HERE, "chart.svg"), chartSvg(results) + "\n");
    const readme = path.join(ROOT, "README.md");
    const text = fs.readFileSync(readme, "utf8");
    const start = text.indexOf(README_START);
    const end = text.indexOf(README_END);
    if (start >= 0 && end > start) {
        fs.writeFileSync(
            readme,
            text.slice(0, start) + readmeSection(results) + text.slice(end + README_END.length),
        );
    }
}

function main(): void {
    // --render: the chart and the README's section again from bench/results.json, measuring nothing.
    if (process.argv.includes("--render")) {
        const results = JSON.parse(
            fs.readFileSync(path.join(HERE, "results.json"), "utf8"),
        ) as BenchResults;
        publish(results);
        console.log(textReport(results));
        return;
    }
    installCdkPeer();
    const sizes = SIZES.map(measureSize);
    process.stderr.write("bench: pack startup\n");
    const startup = worker(["startup", "5"]);
    const fit = (pick: (s: SizeResult) => number) =>
        fitExponent(sizes.map((s) => ({ x: s.services, y: pick(s) })));
    const base = {
        machine: {
            cpus: os.cpus().length,
            cpuModel: os.cpus()[0]?.model ?? "?",
            memoryGb: Math.round(os.totalmem() / 2 ** 30),
            node: process.version,
            date: new Date().toISOString(),
        },
        rounds: ROUNDS,
        sizes,
        startup: {
            compiled: {
                ms: spread(startup.compiled.map((x: any) => x.ms)),
                mb: spread(startup.compiled.map((x: any) => x.mb)),
            },
            source: {
                ms: spread(startup.source.map((x: any) => x.ms)),
                mb: spread(startup.source.map((x: any) => x.mb)),
            },
        },
        fits: {
            total: fit((s) => s.totalMs.median),
            evaluation: fit((s) => s.evalMs.median),
            reachability: fit((s) => s.reachMs.median),
        },
    };
    const results: BenchResults = { ...base, targets: targetsOf(base) };
    fs.writeFileSync(path.join(HERE, "results.json"), JSON.stringify(results, null, 2) + "\n");
    publish(results);
    console.log(textReport(results));
    console.log("\nWrote bench/results.json, bench/chart.svg and the README's benchmark table.");
}

main();
