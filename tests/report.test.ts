import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlan } from "../offline/command/planCommand";
import { SHARED_PACKS } from "./support/packs";
import { writeSshWaiver } from "./support/waivers";
import { estimateCost, quantityText, usdText } from "../offline/reports/cost";
import { PRICE_TABLE_DATE, pricesOf } from "../offline/reports/prices";
import type { EngineResource } from "../offline/engine/view";

const ROOT = path.resolve(__dirname, "..");
const PACK_VERSION = JSON.parse(
    fs.readFileSync(path.join(ROOT, "policies", "package.json"), "utf8"),
).version;
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), "report-"));

/** Runs the plan in-process; returns its exit code, stdout and the files --out wrote. */
async function plan(
    ...argv: string[]
): Promise<{ code: number; out: string; err: string; md: (stack: string) => string }> {
    const outDir = fs.mkdtempSync(path.join(DIR, "out-"));
    let out = "";
    let err = "";
    const code = await runPlan(
        ROOT,
        [...argv, "--out", outDir],
        { out: (t) => (out += t), err: (t) => (err += t) },
        { packs: SHARED_PACKS },
    );
    return {
        code,
        out,
        err,
        md: (stack) => fs.readFileSync(path.join(outDir, `plan-${stack}.md`), "utf8"),
    };
}

/** Just enough of an engine resource for the cost: its type, inputs and which resources feed them. */
const resource = (type: string, inputs: Record<string, unknown> = {}) =>
    ({ type, inputs, propertyDependencies: {} }) as unknown as EngineResource;

