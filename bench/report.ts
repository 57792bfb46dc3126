/**
 * What the benchmark's results say, as text, as the README's section and as a chart: all generated
 * from bench/results.json (never typed by hand; a test compares the README with this).
 */
export interface Spread {
    median: number;
    min: number;
    max: number;
}

export interface SizeResult {
    services: number;
    resources: number;
    evalMs: Spread;
    floorMs: Spread;
    policyMs: Spread;
    reachMs: Spread;
    reportMs: Spread;
    totalMs: Spread;
    packMs: Spread;
    noopMs: Spread;
    overFloor: Spread;
    overNoop: Spread;
    evalPeakMb: Spread;
    heapUsedMb: number;
    packPeakMb: Spread;
    /** The check of a live stack (`--against` its state), and its ratio to the plain check in each round. */
    updateMs?: Spread;
    updateOverCheck?: Spread;
    /** The CDK peer (bench/peers/cdk): the same architecture, constructed and synthesised by aws-cdk-lib. */
    cdk?: {
        resources: number;
        stacks: number;
        /** Construction and synthesis without CDK's built-in CloudFormation validation. */
        synthMs: Spread;
        /** The same with it (CDK's default). */
        validatedMs: Spread;
        peakMb: Spread;
        validatedPeakMb: Spread;
        /** Our evaluation time per resource over CDK's synthesis time per resource, in each round. */
        evalOverSynth: Spread;
    };
}

export interface BenchResults {
    machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; date: string };
    rounds: number;
    sizes: SizeResult[];
    startup: { compiled: { ms: Spread; mb: Spread }; source: { ms: Spread; mb: Spread } };
    fits: { total: number; evaluation: number; reachability: number };
    targets: Target[];
}

export interface Target {
    what: string;
    holds: boolean;
    measured: string;
}

export const spread = (xs: number[]): Spread => {
    const s = [...xs].sort((a, b) => a - b);
    const median =
        s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return { median, min: s[0], max: s[s.length - 1] };
};

/** The exponent b of time = a * services^b, fitted by least squares on logarithms over every size. */
export function fitExponent(points: { x: number; y: number }[]): number {
    const xs = points.map((p) => Math.log(p.x));
    const ys = points.map((p) => Math.log(p.y));
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const num = xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i] - my), 0);
    const den = xs.reduce((acc, x) => acc + (x - mx) ** 2, 0);
    return num / den;
}

const n0 = (v: number) => Math.round(v).toLocaleString("en-US");
const s2 = (ms: number) => (ms / 1000).toFixed(2);
const x2 = (v: number) => `${v.toFixed(2)}x`;
const range = (s: Spread, f: (v: number) => string) => `${f(s.median)} (${f(s.min)}-${f(s.max)})`;

