import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlan } from "../offline/command/planCommand";
import { SHARED_PACKS } from "./support/packs";
import { HOURS_PER_MONTH } from "../offline/reports/cost";
import { pricesOf } from "../offline/reports/prices";

const ROOT = path.resolve(__dirname, "..");

/** `npm run plan` as its own process: what a user's shell sees (exit status, stdout, stderr). */
function planProcess(...args: string[]) {
    const run = spawnSync(
        process.execPath,
        [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/plan.ts", ...args],
        { cwd: ROOT, encoding: "utf8" },
    );
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The same command in this process (scripts/plan.ts is a thin shell around runPlan), without a ts-node start per call. */
async function plan(...args: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await runPlan(
        ROOT,
        args,
        { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) },
        { packs: SHARED_PACKS },
    );
    return { code, stdout, stderr };
}

describe("npm run plan", () => {
    const reports: Record<string, any> = {};
    for (const stack of ["dev", "prod", "games", "ec2", "web"]) {
        it(`exits 0 for the committed ${stack} stack, with JSON of the documented shape`, async () => {
            const { code, stdout, stderr } = await plan("--stack", stack, "--json");
            assert.strictEqual(code, 0, stderr);
            const report = JSON.parse(stdout);
            reports[stack] = report;
            assert.deepStrictEqual(Object.keys(report), [
                "project",
                "stack",
                "mode",
                "resources",
                "violations",
                "unknownAdvisories",
                "warnings",
                "diagnostics",
                "remediations",
                "serviceConnect",
                "loadBalancerRoutes",
                "reachability",
                "loadBalancerInternetPorts",
                "cost",
                "policyPacks",
            ]);
            assert.deepStrictEqual(
                [report.project, report.stack, report.mode],
                ["ecsnet", stack, "preview"],
            );
            for (const r of report.resources) {
                assert.deepStrictEqual(Object.keys(r), [
                    "urn",
                    "id",
                    "type",
                    "name",
                    "parent",
                    "dependsOn",
                    "propertyDependencies",
                    "inputs",
                    "options",
                ]);
                assert.deepStrictEqual(Object.keys(r.options), [
                    "deleteBeforeReplace",
                    "protect",
                    "ignoreChanges",
                    "provider",
                    "aliases",
                    "additionalSecretOutputs",
                ]);
            }
            assert.deepStrictEqual(
                [report.violations, report.unknownAdvisories, report.warnings],
                [[], [], []],
            );
            assert.deepStrictEqual(Object.keys(report.cost), [
                "monthlyUsd",
                "pricesRegion",
                "pricesDate",
                "items",
                "assumptions",
            ]);
            assert.deepStrictEqual(
                report.policyPacks.map((p: any) => [p.name, p.directory, p.config]),
                [["ecs-guardrails", "policies/bin", null]],
                "this project's pack, its defaults",
            );
        });
    }

    it("in a preview, prints an input computed by AWS as <unknown> and records which resource feeds it", () => {
        const resources = reports.dev.resources as any[];
        const nat = resources.find((r) => r.type === "aws:ec2/natGateway:NatGateway");
        assert.strictEqual(nat.inputs.subnetId, "<unknown>");
        assert.strictEqual(nat.id, null);
        const [subnetUrn] = nat.propertyDependencies.subnetId;
        assert.strictEqual(resources.find((r) => r.urn === subnetUrn).name, "dev-public-0");
        assert.ok(nat.dependsOn.includes(subnetUrn));
        assert.strictEqual(nat.inputs.connectivityType, "public", "a literal stays known");
    });

    it("after up (--after-up), resolves the same input through the subnet's placeholder id", async () => {
        const { code, stdout } = await plan("--stack", "dev", "--after-up", "--json");
        assert.strictEqual(code, 0);
        const report = JSON.parse(stdout);
        assert.strictEqual(report.mode, "after-up");
        const resources = report.resources as any[];
        const nat = resources.find((r) => r.type === "aws:ec2/natGateway:NatGateway");
        const subnet = resources.find((r) => r.id === nat.inputs.subnetId);
        assert.deepStrictEqual(
            [subnet.type, subnet.name],
            ["aws:ec2/subnet:Subnet", "dev-public-0"],
        );
        assert.strictEqual(
            new Set(resources.filter((r) => r.id).map((r) => r.id)).size,
            resources.filter((r) => r.id).length,
        );
    });

    it("maps Service Connect: who calls whom, with endpoint URLs", () => {
        assert.deepStrictEqual(reports.dev.serviceConnect, [
            {
                service: "internal-nginx",
                role: "server",
                endpoints: ["http://internal-nginx.dev.serviceconnectns:80"],
                calls: [],
                variables: {},
            },
            {
                service: "client-nginx",
                role: "client",
                endpoints: [],
                calls: ["internal-nginx"],
                variables: { INTERNAL_NGINX_URL: "http://internal-nginx.dev.serviceconnectns:80" },
            },
        ]);
    });

    it("derives the cost from the resources: prod's NAT count times the hourly price", () => {
        const natCount = (r: any) =>
            r.resources.filter((x: any) => x.type === "aws:ec2/natGateway:NatGateway").length;
        const hours = (r: any) => r.cost.items.find((i: any) => i.item === "NAT gateways");
        assert.deepStrictEqual([natCount(reports.prod), hours(reports.prod).quantity], [3, 3]);
        assert.strictEqual(
            hours(reports.prod).monthlyUsd,
            Math.round(3 * pricesOf("us-east-1").prices.natGatewayHour * HOURS_PER_MONTH * 100) /
                100,
        );
        assert.strictEqual(hours(reports.dev).quantity, 1);
        const endpointAzs = (r: any, item: string) =>
            r.cost.items.find((i: any) => i.item === item)?.quantity;
        // logs in 3 AZs; ecr.api and ecr.dkr in 3 AZs each, apart, since prod's images are all on public.ecr.aws.
        assert.deepStrictEqual(
            [
                endpointAzs(reports.prod, "Interface endpoints"),
                endpointAzs(reports.prod, "ECR interface endpoints (serve no image)"),
            ],
            [3, 6],
        );
        assert.strictEqual(
            reports.prod.cost.items.find((i: any) => i.item.startsWith("ECR interface endpoints"))
                .monthlyUsd,
            43.8,
        );
        assert.strictEqual(
            endpointAzs(reports.dev, "ECR interface endpoints (serve no image)"),
            undefined,
            "no endpoints, no line",
        );
        const taskIps = reports.games.cost.items.find(
            (i: any) => i.item === "Public IPv4: task public IPs",
        ).quantity;
        assert.strictEqual(taskIps, 2, "the game server's 2 tasks each get a public IP");
    });

    it("matches the README's monthly network cost table, stack by stack", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const rows = [
            ...readme.matchAll(
                /^\| (\w+) \([^)]*\) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| ([\d.]+) \|$/gm,
            ),
        ];
        assert.deepStrictEqual(rows.map((r) => r[1]).sort(), Object.keys(reports).sort());
        const quantity = (stack: string, item: string) =>
            reports[stack].cost.items.find((i: any) => i.item === item)?.quantity;
        const flowLogs = (stack: string) =>
            reports[stack].resources.filter((r: any) => r.type === "aws:ec2/flowLog:FlowLog")
                .length;
        for (const [, stack, nats, eips, taskIps, endpointAzs, balancers, logs, usd] of rows) {
            assert.deepStrictEqual(
                [
                    quantity(stack, "NAT gateways"),
                    quantity(stack, "Public IPv4: Elastic IPs"),
                    quantity(stack, "Public IPv4: task public IPs"),
                    quantity(stack, "Interface endpoints") +
                        (quantity(stack, "ECR interface endpoints (serve no image)") ?? 0),
                    quantity(stack, "Load balancers"),
                    flowLogs(stack),
                    reports[stack].cost.monthlyUsd.toFixed(2),
                ],
                [
                    Number(nats),
                    Number(eips),
                    Number(taskIps),
                    Number(endpointAzs),
                    Number(balancers),
                    Number(logs),
                    usd,
                ],
                stack,
            );
        }
    });

    it("exits 1 for a Service Connect server opened to the internet, with the path in the reachability table", async () => {
        const { code, stdout } = await plan(
            "--stack",
            "exposed",
            "--stack-file",
            "tests/fixtures/Pulumi.exposed.yaml",
            "--json",
        );
        assert.strictEqual(code, 1);
        const report = JSON.parse(stdout);
        // Reachable from the internet, and admitting a CIDR on its Service Connect port.
        assert.deepStrictEqual(
            report.violations.map((v: any) => [
                v.policy,
                v.urn.split("::").pop(),
                v.enforcementLevel,
            ]),
            [
                ["service-connect-servers-internal", "internal-api", "mandatory"],
                ["service-connect-servers-internal", "internal-api", "mandatory"],
            ],
        );
        const server = report.reachability.find((e: any) => e.service === "internal-api");
        assert.deepStrictEqual(
            [server.port, server.fromInternet, server.fromServices, server.internetPaths.length],
            [80, true, ["caller"], 2],
        );
    });

    it("exits 1 with the expected violation for the insecure stack kept under tests/", async () => {
        const { code, stdout } = await plan(
            "--stack",
            "insecure",
            "--stack-file",
            "tests/fixtures/Pulumi.insecure.yaml",
            "--json",
        );
        assert.strictEqual(code, 1);
        const report = JSON.parse(stdout);
        assert.deepStrictEqual(
            report.violations.map((v: any) => [
                v.policy,
                v.enforcementLevel,
                v.urn.split("::").pop(),
            ]),
            [["no-ssh-from-internet", "mandatory", "bastion-in-tcp-22-from-internet"]],
        );
    });

    it("exits 1 when a stack tag marks the public games stack sensitive, 0 under the lenient config", async () => {
        const strict = await plan(
            "--stack",
            "games",
            "--stack-tag",
            "data-classification=confidential",
            "--json",
        );
        assert.strictEqual(strict.code, 1);
        // The tasks' public IP, and (proven on the reachability analysis) the internet reaching a sensitive service directly.
        assert.deepStrictEqual(
            JSON.parse(strict.stdout).violations.map((v: any) => v.policy),
            ["no-public-ip-on-sensitive-tasks", "service-connect-servers-internal"],
        );
        const lenient = await plan(
            "--stack",
            "games",
            "--stack-tag",
            "data-classification=confidential",
            "--policy-pack-config",
            "policies/lenient.json",
            "--json",
        );
        assert.strictEqual(lenient.code, 0);
        assert.deepStrictEqual(
            JSON.parse(lenient.stdout).violations.map((v: any) => v.enforcementLevel),
            ["advisory", "advisory"],
        );
    });

    it("exits 2 for an unknown stack, listing the stacks that exist", async () => {
        const { code, stderr } = await plan("--stack", "staging");
        assert.strictEqual(code, 2);
        assert.strictEqual(
            stderr.trim(),
            `plan: unknown stack "staging": there is no ${path.join(ROOT, "Pulumi.staging.yaml")}; the stacks are dev, ec2, games, prod, web.`,
        );
    });

    it("exits 2 for invalid YAML with one line on stderr: the full path, the line, no stack trace", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const file = path.join(dir, "Pulumi.broken.yaml");
        fs.writeFileSync(file, "config:\n  aws:region: us-east-1\n   ecsnet:azCount: [\n");
        const run = planProcess("--stack-file", file);
        assert.strictEqual(run.code, 2);
        assert.strictEqual(
            run.stderr,
            `plan: ${file}:3:18: invalid YAML: bad indentation of a mapping entry; fix the file (a stack file is a map with a config: map of key: value lines).\n`,
        );
        assert.strictEqual(run.stdout, "");
    });

    it("hands the whole JSON to a slow reader through a pipe (as into jq), not the first 64 KiB", () => {
        const command = `"${process.execPath}" "${require.resolve("ts-node/dist/bin")}" --transpile-only scripts/plan.ts --stack prod --json | (sleep 1; cat)`;
        const run = spawnSync("bash", ["-c", command], {
            cwd: ROOT,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        assert.ok(run.stdout.length > 65536, `only ${run.stdout.length} bytes`);
        assert.strictEqual(JSON.parse(run.stdout).stack, "prod");
    });

    it("writes a Markdown report with a Mermaid diagram", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        assert.strictEqual((await plan("--stack", "prod", "--out", out)).code, 0);
        const md = fs.readFileSync(path.join(out, "plan-prod.md"), "utf8");
        // The diagram's structure is read back by Mermaid's parser in diagram.test.ts; here, that it is in the file.
        assert.match(md, /```mermaid\nflowchart TB\n/);
        assert.strictEqual((md.match(/\{\{"NAT gateway prod-nat-\d"\}\}/g) ?? []).length, 3);
        assert.strictEqual(
            (md.match(/-->\|"http:\/\/internal-nginx\.<br>prod\.serviceconnectns:80"\|/g) ?? [])
                .length,
            3,
        );
    });
});