describe("the plan's report (text and the pull request's Markdown)", function () {
    this.timeout(120_000);

    it("shows a waived violation itself, its waiver, and which policy configuration produced the verdicts", async () => {
        const config = writeSshWaiver(path.join(DIR, "waive.json"), {
            resource: "urn:pulumi:insecure::*",
            reason: "lab bastion, ticket SEC-7",
            expires: "2999-01-01",
        });
        const { code, out, md } = await plan(
            "--stack",
            "insecure",
            "--stack-file",
            "tests/fixtures/Pulumi.insecure.yaml",
            "--policy-pack-config",
            config,
        );
        assert.strictEqual(code, 0);
        const sha = require("crypto")
            .createHash("sha256")
            .update(fs.readFileSync(config))
            .digest("hex")
            .slice(0, 12);
        const verdicts = out.slice(
            out.indexOf("Policy verdicts"),
            out.indexOf("\n\n", out.indexOf("Policy verdicts")),
        );
        assert.deepStrictEqual(verdicts.split("\n"), [
            "Policy verdicts",
            `  Policy pack ecs-guardrails ${PACK_VERSION} (policies/bin), configuration: ${config} (sha256 ${sha}).`,
            "  ADVISORY (1)",
            "    [no-ssh-from-internet] bastion-in-tcp-22-from-internet: Security group rule admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet. Bots scan every public address for SSH: narrow the source to your own network's CIDR, or reach hosts with SSM Session Manager or ECS Exec instead of SSH.",
            "        Waived until 2999-01-01: lab bastion, ticket SEC-7",
        ]);
        assert.ok(
            md("insecure").includes(
                `- Policy pack ecs-guardrails ${PACK_VERSION} (policies/bin), configuration: ${config} (sha256 ${sha}).`,
            ),
        );
    });

    it("names a configuration inside the project by its path there, and an expired waiver beside its violation", async () => {
        const config = writeSshWaiver(path.join(ROOT, ".scratch-report-expired.json"), {
            resource: "urn:pulumi:insecure::*",
            reason: "old lab",
            expires: "2020-01-01",
        });
        try {
            const { code, out } = await plan(
                "--stack",
                "insecure",
                "--stack-file",
                "tests/fixtures/Pulumi.insecure.yaml",
                "--policy-pack-config",
                config,
            );
            assert.strictEqual(code, 1);
            assert.match(
                out,
                /\n {2}Policy pack ecs-guardrails \S+ \(policies\/bin\), configuration: \.scratch-report-expired\.json \(sha256 [0-9a-f]{12}\)\.\n/,
            );
            assert.match(
                out,
                /\n {4}\[no-ssh-from-internet\] bastion-in-tcp-22-from-internet: Security group rule admits tcp 22-22 .*\n {8}The waiver for this resource expired on 2020-01-01 \(its reason: old lab\)\. Fix the violation, or renew the waiver with a new expires date\.\n/,
            );
        } finally {
            fs.rmSync(config);
        }
    });

    it("puts reachability, its paths and the load balancer's routes in the pull request's Markdown", async () => {
        const { code, out, md } = await plan("--stack", "web");
        // Every port the load balancer's group opens to the internet, read through the policy model.
        const json = await plan("--stack", "web", "--json");
        const report = JSON.parse(json.out);
        const lb = report.resources.find((r: any) => r.type === "aws:lb/loadBalancer:LoadBalancer");
        assert.deepStrictEqual(report.loadBalancerInternetPorts, {
            [lb.urn]: ["tcp 80", "tcp 443"],
        });
        assert.strictEqual(code, 0);
        const text = md("web");
        const section = (title: string) =>
            text.slice(text.indexOf(title), text.indexOf("\n### ", text.indexOf(title) + 1));
        assert.deepStrictEqual(
            section("### Reachability")
                .split("\n")
                .filter((l) => l.startsWith("|") || l.startsWith("- ")),
            [
                "| service | port | from the internet | from services | egress |",
                "|---|---|---|---|---|",
                '| internal-nginx | tcp 80 | no | frontend | nat via NAT gateway "web-nat-0" (us-east-2a), NAT gateway "web-nat-1" (us-east-2b) |',
                '| frontend | tcp 80 | **YES** | - | nat via NAT gateway "web-nat-0" (us-east-2a), NAT gateway "web-nat-1" (us-east-2b) |',
                '- **frontend** tcp 80 from the internet: `internet gateway "web-igw"` → `route table "web-public-rt"` → `subnet "web-public-0"` → `load balancer "web-lb"` → `listener "web-https" (HTTPS:443)` → `target group "frontend-tg"` → `security group rule "frontend-in-tcp-80-from-web-lb"`',
            ],
        );
        assert.deepStrictEqual(
            section("### Load balancer routes")
                .split("\n")
                .filter((l) => l.startsWith("| web-lb")),
            ["| web-lb | HTTPS:443 | 48056 | /* | frontend | 80 |"],
        );
        // The text report lists routes under their own heading, not Service Connect's.
        const sc = out.slice(
            out.indexOf("\nService Connect\n"),
            out.indexOf("\nLoad balancer routes"),
        );
        assert.ok(!sc.includes("web-lb"), sc);
        assert.match(
            out,
            /\nLoad balancer routes \(the order AWS evaluates them\)\n {2}web-lb HTTPS:443 rule 48056: \/\* -> frontend:80\n/,
        );
    });

    it("warns, in both reports, when one zone's NAT gateway carries the other zones' egress", async () => {
        const { out, md } = await plan("--stack", "dev");
        const warning =
            "internal-nginx, client-nginx reach the internet through NAT gateway \"dev-nat-0\" (us-east-1a), outside some of their tasks' zones: when a gateway's zone fails, tasks in the other zones lose the internet too. Give each zone its own NAT gateway (natGateways: OnePerAz) where that matters.";
        assert.ok(out.includes(`  WARNING: ${warning}\n`));
        assert.ok(md("dev").includes(`> **Warning:** ${warning}\n`));
        const prod = await plan("--stack", "prod");
        assert.ok(!prod.md("prod").includes("> **Warning:**"), "a NAT per zone: no warning");
    });

    it("labels each cost quantity with its unit, lines the columns up, and names the prices' Region and date", async () => {
        const { out, md } = await plan("--stack", "web");
        const cost = out.slice(out.indexOf("Monthly network cost")).split("\n");
        assert.strictEqual(
            cost[0],
            `Monthly network cost (estimate, us-east-2 prices of ${PRICE_TABLE_DATE})`,
        );
        const rows = cost.slice(1, cost.findIndex((l) => l.startsWith("  Total per month")) + 1);
        assert.strictEqual(
            new Set(rows.map((r) => r.length)).size,
            1,
            `every row ends in the same column:\n${rows.join("\n")}`,
        );
        assert.deepStrictEqual(
            rows.slice(0, 2).map((r) => r.trim().split(/\s{2,}/)),
            [
                ["NAT gateways", "2 gateways", "$32.85 each", "$65.70"],
                ["NAT gateway data processed", "100 GB", "$0.045 each", "$4.50"],
            ],
        );
        assert.ok(
            md("web").includes("| Load balancers | 1 load balancer | $16.43 each | $16.43 |"),
        );
    });

    it("prices a stack at its own Region's list prices, and says when the table lacks the Region", () => {
        const resources = [
            resource("aws:ec2/natGateway:NatGateway"),
            resource("aws:ec2/eip:Eip"),
            resource("aws:lb/loadBalancer:LoadBalancer", { subnets: ["a", "b"] }),
        ];
        const frankfurt = estimateCost(resources, { natGbPerMonth: 100, region: "eu-central-1" });
        const nat = frankfurt.items.find((i) => i.item === "NAT gateways")!;
        assert.deepStrictEqual(
            [frankfurt.pricesRegion, nat.unitMonthlyUsd, nat.monthlyUsd],
            ["eu-central-1", 0.052 * 730, 37.96],
        );
        assert.ok(
            frankfurt.monthlyUsd >
                estimateCost(resources, { natGbPerMonth: 100, region: "us-east-1" }).monthlyUsd,
        );
        const elsewhere = estimateCost(resources, { natGbPerMonth: 100, region: "me-central-1" });
        assert.strictEqual(elsewhere.pricesRegion, "us-east-1");
        assert.strictEqual(
            elsewhere.assumptions.prices,
            `me-central-1 is not in the price table (offline/reports/prices.ts): us-east-1 list prices of ${PRICE_TABLE_DATE}`,
        );
        assert.deepStrictEqual(pricesOf("us-west-2").prices, pricesOf("us-east-1").prices);
        // What a resource is comes from the model's one type table: aws:alb and aws-native tokens
        // cost what their aws:ec2 and aws:lb twins cost.
        const twins = [
            resource("aws-native:ec2:NatGateway"),
            resource("aws-native:ec2:Eip"),
            resource("aws:alb/loadBalancer:LoadBalancer", { subnets: ["a", "b"] }),
        ];
        assert.strictEqual(
            estimateCost(twins, { natGbPerMonth: 100, region: "eu-central-1" }).monthlyUsd,
            frankfurt.monthlyUsd,
        );
        assert.deepStrictEqual(
            [
                quantityText({ quantity: 1, unit: "address" }),
                quantityText({ quantity: 3, unit: "address" }),
                quantityText({ quantity: 0, unit: "LCU" }),
                quantityText({ quantity: 5, unit: "GB" }),
            ],
            ["1 address", "3 addresses", "0 LCUs", "5 GB"],
        );
        assert.deepStrictEqual(
            [usdText(0.045), usdText(0.5), usdText(32.85), usdText(0)],
            ["$0.045", "$0.50", "$32.85", "$0.00"],
        );
    });
});

