import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    BenchResults,
    chartSvg,
    fitExponent,
    readmeSection,
    README_END,
    README_START,
    spread,
    targetsOf,
} from "../bench/report";
import { benchConfig, benchServices } from "../bench/generate";
import { parseStackConfig } from "../stack/config";
import { projectValues } from "../offline/engine/project";
import { deployOrder } from "../stack/plan";

describe("the benchmark's stack generator", () => {
    it("makes half servers and half clients, each client calling one or two servers", () => {
        const services = benchServices(10);
        const servers = services.filter((s) => s.ports?.some((p) => p.serviceConnect));
        const clients = services.filter((s) => s.calls);
        assert.deepStrictEqual([servers.length, clients.length], [5, 5]);
        assert.deepStrictEqual(
            clients.map((c) => c.calls),
            [["api-0"], ["api-1", "api-2"], ["api-2"], ["api-3", "api-4"], ["api-4"]],
        );
    });

    it("produces a stack config that stack/config.ts accepts and Service Connect can order", () => {
        const config = parseStackConfig(projectValues(benchConfig(500), "ecsnet"), "ecsnet");
        assert.strictEqual(config.services.length, 500);
        const order = deployOrder(config.services).map((s) => s.name);
        assert.ok(order.indexOf("api-0") < order.indexOf("client-0"));
    });
});

describe("the benchmark's report", () => {
    const results = JSON.parse(
        fs.readFileSync(path.join(__dirname, "../bench/results.json"), "utf8"),
    ) as BenchResults;

    it("the README's benchmark section is the one generated from bench/results.json, never typed by hand", () => {
        const readme = fs.readFileSync(path.join(__dirname, "../README.md"), "utf8");
        const start = readme.indexOf(README_START);
        const end = readme.indexOf(README_END);
        assert.ok(start >= 0 && end > start, "the README has the benchmark markers");
        assert.strictEqual(readme.slice(start, end + README_END.length), readmeSection(results));
    });

    it("the targets in bench/results.json are the ones its figures give", () => {
        const { targets, ...rest } = results;
        assert.deepStrictEqual(targets, targetsOf(rest));
        assert.deepStrictEqual(
            results.sizes.map((s) => s.services),
            [10, 50, 100, 500, 1000],
        );
    });

    it("fits growth over every size by least squares on logarithms", () => {
        assert.ok(
            Math.abs(fitExponent([10, 50, 100, 1000].map((x) => ({ x, y: 3 * x }))) - 1) < 1e-9,
        );
        assert.ok(
            Math.abs(fitExponent([10, 50, 100, 1000].map((x) => ({ x, y: x * x }))) - 2) < 1e-9,
        );
        assert.deepStrictEqual(spread([5, 1, 3, 2]), { median: 2.5, min: 1, max: 5 });
    });

    it("draws every series of the chart with its whole legend inside the picture", () => {
        const svg = chartSvg(results);
        const width = Number(/width="(\d+)"/.exec(svg)![1]);
        const legend = [
            ...svg.matchAll(
                /<rect x="(\d+)" y="[\d.]+" width="14" height="4" fill="[^"]+"\/><text x="(\d+)" y="[\d.]+">([^<]+)<\/text>/g,
            ),
        ];
        assert.strictEqual(legend.length, 8);
        // 7 px per character is generous for 12 px sans-serif.
        assert.ok(
            legend.every((m) => Number(m[2]) + m[3].length * 7 <= width),
            "no legend entry runs off the right edge",
        );
    });
});
