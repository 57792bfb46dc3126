import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlan } from "../offline/command/planCommand";
import { SHARED_PACKS } from "./support/packs";

const ROOT = path.resolve(__dirname, "..");
const PAYMENTS = path.join(ROOT, "tests", "fixtures", "programs", "payments");
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), "program-"));

async function plan(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await runPlan(
        ROOT,
        argv,
        { out: (t) => (out += t), err: (t) => (err += t) },
        { packs: SHARED_PACKS },
    );
    return { code, out, err };
}

/** Writes a program (its files by name) to a fresh directory outside this repository. */
function program(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(DIR, "p-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
}

describe("npm run plan --program DIR: programs other teams write by hand", function () {
    this.timeout(120_000);

    it("plans a hand-written program of raw @pulumi/aws resources through the same pack, reachability and reports", async () => {
        const sarif = path.join(DIR, "payments.sarif");
        const { code, out, err } = await plan("--program", PAYMENTS, "--json", "--sarif", sarif);
        assert.strictEqual(code, 1, err);
        const report = JSON.parse(out);
        assert.deepStrictEqual(
            [report.project, report.stack, report.cost.pricesRegion],
            ["payments", "staging", "eu-west-1"],
        );
        assert.ok(
            report.resources.every((r: any) => !r.type.startsWith("ecsnet:")),
            "none of this project's components",
        );
        assert.deepStrictEqual(
            report.violations.map((v: any) => [
                v.policy,
                v.urn.split("::").pop(),
                v.enforcementLevel,
            ]),
            [
                ["no-ssh-from-internet", "ledger", "mandatory"],
                ["no-public-ip-on-sensitive-tasks", "ledger", "mandatory"],
                ["service-connect-servers-internal", "ledger", "mandatory"],
            ],
        );
        assert.match(
            report.violations[2].message,
            /security group "ledger" ingress\[0\] admits CIDR 10\.40\.0\.0\/16/,
        );
        assert.deepStrictEqual(
            report.reachability.map((e: any) => [
                e.service,
                e.port,
                e.fromInternet,
                e.fromServices,
                e.egress,
            ]),
            [
                ["ledger", 8080, false, ["checkout"], "internet-gateway"],
                ["checkout", null, false, [], "internet-gateway"],
            ],
        );
        assert.deepStrictEqual(
            report.serviceConnect.map((s: any) => [s.service, s.role, s.endpoints, s.calls]),
            [
                ["ledger", "server", ["http://ledger:8080"], []],
                ["checkout", "client", [], ["ledger"]],
            ],
        );
        // 2 ledger tasks and 1 checkout task, each with a public IP.
        assert.strictEqual(
            report.cost.items.find((i: any) => i.item === "Public IPv4: task public IPs").quantity,
            3,
        );
        const run = JSON.parse(fs.readFileSync(sarif, "utf8")).runs[0];
        assert.deepStrictEqual(
            [
                ...new Set(
                    run.results.map(
                        (r: any) => r.locations[0].physicalLocation.artifactLocation.uri,
                    ),
                ),
            ],
            ["tests/fixtures/programs/payments/Pulumi.staging.yaml"],
        );
    });

    it("loads this project's Pulumi packages for a program outside the repository with none, and calls a program that exports a function", async () => {
        const dir = program({
            "Pulumi.yaml":
                "name: edge\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
            "Pulumi.prod.yaml": "config:\n  aws:region: us-west-2\n",
            "index.ts": [
                'import * as aws from "@pulumi/aws";',
                "export = async () => {",
                '    const vpc = new aws.ec2.Vpc("edge", { cidrBlock: "10.9.0.0/16" });',
                '    new aws.ec2.SecurityGroup("bastion", { vpcId: vpc.id, ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] }] });',
                "    return { vpcId: vpc.id };",
                "};",
            ].join("\n"),
        });
        assert.ok(!fs.existsSync(path.join(dir, "node_modules")));
        const { code, out, err } = await plan("--program", dir, "--json");
        assert.strictEqual(code, 1, err);
        const report = JSON.parse(out);
        assert.deepStrictEqual(
            [report.project, report.stack],
            ["edge", "prod"],
            "the only stack file",
        );
        assert.deepStrictEqual(
            report.resources.filter((r: any) => r.type.startsWith("aws:")).map((r: any) => r.name),
            ["edge", "bastion"],
        );
        assert.deepStrictEqual(
            report.violations.map((v: any) => [v.policy, v.urn.split("::").pop()]),
            [["no-ssh-from-internet", "bastion"]],
        );
    });

    it("answers the data sources a program reads its account with as unknown, never a guess: the verdicts that need them wait", async () => {
        const dir = program({
            "Pulumi.yaml": "name: legacy\nruntime: nodejs\n",
            "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n",
            "index.ts": [
                'import * as aws from "@pulumi/aws";',
                "const vpc = aws.ec2.getVpcOutput({ default: true });",
                'const sg = new aws.ec2.SecurityGroup("api", { vpcId: vpc.id, ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [vpc.cidrBlock] }] });',
                'const cluster = new aws.ecs.Cluster("c", {});',
                'new aws.ecs.Service("api", { cluster: cluster.arn, launchType: "FARGATE", taskDefinition: "api:1", networkConfiguration: { subnets: ["subnet-1"], securityGroups: [sg.id], assignPublicIp: true }, tags: { "data-classification": "confidential" } });',
            ].join("\n"),
        });
        const { code, out } = await plan("--program", dir, "--json");
        assert.strictEqual(code, 1);
        const report = JSON.parse(out);
        assert.deepStrictEqual(
            report.diagnostics.map((d: any) => d.message),
            [
                "offline, the data source aws:ec2/getVpc:getVpc is not run (it reads the AWS account or the provider): its arn, cidrBlock, mainRouteTableId, ownerId, cidrBlockAssociations, ipv6CidrBlock are unknown in this plan, and verdicts that depend on them wait for a real preview.",
            ],
        );
        assert.deepStrictEqual(
            report.resources.find(
                (r: any) => r.name === "api" && r.type === "aws:ec2/securityGroup:SecurityGroup",
            ).inputs.ingress[0].cidrBlocks,
            ["<unknown>"],
        );
        // What does not depend on the account is decided; what does waits, naming the value.
        assert.deepStrictEqual(
            report.violations.map((v: any) => [v.policy, v.enforcementLevel]),
            [
                ["no-public-ip-on-sensitive-tasks", "mandatory"],
                ["no-ssh-from-internet-per-security-group", "advisory"],
            ],
        );
        assert.deepStrictEqual(
            report.unknownAdvisories.map((a: any) => a.value),
            ['security group "api" ingress[0].cidrBlocks[0]'],
        );
    });

    it("refuses what is not a Node.js Pulumi program, or names no stack it can plan, in one paragraph", async () => {
        const none = program({ "index.ts": "" });
        assert.deepStrictEqual(await plan("--program", none), {
            code: 2,
            out: "",
            err: `plan: --program ${none} is not a Pulumi project (it has no Pulumi.yaml); pass the directory that holds the program's Pulumi.yaml.`,
        });
        const python = program({ "Pulumi.yaml": "name: py\nruntime: python\n", "__main__.py": "" });
        assert.strictEqual(
            (await plan("--program", python)).err,
            `plan: --program ${python}: Pulumi.yaml's runtime is "python"; the plan runs Node.js programs (runtime: nodejs) only.`,
        );
        const noEntry = program({
            "Pulumi.yaml": "name: e\nruntime: nodejs\nmain: src/\n",
            "Pulumi.a.yaml": "config:\n  aws:region: us-east-1\n",
        });
        assert.strictEqual(
            (await plan("--program", noEntry)).err,
            `plan: --program ${noEntry} has no entry module (Pulumi.yaml's main: src/); add the program's entry.`,
        );
        const two = program({
            "Pulumi.yaml": "name: t\nruntime: nodejs\n",
            "index.ts": "",
            "Pulumi.a.yaml": "config: {}\n",
            "Pulumi.b.yaml": "config: {}\n",
        });
        assert.strictEqual(
            (await plan("--program", two)).err,
            `plan: --program ${two} has the stacks a, b; pass --stack NAME.`,
        );
        const noRegion = await plan("--program", two, "--stack", "a");
        assert.deepStrictEqual(
            [noRegion.code, noRegion.err],
            [
                2,
                'plan: stack "a" sets no aws:region; add `aws:region: us-east-1` (or your region) to its stack file.',
            ],
        );
        const missing = await plan("--program", two, "--stack", "c");
        assert.strictEqual(
            missing.err,
            `plan: unknown stack "c": there is no ${path.join(two, "Pulumi.c.yaml")}; the stacks are a, b.`,
        );
    });
});