describe("the plan's policy packs (--policy-pack, --compare-policy-pack)", function () {
    this.timeout(120_000);
    const PROBE = path.join(ROOT, "tests", "fixtures", "probe-pack");

    it("runs every --policy-pack as pulumi preview does: every pack decides, each verdict names its pack, a SARIF run per pack", async () => {
        const sarifFile = path.join(fs.mkdtempSync(path.join(DIR, "sarif-")), "plan.sarif");
        const { code, out, md } = await plan(
            "--stack",
            "insecure",
            "--stack-file",
            "tests/fixtures/Pulumi.insecure.yaml",
            "--policy-pack",
            "policies/bin",
            "--policy-pack",
            PROBE,
            "--json",
            "--sarif",
            sarifFile,
        );
        assert.strictEqual(code, 1, "ours is mandatory");
        const report = JSON.parse(out);
        assert.deepStrictEqual(
            report.policyPacks.map((p: any) => [p.name, p.directory, p.config]),
            [
                ["ecs-guardrails", "policies/bin", null],
                ["probe", "tests/fixtures/probe-pack", null],
            ],
        );
        const byPack = (pack: string) => report.violations.filter((v: any) => v.pack === pack);
        assert.deepStrictEqual(
            byPack("ecs-guardrails").map((v: any) => [v.policy, v.enforcementLevel]),
            [["no-ssh-from-internet", "mandatory"]],
        );
        // The probe echoes every resource at Analyze (components, the root Stack and the provider
        // too, as the engine analyzes every resource it steps) and at AnalyzeStack.
        assert.strictEqual(
            byPack("probe").filter((v: any) => v.policy === "probe-analyze").length,
            report.resources.length,
        );
        assert.strictEqual(report.violations.length, 1 + byPack("probe").length);
        // What the probe saw is what the real engine sends: known auto-names, an unset input the
        // provider computes unknown at AnalyzeStack, Analyze for the root Stack, engine URNs (a
        // resource under the root Stack has no Stack in its type chain), no tagsAll from a Plugin
        // Framework resource's Check.
        const seen = (policy: string, type: string) =>
            byPack("probe")
                .filter((v: any) => v.policy === policy)
                .map((v: any) => ({ urn: v.urn, ...JSON.parse(v.message.split("\n").pop()) }))
                .filter((e: any) => e.type === type);
        const [group] = seen("probe-analyze-stack", "aws:ec2/securityGroup:SecurityGroup");
        assert.match(group.props.name, /-[0-9a-f]{7}$/);
        assert.strictEqual(group.props.ingress, "<unknown>");
        assert.strictEqual(seen("probe-analyze", "pulumi:pulumi:Stack").length, 1);
        const rules = seen(
            "probe-analyze",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        );
        assert.ok(rules.length > 0);
        for (const rule of rules) assert.strictEqual("tagsAll" in rule.props, false);
        assert.ok(
            report.resources.every(
                (r: any) => r.parent === null || !r.urn.includes("pulumi:pulumi:Stack$"),
            ),
        );
        const sarif = JSON.parse(fs.readFileSync(sarifFile, "utf8"));
        assert.deepStrictEqual(
            sarif.runs.map((r: any) => [r.tool.driver.name, r.results.length]),
            [
                ["ecs-guardrails", 1],
                ["probe", byPack("probe").length],
            ],
        );
        // The verdicts as the report prints them (the Markdown's verdict block is the text report's).
        const verdicts = md("insecure");
        assert.match(
            verdicts,
            /\n {2}\[ecs-guardrails\/no-ssh-from-internet\] bastion-in-tcp-22-from-internet: /,
        );
        assert.match(verdicts, /\n {2}\[probe\/probe-analyze\] insecure-vpc: /);
    });

    it("refuses a directory that holds no built pack, and more configs than packs, before anything runs", async () => {
        const notAPack = await plan("--stack", "dev", "--policy-pack", "policies/rules");
        assert.deepStrictEqual(
            [notAPack.code, notAPack.err],
            [
                2,
                `plan: --policy-pack ${path.join(ROOT, "policies", "rules")} is not a built policy pack (it has no PulumiPolicy.yaml); pass the directory of a built pack (this project's is policies/bin, from npm run build:pack).`,
            ],
        );
        const tooMany = await plan(
            "--stack",
            "dev",
            "--policy-pack",
            "policies/bin",
            "--policy-pack-config",
            "policies/strict.json",
            "--policy-pack-config",
            "policies/lenient.json",
        );
        assert.deepStrictEqual(
            [tooMany.code, tooMany.err],
            [
                2,
                "plan: --policy-pack-config is given 2 times for 1 policy pack(s): each config belongs to the --policy-pack at its position; add the packs or drop a config.",
            ],
        );
        const orphan = await plan(
            "--stack",
            "dev",
            "--compare-policy-pack-config",
            "policies/lenient.json",
        );
        assert.deepStrictEqual(
            [orphan.code, orphan.err],
            [
                2,
                "plan: --compare-policy-pack-config needs --compare-policy-pack DIR, the pack it configures.",
            ],
        );
    });

    it("compares a pack run beside (a pull request's own) without letting it decide", async () => {
        const { code, out, md } = await plan(
            "--stack",
            "games",
            "--stack-tag",
            "data-classification=confidential",
            "--compare-policy-pack",
            "policies/bin",
            "--compare-policy-pack-config",
            "policies/lenient.json",
            "--json",
        );
        assert.strictEqual(
            code,
            1,
            "the deciding pack's mandatory verdicts stand; the lenient one beside changes nothing",
        );
        const c = JSON.parse(out).policyComparison;
        assert.deepStrictEqual(
            [c.pack.config.file, c.against.config],
            ["policies/lenient.json", null],
        );
        assert.deepStrictEqual(
            [c.policiesAdded, c.policiesRemoved, c.verdictsAdded, c.verdictsRemoved],
            [[], [], [], []],
        );
        assert.deepStrictEqual(
            c.levelChanges.map((l: any) => [l.policy, l.from, l.to]),
            [
                ["no-public-ip-on-sensitive-tasks", "mandatory", "advisory"],
                ["no-public-ip-on-sensitive-tasks-by-reference", "mandatory", "advisory"],
                ["service-connect-servers-internal", "mandatory", "advisory"],
            ],
        );
        assert.deepStrictEqual(
            c.verdictsChanged.map((v: any) => [v.policy, v.from, v.to]),
            [
                ["no-public-ip-on-sensitive-tasks", "mandatory", "advisory"],
                ["service-connect-servers-internal", "mandatory", "advisory"],
            ],
        );
        assert.ok(
            md("games").includes(
                "### Policy pack compared (it decides nothing)\n\n```\necs-guardrails 0.2.0 (policies/bin, policies/lenient.json) compared with ecs-guardrails 0.2.0 (policies/bin), which decides:\npolicy no-public-ip-on-sensitive-tasks: mandatory -> advisory\n",
            ),
        );
        // A verdict only one side gives is listed as added or removed.
        const probe = JSON.parse(
            (await plan("--stack", "dev", "--compare-policy-pack", PROBE, "--json")).out,
        ).policyComparison;
        assert.deepStrictEqual(
            [
                probe.policiesAdded,
                probe.policiesRemoved.length > 0,
                probe.verdictsAdded.length > 0,
                probe.verdictsRemoved,
            ],
            [["probe-analyze", "probe-analyze-stack"], true, true, []],
        );
    });
});