export function targetsOf(r: Omit<BenchResults, "targets">): Target[] {
    const at = (n: number) => r.sizes.find((s) => s.services === n);
    const t500 = at(500);
    const t1000 = at(1000);
    const reach =
        at(1000) && at(100) ? at(1000)!.reachMs.median / at(100)!.reachMs.median : undefined;
    return [
        {
            what: "pull request check of 500 services (evaluation with the policy check beside it, AnalyzeStack, reachability, report) under 10 s",
            holds: !!t500 && t500.totalMs.median < 10_000,
            measured: t500 ? `${range(t500.totalMs, s2)} s` : "not measured",
        },
        {
            what: "pull request check of 1,000 services under 10 s",
            holds: !!t1000 && t1000.totalMs.median < 10_000,
            measured: t1000 ? `${range(t1000.totalMs, s2)} s` : "not measured",
        },
        {
            what: "components at most 1.15x the wired floor (median ratio, side by side, every size)",
            holds: r.sizes.every((s) => s.overFloor.median <= 1.15),
            measured: r.sizes
                .map((s) => `${s.services}: ${range(s.overFloor, (v) => v.toFixed(2))}`)
                .join("; "),
        },
        {
            what: "the pack at most 1.15x the no-op pack (median ratio, side by side, every size)",
            holds: r.sizes.every((s) => s.overNoop.median <= 1.15),
            measured: r.sizes
                .map((s) => `${s.services}: ${range(s.overNoop, (v) => v.toFixed(2))}`)
                .join("; "),
        },
        {
            what: "reachability linear: 1,000 / 100 services at most 11x",
            holds: reach !== undefined && reach <= 11,
            measured:
                reach === undefined
                    ? "not measured"
                    : `${x2(reach)} (fitted exponent ${r.fits.reachability.toFixed(2)})`,
        },
        {
            what: "compiled pack ready (spawn to GetAnalyzerInfo) under 0.6 s",
            holds: r.startup.compiled.ms.median < 600,
            measured: `${range(r.startup.compiled.ms, n0)} ms (TypeScript source: ${n0(r.startup.source.ms.median)} ms)`,
        },
        {
            what: "compiled pack ready under 160 MB",
            holds: r.startup.compiled.mb.median < 160,
            measured: `${range(r.startup.compiled.mb, n0)} MB (source: ${n0(r.startup.source.mb.median)} MB)`,
        },
        {
            what: "an update plan (--against the live state) of 1,000 services at most 1.2x the plain check",
            holds: !!t1000?.updateOverCheck && t1000.updateOverCheck.median <= 1.2,
            measured:
                t1000?.updateMs && t1000.updateOverCheck
                    ? `${range(t1000.updateMs, s2)} s, ${range(t1000.updateOverCheck, (v) => v.toFixed(2))}x`
                    : "not measured",
        },
        {
            what: "evaluation time per resource at most CDK's synthesis without validation (median ratio, side by side, at 100, 500 and 1,000 services)",
            holds: [100, 500, 1000].every(
                (n) => (at(n)?.cdk?.evalOverSynth.median ?? Infinity) <= 1,
            ),
            measured: [100, 500, 1000]
                .map((n) => at(n)?.cdk)
                .map((c, i) =>
                    c
                        ? `${[100, 500, 1000][i]}: ${range(c.evalOverSynth, (v) => v.toFixed(2))}x`
                        : `${[100, 500, 1000][i]}: not measured`,
                )
                .join("; "),
        },
        {
            what: "peak memory of a 500-service evaluation at most 2x CDK's synthesis without validation",
            holds: !!t500?.cdk && t500.evalPeakMb.median <= 2 * t500.cdk.peakMb.median,
            measured: t500?.cdk
                ? `${n0(t500.evalPeakMb.median)} MB against CDK's ${n0(t500.cdk.peakMb.median)} MB (${x2(t500.evalPeakMb.median / t500.cdk.peakMb.median)})`
                : "not measured",
        },
        {
            what: "peak memory of a 500-service evaluation at most 1 GB",
            holds: !!t500 && t500.evalPeakMb.median <= 1024,
            measured: t500
                ? `${range(t500.evalPeakMb, n0)} MB (live JS heap after it: ${n0(t500.heapUsedMb)} MB)`
                : "not measured",
        },
    ];
}

export function textReport(r: BenchResults): string {
    const lines = [
        `Machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGb} GB, Node ${r.machine.node}; ${r.rounds} rounds, workers alternating in rotating order, each in a fresh process; median (min-max).`,
        "services resources  check s (eval+policy+report)  eval ms   floor ms  eval/floor        pack ms  no-op ms  pack/no-op        reach ms  eval peak MB  pack peak MB",
        ...r.sizes.map((s) =>
            [
                String(s.services).padStart(8),
                String(s.resources).padStart(9),
                range(s.totalMs, s2).padEnd(29),
                n0(s.evalMs.median).padStart(8),
                n0(s.floorMs.median).padStart(9),
                range(s.overFloor, (v) => v.toFixed(2)).padEnd(17),
                n0(s.packMs.median).padStart(7),
                n0(s.noopMs.median).padStart(9),
                range(s.overNoop, (v) => v.toFixed(2)).padEnd(17),
                s.reachMs.median.toFixed(1).padStart(8),
                n0(s.evalPeakMb.median).padStart(13),
                n0(s.packPeakMb.median).padStart(13),
            ].join(" "),
        ),
        `Fitted growth (time ~ services^b over every size): pull request check b=${r.fits.total.toFixed(2)}, evaluation b=${r.fits.evaluation.toFixed(2)}, reachability b=${r.fits.reachability.toFixed(2)}.`,
        "",
        "CDK peer (bench/peers/cdk, same architecture): construct + synth",
        "services  CDK resources  stacks  synth ms  validated ms  eval/synth per resource  CDK peak MB  validated peak MB",
        ...r.sizes
            .filter((s) => s.cdk)
            .map((s) =>
                [
                    String(s.services).padStart(8),
                    n0(s.cdk!.resources).padStart(14),
                    String(s.cdk!.stacks).padStart(7),
                    n0(s.cdk!.synthMs.median).padStart(9),
                    n0(s.cdk!.validatedMs.median).padStart(13),
                    range(s.cdk!.evalOverSynth, (v) => v.toFixed(2)).padEnd(24),
                    n0(s.cdk!.peakMb.median).padStart(12),
                    n0(s.cdk!.validatedPeakMb.median).padStart(18),
                ].join(" "),
            ),
        "",
        "Targets",
        ...r.targets.map((t) => `  ${t.holds ? "HOLDS " : "MISSED"} ${t.what}: ${t.measured}`),
    ];
    return lines.join("\n");
}

