import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

/** The modules of this repository and of @pulumi/aws that requiring `module` loads, in a fresh process. */
function loadedBy(module: string): { own: string[]; aws: number } {
    const script = `require(${JSON.stringify(module)}); const k = Object.keys(require.cache); console.log(JSON.stringify({ own: k.filter((x) => !x.includes("node_modules")).map((x) => require("path").relative(process.cwd(), x)), aws: k.filter((x) => x.includes("node_modules/@pulumi/aws/")).length }));`;
    const run = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "-e", script],
        { cwd: ROOT, encoding: "utf8" },
    );
    assert.strictEqual(run.status, 0, run.stderr);
    return JSON.parse(run.stdout);
}

describe("the code's direction: planners never load resource code", function () {
    this.timeout(60_000);

    it("planning a whole stack (stack/plan.ts) loads only planners: no @pulumi/aws, no component that registers resources", () => {
        const { own, aws } = loadedBy("./stack/plan");
        assert.strictEqual(aws, 0, "@pulumi/aws modules loaded");
        const resourceFiles = own.filter(
            (f) =>
                /components\/.*\/(?!plan\.ts$|clusterPlan\.ts$)[^/]+\.ts$/.test(f) &&
                !/(cidr|regions|instanceTypes|fargate|iam)\.ts$/.test(f),
        );
        assert.deepStrictEqual(resourceFiles, [], "component files that create resources");
        for (const planner of [
            "components/network/plan.ts",
            "components/capacity/plan.ts",
            "components/service/plan.ts",
            "components/service/clusterPlan.ts",
            "components/loadBalancer/plan.ts",
        ]) {
            assert.ok(own.includes(planner), `${planner} is what plans`);
        }
    });
});
