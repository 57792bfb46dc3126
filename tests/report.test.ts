import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlan } from "../offline/command/planCommand";
import { estimateCost, quantityText, usdText } from "../offline/reports/cost";
import { PRICE_TABLE_DATE, pricesOf } from "../offline/reports/prices";
import type { EngineResource } from "../offline/engine/view";

const ROOT = path.resolve(__dirname, "..");
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), "report-"));

/** Runs the plan in-process; returns its exit code, stdout and the files --out wrote. */
async function plan(...argv: string[]): Promise<{ code: number; out: string; err: string; md: (stack: string) => string }> {
    const outDir = fs.mkdtempSync(path.join(DIR, "out-"));
    let out = "";
    let err = "";
    const code = await runPlan(ROOT, [...argv, "--out", outDir], { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err, md: (stack) => fs.readFileSync(path.join(outDir, `plan-${stack}.md`), "utf8") };
}

/** Just enough of an engine resource for the cost: its type, inputs and which resources feed them. */
const resource = (type: string, inputs: Record<string, unknown> = {}) => ({ type, inputs, propertyDependencies: {} }) as unknown as EngineResource;

describe("the plan's report (text and the pull request's Markdown)", function () {
    this.timeout(120_000);

    it("shows a waived violation itself, its waiver, and which policy configuration produced the verdicts", async () => {
        const config = path.join(DIR, "waive.json");
        fs.writeFileSync(config, JSON.stringify({ "no-ssh-from-internet": { waivers: [{ resource: "urn:pulumi:insecure::*", reason: "lab bastion, ticket SEC-7", expires: "2999-01-01" }] } }));
        const { code, out, md } = await plan("--stack", "insecure", "--stack-file", "tests/fixtures/Pulumi.insecure.yaml", "--policy-pack-config", config);
        assert.strictEqual(code, 0);
        const sha = require("crypto").createHash("sha256").update(fs.readFileSync(config)).digest("hex").slice(0, 12);
        const verdicts = out.slice(out.indexOf("Policy verdicts"), out.indexOf("\n\n", out.indexOf("Policy verdicts")));
        assert.deepStrictEqual(verdicts.split("\n"), [
            "Policy verdicts",
            `  Policy configuration: ${config} (sha256 ${sha}).`,
            "  ADVISORY (1)",
            "    [no-ssh-from-internet] bastion-in-tcp-22-from-internet: Security group rule admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet. Bots scan every public address for SSH: narrow the source to your own network's CIDR, or reach hosts with SSM Session Manager or ECS Exec instead of SSH.",
            "        Waived until 2999-01-01: lab bastion, ticket SEC-7",
        ]);
        assert.ok(md("insecure").includes(`Policy configuration: ${config} (sha256 ${sha}).`));
    });

    it("names a configuration inside the project by its path there, and an expired waiver beside its violation", async () => {
        const config = path.join(ROOT, ".scratch-report-expired.json");
        fs.writeFileSync(config, JSON.stringify({ "no-ssh-from-internet": { waivers: [{ resource: "urn:pulumi:insecure::*", reason: "old lab", expires: "2020-01-01" }] } }));
        try {
            const { code, out } = await plan("--stack", "insecure", "--stack-file", "tests/fixtures/Pulumi.insecure.yaml", "--policy-pack-config", config);
            assert.strictEqual(code, 1);
            assert.match(out, /\n {2}Policy configuration: \.scratch-report-expired\.json \(sha256 [0-9a-f]{12}\)\.\n/);
            assert.match(out, /\n {4}\[no-ssh-from-internet\] bastion-in-tcp-22-from-internet: Security group rule admits tcp 22-22 .*\n {8}The waiver for this resource expired on 2020-01-01 \(its reason: old lab\)\. Fix the violation, or renew the waiver with a new expires date\.\n/);
        } finally {
            fs.rmSync(config);
        }
    });

    it("puts reachability, its paths and the load balancer's routes in the pull request's Markdown", async () => {
        const { code, out, md } = await plan("--stack", "web");
        assert.strictEqual(code, 0);
        const text = md("web");
        const section = (title: string) => text.slice(text.indexOf(title), text.indexOf("\n### ", text.indexOf(title) + 1));
        assert.deepStrictEqual(section("### Reachability").split("\n").filter((l) => l.startsWith("|") || l.startsWith("- ")), [
            "| service | port | from the internet | from services | egress |",
            "|---|---|---|---|---|",
            '| internal-nginx | tcp 80 | no | frontend | nat via NAT gateway "web-nat-0" (us-east-2a), NAT gateway "web-nat-1" (us-east-2b) |',
            '| frontend | tcp 80 | **YES** | - | nat via NAT gateway "web-nat-0" (us-east-2a), NAT gateway "web-nat-1" (us-east-2b) |',
            '- **frontend** tcp 80 from the internet: `internet gateway "web-igw"` → `route table "web-public-rt"` → `subnet "web-public-0"` → `load balancer "web-lb"` → `listener "web-https" (HTTPS:443)` → `target group "frontend-tg"` → `security group rule "frontend-in-tcp-80-from-web-lb"`',
        ]);
        assert.deepStrictEqual(section("### Load balancer routes").split("\n").filter((l) => l.startsWith("| web-lb")), ["| web-lb | HTTPS:443 | 48056 | /* | frontend | 80 |"]);
        // The text report lists routes under their own heading, not Service Connect's.
        const sc = out.slice(out.indexOf("\nService Connect\n"), out.indexOf("\nLoad balancer routes"));
        assert.ok(!sc.includes("web-lb"), sc);
        assert.match(out, /\nLoad balancer routes \(the order AWS evaluates them\)\n {2}web-lb HTTPS:443 rule 48056: \/\* -> frontend:80\n/);
    });

    it("warns, in both reports, when one zone's NAT gateway carries the other zones' egress", async () => {
        const { out, md } = await plan("--stack", "dev");
        const warning = 'internal-nginx, client-nginx reach the internet through NAT gateway "dev-nat-0" (us-east-1a), outside some of their tasks\' zones: when a gateway\'s zone fails, tasks in the other zones lose the internet too. Give each zone its own NAT gateway (natGateways: OnePerAz) where that matters.';
        assert.ok(out.includes(`  WARNING: ${warning}\n`));
        assert.ok(md("dev").includes(`> **Warning:** ${warning}\n`));
        const prod = await plan("--stack", "prod");
        assert.ok(!prod.md("prod").includes("> **Warning:**"), "a NAT per zone: no warning");
    });

    it("labels each cost quantity with its unit, lines the columns up, and names the prices' Region and date", async () => {
        const { out, md } = await plan("--stack", "web");
        const cost = out.slice(out.indexOf("Monthly network cost")).split("\n");
        assert.strictEqual(cost[0], `Monthly network cost (estimate, us-east-2 prices of ${PRICE_TABLE_DATE})`);
        const rows = cost.slice(1, cost.findIndex((l) => l.startsWith("  Total per month")) + 1);
        assert.strictEqual(new Set(rows.map((r) => r.length)).size, 1, `every row ends in the same column:\n${rows.join("\n")}`);
        assert.deepStrictEqual(rows.slice(0, 2).map((r) => r.trim().split(/\s{2,}/)), [
            ["NAT gateways", "2 gateways", "$32.85 each", "$65.70"],
            ["NAT gateway data processed", "100 GB", "$0.045 each", "$4.50"],
        ]);
        assert.ok(md("web").includes("| Load balancers | 1 load balancer | $16.43 each | $16.43 |"));
    });

    it("prices a stack at its own Region's list prices, and says when the table lacks the Region", () => {
        const resources = [resource("aws:ec2/natGateway:NatGateway"), resource("aws:ec2/eip:Eip"), resource("aws:lb/loadBalancer:LoadBalancer", { subnets: ["a", "b"] })];
        const frankfurt = estimateCost(resources, { natGbPerMonth: 100, region: "eu-central-1" });
        const nat = frankfurt.items.find((i) => i.item === "NAT gateways")!;
        assert.deepStrictEqual([frankfurt.pricesRegion, nat.unitMonthlyUsd, nat.monthlyUsd], ["eu-central-1", 0.052 * 730, 37.96]);
        assert.ok(frankfurt.monthlyUsd > estimateCost(resources, { natGbPerMonth: 100, region: "us-east-1" }).monthlyUsd);
        const elsewhere = estimateCost(resources, { natGbPerMonth: 100, region: "me-central-1" });
        assert.strictEqual(elsewhere.pricesRegion, "us-east-1");
        assert.strictEqual(elsewhere.assumptions.prices, `me-central-1 is not in the price table (offline/reports/prices.ts): us-east-1 list prices of ${PRICE_TABLE_DATE}`);
        assert.deepStrictEqual(pricesOf("us-west-2").prices, pricesOf("us-east-1").prices);
        assert.deepStrictEqual([quantityText({ quantity: 1, unit: "address" }), quantityText({ quantity: 3, unit: "address" }), quantityText({ quantity: 0, unit: "LCU" }), quantityText({ quantity: 5, unit: "GB" })], ["1 address", "3 addresses", "0 LCUs", "5 GB"]);
        assert.deepStrictEqual([usdText(0.045), usdText(0.5), usdText(32.85), usdText(0)], ["$0.045", "$0.50", "$32.85", "$0.00"]);
    });
});