export const README_START =
    "<!-- bench:start (generated by npm run bench from bench/results.json; do not edit) -->";
export const README_END = "<!-- bench:end -->";

export function readmeSection(r: BenchResults): string {
    return [
        README_START,
        `Measured ${r.machine.date.slice(0, 10)} on ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGb} GB, Node ${r.machine.node}; ${r.rounds} rounds; median (min-max across rounds).`,
        "",
        "| services | resources | PR check s | evaluation ms | wired floor ms | evaluation / floor | pack ms | no-op pack ms | pack / no-op | reachability ms | evaluation peak MB | pack peak MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ...r.sizes.map(
            (s) =>
                `| ${s.services} | ${n0(s.resources)} | ${range(s.totalMs, s2)} | ${n0(s.evalMs.median)} | ${n0(s.floorMs.median)} | ${range(s.overFloor, (v) => v.toFixed(2))} | ${n0(s.packMs.median)} | ${n0(s.noopMs.median)} | ${range(s.overNoop, (v) => v.toFixed(2))} | ${s.reachMs.median.toFixed(1)} | ${n0(s.evalPeakMb.median)} | ${n0(s.packPeakMb.median)} |`,
        ),
        "",
        `Fitted growth over every size (time ~ services^b): pull request check b = ${r.fits.total.toFixed(2)}, evaluation b = ${r.fits.evaluation.toFixed(2)}, reachability b = ${r.fits.reachability.toFixed(2)} (1 is linear).`,
        "",
        ...(r.sizes.some((s) => s.cdk)
            ? [
                  "The CDK peer (`bench/peers/cdk`: the same architecture in aws-cdk-lib, split into stacks of 40 services as CloudFormation's 500-resource limit makes a CDK user do), constructed and synthesised in the same rounds:",
                  "",
                  "| services | CDK resources | stacks | synth ms | synth with validation ms | our evaluation / CDK synth, per resource | CDK peak MB | with validation peak MB |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|",
                  ...r.sizes
                      .filter((s) => s.cdk)
                      .map(
                          (s) =>
                              `| ${s.services} | ${n0(s.cdk!.resources)} | ${s.cdk!.stacks} | ${n0(s.cdk!.synthMs.median)} | ${n0(s.cdk!.validatedMs.median)} | ${range(s.cdk!.evalOverSynth, (v) => v.toFixed(2))} | ${n0(s.cdk!.peakMb.median)} | ${n0(s.cdk!.validatedPeakMb.median)} |`,
                      ),
                  "",
              ]
            : []),
        "| target | holds | measured |",
        "|---|---|---|",
        ...r.targets.map((t) => `| ${t.what} | ${t.holds ? "yes" : "**no**"} | ${t.measured} |`),
        "",
        "![benchmark chart](bench/chart.svg)",
        README_END,
    ].join("\n");
}

