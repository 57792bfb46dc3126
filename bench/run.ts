/**
 * npm run bench: what a plan and a policy check cost as stacks grow.
 * For 10, 50, 100 and 500 Service Connect services (private pattern; half servers, half clients
 * calling one or two servers), each in fresh worker processes run one after another:
 * - program evaluation under the mock runtime (components), 1 warm-up + RUNS timed runs;
 * - the floor: the same resources (types and inputs) registered as plain @pulumi/aws resources with
 *   no components, wired by Outputs as a hand-written program would be (the target's comparison),
 *   and, for reference, with every input a plain value;
 * - policy analysis of every resource through the Analyzer protocol (in the components worker);
 * - peak memory (max RSS) of one evaluation and policy check, in its own worker: the program's
 *   process, and the policy pack's (a separate process under the CLI's loader) reported beside it.
 * Prints a table and the targets, writes bench/results.json and bench/chart.svg.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SIZES = (process.env.BENCH_SIZES ?? "10,50,100,500").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HERE = __dirname;

interface WorkerResult {
    services: number;
    mode: string;
    resources: number;
    evalMs: number[];
    policyMs: number[];
    maxRssMb: number;
    packRssMb?: number;
}

function worker(services: number, mode: "components" | "floor" | "floor-plain", runs: number): WorkerResult {
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(HERE, "worker.ts"), String(services), mode, String(runs)], {
        cwd: path.resolve(HERE, ".."),
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(out.trim().split("\n").pop()!);
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const stats = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs });
const r1 = (n: number) => Math.round(n * 10) / 10;

function chart(rows: { services: number; evalMs: number; floorMs: number; policyMs: number }[]): string {
    const W = 640, H = 400, L = 60, B = 50, T = 30, R = 150;
    const maxX = Math.max(...rows.map((r) => r.services));
    const maxY = Math.max(...rows.map((r) => (r.evalMs + r.policyMs) / 1000)) * 1.1;
    const x = (v: number) => L + (v / maxX) * (W - L - R);
    const y = (v: number) => H - B - (v / maxY) * (H - B - T);
    const series = [
        { name: "evaluation + policy", color: "#1f77b4", value: (r: (typeof rows)[0]) => (r.evalMs + r.policyMs) / 1000 },
        { name: "evaluation (components)", color: "#ff7f0e", value: (r: (typeof rows)[0]) => r.evalMs / 1000 },
        { name: "evaluation floor (wired)", color: "#2ca02c", value: (r: (typeof rows)[0]) => r.floorMs / 1000 },
        { name: "policy analysis", color: "#d62728", value: (r: (typeof rows)[0]) => r.policyMs / 1000 },
    ];
    const ticksY = Array.from({ length: 6 }, (_, i) => (maxY * i) / 5);
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
        `<rect width="${W}" height="${H}" fill="white"/>`,
        `<text x="${L}" y="18" font-size="14">Plan cost against stack size (median of ${RUNS} runs, 2-core machine)</text>`,
        `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
        ...rows.map((r) => `<text x="${x(r.services)}" y="${H - B + 16}" text-anchor="middle">${r.services}</text>`),
        `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">Service Connect services</text>`,
        ...ticksY.map((t) => `<text x="${L - 6}" y="${y(t) + 4}" text-anchor="end">${t.toFixed(1)}</text><line x1="${L}" y1="${y(t)}" x2="${W - R}" y2="${y(t)}" stroke="#eee"/>`),
        `<text x="16" y="${(T + H - B) / 2}" transform="rotate(-90 16 ${(T + H - B) / 2})" text-anchor="middle">seconds</text>`,
        ...series.flatMap((s, i) => [
            `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${rows.map((r) => `${x(r.services)},${y(s.value(r))}`).join(" ")}"/>`,
            ...rows.map((r) => `<circle cx="${x(r.services)}" cy="${y(s.value(r))}" r="3" fill="${s.color}"/>`),
            `<rect x="${W - R + 10}" y="${T + i * 20}" width="12" height="3" fill="${s.color}"/><text x="${W - R + 28}" y="${T + i * 20 + 5}">${s.name}</text>`,
        ]),
        `</svg>`,
    ].join("\n");
}

function main() {
    const results = SIZES.map((services) => {
        process.stderr.write(`bench: ${services} services ...\n`);
        const components = worker(services, "components", RUNS);
        const floor = worker(services, "floor", RUNS);
        const plain = worker(services, "floor-plain", RUNS);
        const memory = worker(services, "components", 0);
        const evaluation = stats(components.evalMs);
        const policy = stats(components.policyMs);
        return {
            services,
            resources: components.resources,
            evaluationMs: evaluation,
            floorMs: stats(floor.evalMs),
            plainFloorMs: stats(plain.evalMs),
            policyMs: policy,
            policyMsPerResource: policy.median / components.resources,
            totalMs: evaluation.median + policy.median,
            overFloor: evaluation.median / median(floor.evalMs) - 1,
            overPlainFloor: evaluation.median / median(plain.evalMs) - 1,
            peakMemoryMb: memory.maxRssMb,
            packPeakMemoryMb: memory.packRssMb,
        };
    });
    const at = (n: number) => results.find((r) => r.services === n);
    const growth = at(500) && at(50) ? at(500)!.totalMs / at(50)!.totalMs : undefined;
    const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString() };
    const doc = { machine, runs: RUNS, method: "see bench/run.ts", results, growth500over50: growth };
    fs.writeFileSync(path.join(HERE, "results.json"), JSON.stringify(doc, null, 2) + "\n");
    fs.writeFileSync(path.join(HERE, "chart.svg"), chart(results.map((r) => ({ services: r.services, evalMs: r.evaluationMs.median, floorMs: r.floorMs.median, policyMs: r.policyMs.median }))) + "\n");

    const header = "services  resources  eval ms (min-max)       wired floor ms (min-max) over  plain floor ms      over  policy ms (min-max)    policy ms/res  eval+policy s  peak MB (pack)";
    console.log(`Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}; ${RUNS} runs after a warm-up; medians.`);
    console.log(header);
    for (const r of results) {
        const range = (s: { median: number; min: number; max: number }) => `${r1(s.median)} (${r1(s.min)}-${r1(s.max)})`.padEnd(23);
        console.log(
            `${String(r.services).padStart(8)}  ${String(r.resources).padStart(9)}  ${range(r.evaluationMs)} ${range(r.floorMs)} ${`${r1(r.overFloor * 100)}%`.padStart(5)}  ${String(r1(r.plainFloorMs.median)).padEnd(17)} ${`${r1(r.overPlainFloor * 100)}%`.padStart(5)}  ${range(r.policyMs)} ${r.policyMsPerResource.toFixed(3).padStart(13)}  ${(r.totalMs / 1000).toFixed(2).padStart(13)}  ${r1(r.peakMemoryMb).toString().padStart(7)} (${r.packPeakMemoryMb === undefined ? "?" : r1(r.packPeakMemoryMb)})`,
        );
    }
    const big = at(500);
    const targets: [string, boolean | undefined, string][] = [
        ["500 services: evaluation + policy under 30 s", big && big.totalMs < 30_000, big ? `${(big.totalMs / 1000).toFixed(2)} s` : "not measured"],
        ["500 services: peak memory of the program under 1.5 GB", big && big.peakMemoryMb < 1536, big ? `${r1(big.peakMemoryMb)} MB (the policy pack's own process: ${big.packPeakMemoryMb === undefined ? "?" : r1(big.packPeakMemoryMb)} MB more)` : "not measured"],
        ["growth 50 -> 500 services at most 11x", growth !== undefined && growth <= 11, growth !== undefined ? `${growth.toFixed(2)}x` : "not measured"],
        ["components at most 30% over the wired floor (every size)", results.every((r) => r.overFloor <= 0.3), results.map((r) => `${r.services}: ${r1(r.overFloor * 100)}%`).join(", ")],
        ["policy analysis under 1 ms per resource (every size)", results.every((r) => r.policyMsPerResource < 1), results.map((r) => `${r.services}: ${r.policyMsPerResource.toFixed(3)}`).join(", ")],
    ];
    console.log("\nTargets");
    for (const [what, ok, figure] of targets) {
        console.log(`  ${ok ? "MET   " : "MISSED"} ${what}: ${figure}`);
    }
    console.log("\nWrote bench/results.json and bench/chart.svg");
}

main();