/** Two panels: seconds per phase against services, and the side-by-side ratios with their spread. */
export function chartSvg(r: BenchResults): string {
    const W = 980,
        H = 470,
        T = 40,
        B = 170,
        PW = 420;
    const panels = [
        { x0: 70, w: PW },
        { x0: 70 + PW + 90, w: PW - 70 },
    ];
    const xs = r.sizes.map((s) => s.services);
    const lx = (v: number, p: { x0: number; w: number }) =>
        p.x0 +
        ((Math.log(v) - Math.log(xs[0])) / (Math.log(xs[xs.length - 1]) - Math.log(xs[0]) || 1)) *
            p.w;
    const maxS = Math.max(...r.sizes.map((s) => s.totalMs.max / 1000)) * 1.08;
    const ys = (v: number) => H - B - (v / maxS) * (H - B - T);
    const maxR = Math.max(1.3, ...r.sizes.flatMap((s) => [s.overFloor.max, s.overNoop.max])) * 1.05;
    const minR = Math.min(0.8, ...r.sizes.flatMap((s) => [s.overFloor.min, s.overNoop.min]));
    const yr = (v: number) => H - B - ((v - minR) / (maxR - minR)) * (H - B - T);
    const series = [
        {
            name: "pull request check (evaluation with the policy check beside it, report)",
            color: "#1f77b4",
            v: (s: SizeResult) => s.totalMs,
        },
        {
            name: "evaluation (components, preview)",
            color: "#ff7f0e",
            v: (s: SizeResult) => s.evalMs,
        },
        {
            name: "evaluation floor (plain resources, wired)",
            color: "#2ca02c",
            v: (s: SizeResult) => s.floorMs,
        },
        { name: "policy check (compiled pack)", color: "#d62728", v: (s: SizeResult) => s.packMs },
        {
            name: "policy check (no-op pack, the protocol's floor)",
            color: "#9467bd",
            v: (s: SizeResult) => s.noopMs,
        },
        { name: "reachability analysis", color: "#8c564b", v: (s: SizeResult) => s.reachMs },
    ];
    const ratios = [
        {
            name: "evaluation / wired floor (median, min-max)",
            color: "#e377c2",
            v: (s: SizeResult) => s.overFloor,
        },
        {
            name: "pack / no-op pack (median, min-max)",
            color: "#17becf",
            v: (s: SizeResult) => s.overNoop,
        },
    ];
    const out: string[] = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
        `<rect width="${W}" height="${H}" fill="white"/>`,
        `<text x="${panels[0].x0}" y="20" font-size="14">Seconds per phase (median, whiskers min-max; ${r.rounds} rounds)</text>`,
        `<text x="${panels[1].x0}" y="20" font-size="14">Side-by-side ratios over the floors</text>`,
    ];
    for (const [i, p] of panels.entries()) {
        out.push(
            `<line x1="${p.x0}" y1="${H - B}" x2="${p.x0 + p.w}" y2="${H - B}" stroke="black"/><line x1="${p.x0}" y1="${T}" x2="${p.x0}" y2="${H - B}" stroke="black"/>`,
        );
        xs.forEach((v) =>
            out.push(`<text x="${lx(v, p)}" y="${H - B + 16}" text-anchor="middle">${v}</text>`),
        );
        out.push(
            `<text x="${p.x0 + p.w / 2}" y="${H - B + 34}" text-anchor="middle">services (log scale)</text>`,
        );
        const ticks = Array.from({ length: 6 }, (_, k) =>
            i === 0 ? (maxS * k) / 5 : minR + ((maxR - minR) * k) / 5,
        );
        ticks.forEach((t) =>
            out.push(
                `<text x="${p.x0 - 6}" y="${(i === 0 ? ys(t) : yr(t)) + 4}" text-anchor="end">${t.toFixed(i === 0 ? 1 : 2)}</text><line x1="${p.x0}" y1="${i === 0 ? ys(t) : yr(t)}" x2="${p.x0 + p.w}" y2="${i === 0 ? ys(t) : yr(t)}" stroke="#eee"/>`,
            ),
        );
    }
    const draw = (
        p: { x0: number; w: number },
        color: string,
        pts: Spread[],
        y: (v: number) => number,
        scale: number,
    ) => {
        out.push(
            `<polyline fill="none" stroke="${color}" stroke-width="2" points="${xs.map((v, k) => `${lx(v, p)},${y(pts[k].median / scale)}`).join(" ")}"/>`,
        );
        xs.forEach((v, k) => {
            out.push(
                `<line x1="${lx(v, p)}" y1="${y(pts[k].min / scale)}" x2="${lx(v, p)}" y2="${y(pts[k].max / scale)}" stroke="${color}"/>`,
            );
            out.push(
                `<circle cx="${lx(v, p)}" cy="${y(pts[k].median / scale)}" r="3" fill="${color}"/>`,
            );
        });
    };
    series.forEach((s) => draw(panels[0], s.color, r.sizes.map(s.v), ys, 1000));
    ratios.forEach((s) => draw(panels[1], s.color, r.sizes.map(s.v), yr, 1));
    out.push(
        `<line x1="${panels[1].x0}" y1="${yr(1.15)}" x2="${panels[1].x0 + panels[1].w}" y2="${yr(1.15)}" stroke="#555" stroke-dasharray="5,4"/><text x="${panels[1].x0 + 4}" y="${yr(1.15) - 4}">target 1.15x</text>`,
    );
    // The legend under both panels, every entry whole.
    const legend = [
        ...series.map((s) => ({ ...s, panel: "seconds" })),
        ...ratios.map((s) => ({ ...s, panel: "ratio" })),
    ];
    legend.forEach((s, k) => {
        const col = k % 2;
        const row = Math.floor(k / 2);
        const x = 70 + col * 460;
        const y = H - B + 62 + row * 20;
        out.push(
            `<rect x="${x}" y="${y - 5}" width="14" height="4" fill="${s.color}"/><text x="${x + 20}" y="${y}">${s.name} (${s.panel})</text>`,
        );
    });
    out.push("</svg>");
    return out.join("\n");
}
