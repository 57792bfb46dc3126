import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyPackClient, PACK_DIR } from "../offline/policy/analyzer";
import { SHARED_PACKS } from "./support/packs";
import { runPlan, USAGE } from "../offline/command/planCommand";
import { policyConfigProblems } from "../offline/policy/config";

const ROOT = path.resolve(__dirname, "..");
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), "plan-input-"));

/** Runs the plan command in-process; returns its exit code and what it printed. */
async function plan(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPlan(
        ROOT,
        argv,
        { out: (t) => out.push(t), err: (t) => err.push(t) },
        { packs: SHARED_PACKS },
    );
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** Writes a stack file `Pulumi.<stack>.yaml` with these config lines under a fresh directory. */
function stackFile(stack: string, lines: string[]): string {
    const file = path.join(fs.mkdtempSync(path.join(DIR, "s-")), `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, ["config:", ...lines.map((l) => `  ${l}`)].join("\n") + "\n");
    return file;
}

/** A refusal: exit 2, nothing on stdout, one paragraph on stderr (a problem per line) with no stack frame. */
async function refused(...argv: string[]): Promise<string> {
    const run = await plan(...argv);
    assert.strictEqual(run.code, 2, run.stdout);
    assert.strictEqual(run.stdout, "");
    assert.doesNotMatch(run.stderr, /\n\s*\n|^\s+at /m, "one paragraph, no stack trace");
    return run.stderr;
}

describe("the plan command refuses bad input in one paragraph with exit 2, several problems one per line", () => {
    it("refuses a misspelt key, suggesting the declared one", async () => {
        const file = stackFile("typo", ["aws:region: us-east-1", "ecsnet:natstrategy: Single"]);
        assert.strictEqual(
            await refused("--stack-file", file),
            "plan: Pulumi.typo.yaml: ecsnet:natstrategy is not declared in Pulumi.yaml (did you mean ecsnet:natStrategy?); the keys are pattern, vpcCidr, azCount, availabilityZones, natStrategy, vpcEndpoints, namespace, namespaceType, containerInsights, logRetentionDays, launchType, instanceType, capacityMinSize, capacityMaxSize, certificateArn, allowPlainHttp, loadBalancerCidrs, accessLogs, flowLogs, services",
        );
    });

    it("refuses a string where Pulumi.yaml declares an integer, never reading it as one", async () => {
        const file = stackFile("str", ["aws:region: us-east-1", 'ecsnet:azCount: "2"']);
        assert.strictEqual(
            await refused("--stack-file", file),
            'plan: Pulumi.str.yaml: ecsnet:azCount must be of type integer (got "2")',
        );
    });

    it("refuses a Region AWS lacks, with the near names", async () => {
        const file = stackFile("region", ["aws:region: us-east-7"]);
        assert.match(
            await refused("--stack-file", file),
            /^plan: Pulumi\.region\.yaml: aws:region "us-east-7" is not an AWS Region \(did you mean us-east-1 or us-east-2\?\); set one of af-south-1, .*us-west-2\. /,
        );
    });

    it("refuses an aws:region that is not a name", async () => {
        const file = stackFile("number", ["aws:region: 5"]);
        assert.strictEqual(
            await refused("--stack-file", file),
            "plan: Pulumi.number.yaml: aws:region must be a Region name such as us-east-1 (got 5).",
        );
    });

    it("refuses a zone of another Region, and more zones than an account gets, from the Region table", async () => {
        const zone = stackFile("zone", [
            "aws:region: eu-west-1",
            "ecsnet:availabilityZones: [eu-west-1a, eu-west-1d]",
        ]);
        assert.strictEqual(
            await refused("--stack-file", zone),
            'plan: Pulumi.zone.yaml: ecsnet:availabilityZones names eu-west-1d, which eu-west-1 does not offer (available: eu-west-1a, eu-west-1b, eu-west-1c); list zones from that set. (refused by PrivateSubnetNetwork "zone")',
        );
        const count = stackFile("count", ["aws:region: ca-central-1", "ecsnet:azCount: 4"]);
        assert.strictEqual(
            await refused("--stack-file", count),
            'plan: Pulumi.count.yaml: ecsnet:azCount asks for 4 availability zones but ca-central-1 has 3 (ca-central-1a, ca-central-1b, ca-central-1d); lower ecsnet:azCount or use another region. (refused by PrivateSubnetNetwork "count")',
        );
    });

    it("lists several problems one per line, each in the stack file's keys", async () => {
        const flawedServices = [
            "ecsnet:services:",
            "  - name: api",
            "    image: nginx latest",
            "  - name: worker",
            "    image: public.ecr.aws/nginx/nginx:stable",
            "    desiredCount: -1",
        ];
        const file = stackFile("many", [
            "aws:region: us-east-1",
            "ecsnet:vpcCidr: 10.0.0.0/8",
            ...flawedServices,
        ]);
        assert.strictEqual(
            await refused("--stack-file", file),
            'plan: Pulumi.many.yaml: ecsnet:vpcCidr 10.0.0.0/8 has prefix /8, outside the /16 to /28 AWS allows for a VPC; use a prefix in that range. (refused by PrivateSubnetNetwork "many")',
        );
        const services = stackFile("services", [
            "aws:region: us-east-1",
            ...flawedServices,
            "    memory: 100",
        ]);
        assert.strictEqual(
            await refused("--stack-file", services),
            [
                "plan: Pulumi.services.yaml: 2 components refuse the stack file, fix each:",
                '- ecsnet:services[0].image "nginx latest" contains whitespace; write it as registry/repository:tag, such as public.ecr.aws/nginx/nginx:stable. (refused by EcsService "api")',
                "- 2 problems, fix each:",
                "    - ecsnet:services[1].cpu 256 with memory 100 is not a size Fargate offers; with cpu 256 use memory 512, 1024, 2048.",
                "    - ecsnet:services[1].desiredCount must be a whole number of tasks, 0 or more (got -1).",
                '  (refused by EcsService "worker")',
            ].join("\n"),
        );
    });

    it("refuses invalid YAML with the file's full path and line, and a stack file that is not a map", async () => {
        const file = stackFile("yaml", ["aws:region: us-east-1", "ecsnet:services: [{name: api"]);
        assert.match(
            await refused("--stack-file", file),
            new RegExp(
                `^plan: ${file.replace(/[.]/g, "\\.")}:4:1: invalid YAML: unexpected end of the stream within a flow collection; fix the file`,
            ),
        );
        const list = path.join(DIR, "Pulumi.list.yaml");
        fs.writeFileSync(list, "- config\n");
        assert.strictEqual(
            await refused("--stack-file", list),
            `plan: ${list}: the file must be a YAML map (got a list).`,
        );
    });

    it("refuses a missing stack file or unknown stack with the full path", async () => {
        assert.strictEqual(
            await refused("--stack-file", "no/such/Pulumi.x.yaml"),
            `plan: the stack file ${path.resolve("no/such/Pulumi.x.yaml")} does not exist; check the path.`,
        );
        assert.strictEqual(
            await refused("--stack", "nope"),
            `plan: unknown stack "nope": there is no ${path.join(ROOT, "Pulumi.nope.yaml")}; the stacks are dev, ec2, games, prod, web.`,
        );
        const other = path.join(DIR, "stack.yaml");
        fs.writeFileSync(other, "config: {}\n");
        assert.strictEqual(
            await refused("--stack-file", other),
            `plan: cannot tell the stack name from ${other} (stack files are named Pulumi.<stack>.yaml); pass --stack NAME.`,
        );
    });

    it("refuses an --out it cannot write, before planning", async () => {
        const file = path.join(DIR, "a-file");
        fs.writeFileSync(file, "");
        assert.strictEqual(
            await refused("--out", path.join(file, "reports")),
            `plan: --out ${path.join(file, "reports")} cannot be written (ENOTDIR); pass a directory you can write to.`,
        );
        assert.strictEqual(
            await refused("--out", "/proc/no-such-dir"),
            "plan: --out /proc/no-such-dir cannot be written (ENOENT); pass a directory you can write to.",
        );
    });

    it("refuses bad usage, pointing at --help", async () => {
        assert.strictEqual(
            await refused("--colour"),
            'plan: unknown argument "--colour"; see --help.',
        );
        assert.strictEqual(await refused("--stack"), "plan: --stack needs a value; see --help.");
        assert.strictEqual(
            await refused("--nat-gb", "lots"),
            'plan: --nat-gb takes a number of GB per month, 0 or more (got "lots").',
        );
    });

    it("refuses a policy config the pack's own schemas refuse, naming each wrong key", async () => {
        const config = path.join(DIR, "policy.json");
        fs.writeFileSync(
            config,
            JSON.stringify({
                all: "strict",
                "no-ssh-from-internet": {
                    enforcementLevel: "mandatroy",
                    sshPorts: ["22", 70000],
                    exemptCidr: [],
                    waivers: [{ resource: "urn:*::bastion", expires: "2027-01-31" }],
                },
                "no-public-ip-on-sensitive-task": "mandatory",
                "no-public-ip-on-sensitive-tasks": {
                    waivers: [
                        { tag: "team=games", reason: "public game servers", expires: "2027-02-30" },
                        { reason: "x", expires: "2027-01-01" },
                    ],
                },
            }),
        );
        assert.strictEqual(
            await refused("--policy-pack-config", config),
            `plan: the policy config ${config} is refused: "all" must be an enforcement level, one of advisory, mandatory, remediate, disabled (got "strict"); ` +
                `"no-ssh-from-internet".enforcementLevel must be an enforcement level, one of advisory, mandatory, remediate, disabled (got "mandatroy"; did you mean "mandatory"?); ` +
                `"no-ssh-from-internet".sshPorts[0] must be an integer (got "22"); "no-ssh-from-internet".sshPorts[1] must be at most 65535 (got 70000); ` +
                `"no-ssh-from-internet".exemptCidr is not a setting of no-ssh-from-internet; its settings are exemptCidrs, sshPorts, waivers, besides enforcementLevel; ` +
                `"no-ssh-from-internet".waivers[0].reason is required; ` +
                `"no-public-ip-on-sensitive-task" is not a policy of this pack (did you mean "no-public-ip-on-sensitive-tasks"?); its policies are no-ssh-from-internet, no-ssh-from-internet-per-security-group, no-public-ip-on-sensitive-tasks, no-public-ip-on-sensitive-tasks-by-reference, service-connect-servers-internal; ` +
                `policy no-public-ip-on-sensitive-tasks: waivers[0] has no valid expires: give the last day it holds as YYYY-MM-DD (got "2027-02-30"); ` +
                `policy no-public-ip-on-sensitive-tasks: waivers[1] names no resource: give resource (a URN pattern) or tag (key=value).`,
        );
        fs.writeFileSync(config, "{ all: mandatory }");
        assert.match(
            await refused("--policy-pack-config", config),
            new RegExp(`^plan: the policy config ${config} is not valid JSON \\(`),
        );
    });

    it("accepts the committed strict and lenient policy configs", async () => {
        const client = await PolicyPackClient.start(path.join(ROOT, PACK_DIR));
        try {
            for (const config of ["policies/strict.json", "policies/lenient.json"]) {
                assert.deepStrictEqual(
                    policyConfigProblems(
                        JSON.parse(fs.readFileSync(path.join(ROOT, config), "utf8")),
                        client.policies,
                    ),
                    [],
                    config,
                );
            }
        } finally {
            client.close();
        }
    });

    it("shows a remediation: a REMEDIATED section naming policy, resource and property, and the inputs after it", async () => {
        const config = path.join(DIR, "remediate.json");
        fs.writeFileSync(
            config,
            JSON.stringify({
                "no-public-ip-on-sensitive-tasks": "remediate",
                "no-public-ip-on-sensitive-tasks-by-reference": "advisory",
            }),
        );
        const args = [
            "--stack",
            "games",
            "--after-up",
            "--stack-tag",
            "data-classification=confidential",
            "--policy-pack-config",
            config,
        ];
        const text = await plan(...args);
        assert.strictEqual(text.code, 0, text.stdout);
        assert.match(
            text.stdout,
            /\n {2}REMEDIATED \(1\)\n {4}\[no-public-ip-on-sensitive-tasks\] game-server: changed networkConfiguration\.assignPublicIp\n/,
        );
        const report = JSON.parse((await plan(...args, "--json")).stdout);
        const service = report.resources.find(
            (r: { type: string }) => r.type === "aws:ecs/service:Service",
        );
        assert.deepStrictEqual(report.remediations, [
            {
                policy: "no-public-ip-on-sensitive-tasks",
                urn: service.urn,
                changed: ["networkConfiguration.assignPublicIp"],
            },
        ]);
        assert.strictEqual(service.inputs.networkConfiguration.assignPublicIp, false);
    });

    it("prints --help with exit 0", async () => {
        const run = await plan("--help");
        assert.deepStrictEqual([run.code, run.stdout, run.stderr], [0, USAGE, ""]);
        assert.match(USAGE, /--stack-file FILE/);
    });

    it("takes the stack name from --stack-file's Pulumi.<stack>.yaml when --stack is not given", async () => {
        const file = path.join(fs.mkdtempSync(path.join(DIR, "arcade-")), "Pulumi.arcade.yaml");
        fs.copyFileSync(path.join(ROOT, "Pulumi.games.yaml"), file);
        const run = await plan("--stack-file", file, "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        const report = JSON.parse(run.stdout);
        assert.strictEqual(report.stack, "arcade");
        assert.ok(
            report.resources.some((r: { urn: string }) =>
                r.urn.startsWith("urn:pulumi:arcade::ecsnet::"),
            ),
        );
    });
});

describe("the plan command plans an update --against a state, and refuses what is not one", () => {
    const write = (name: string, text: string) => {
        const file = path.join(DIR, name);
        fs.writeFileSync(file, text);
        return file;
    };
    const expected =
        "pass the output of `pulumi stack export --file FILE` (version 3), or a state this plan wrote with --state-out.";

    it("refuses a missing file, broken JSON, the plan's own report, another version and a bare deployment", async () => {
        const missing = path.join(DIR, "nope.json");
        assert.strictEqual(
            await refused("--stack", "dev", "--against", missing),
            `plan: --against ${missing} cannot be read (ENOENT); ${expected}`,
        );
        const broken = write("broken.json", "{ not json");
        assert.match(
            await refused("--stack", "dev", "--against", broken),
            new RegExp(`^plan: --against ${broken} is not JSON \\(.+\\); `),
        );
        const report = write(
            "report.json",
            JSON.stringify({ project: "ecsnet", stack: "dev", resources: [], violations: [] }),
        );
        assert.strictEqual(
            await refused("--stack", "dev", "--against", report),
            `plan: --against ${report} is this plan's --json report, not a stack's state; ${expected}`,
        );
        const v2 = write("v2.json", JSON.stringify({ version: 2, deployment: { resources: [] } }));
        assert.strictEqual(
            await refused("--stack", "dev", "--against", v2),
            `plan: --against ${v2} has version 2, not 3; ${expected}`,
        );
        const bare = write("bare.json", JSON.stringify({ manifest: {}, resources: [] }));
        assert.strictEqual(
            await refused("--stack", "dev", "--against", bare),
            `plan: --against ${bare} is a bare deployment without its version; export it whole; ${expected}`,
        );
        const badUrn = write(
            "urn.json",
            JSON.stringify({
                version: 3,
                deployment: { resources: [{ urn: "vpc-1", type: "aws:ec2/vpc:Vpc" }] },
            }),
        );
        assert.strictEqual(
            await refused("--stack", "dev", "--against", badUrn),
            `plan: --against ${badUrn} has deployment.resources[0].urn "vpc-1", not a URN (urn:pulumi:<stack>::<project>::<type>::<name>); ${expected}`,
        );
    });

    it("refuses another stack's state, naming both", async () => {
        const prod = path.join(ROOT, "tests", "fixtures", "states", "0.2", "prod.json");
        assert.strictEqual(
            await refused("--stack", "dev", "--against", prod),
            `plan: --against ${prod} is the state of ecsnet/prod, not of ecsnet/dev; export the stack you plan (pulumi stack export --stack dev), or plan --stack prod.`,
        );
    });

    it("exits 1 when AWS would refuse a step, with the refusal in the JSON; 0 against its own state, with every step same", async () => {
        const state = path.join(DIR, "dev-state.json");
        const base = await plan("--stack", "dev", "--after-up", "--state-out", state);
        assert.strictEqual(base.code, 0, base.stderr);
        const same = await plan("--stack", "dev", "--against", state, "--json");
        assert.strictEqual(same.code, 0, same.stderr);
        const report = JSON.parse(same.stdout);
        assert.deepStrictEqual(
            [report.refusals, [...new Set(report.steps.map((s: any) => s.op))]],
            [[], ["same"]],
        );
        assert.strictEqual(report.steps.length, report.resources.length);
        // The same state with the client's rule under another name: a renamed rule without an alias.
        const renamed = write(
            "renamed.json",
            fs
                .readFileSync(state, "utf8")
                .replace(/internal-nginx-in-tcp-80-from-client-nginx/g, "old-rule"),
        );
        const run = await plan("--stack", "dev", "--against", renamed, "--json");
        assert.strictEqual(run.code, 1);
        const refusals = JSON.parse(run.stdout).refusals;
        assert.deepStrictEqual(Object.keys(refusals[0]), [
            "urn",
            "code",
            "conflictsWith",
            "message",
            "fix",
        ]);
        assert.deepStrictEqual(
            [refusals.length, refusals[0].code, refusals[0].conflictsWith.split("::").pop()],
            [1, "InvalidPermission.Duplicate", "old-rule"],
        );
        const text = await plan("--stack", "dev", "--against", renamed);
        assert.match(
            text.stdout,
            /\n {2}\+ {2}aws:vpc\/securityGroupIngressRule:SecurityGroupIngressRule {2}internal-nginx-in-tcp-80-from-client-nginx\n/,
        );
        assert.match(
            text.stdout,
            /\n {2}- {2}aws:vpc\/securityGroupIngressRule:SecurityGroupIngressRule {2}old-rule\n/,
        );
        assert.match(
            text.stdout,
            /\nWOULD FAIL IN AWS \(1\)\n {2}InvalidPermission\.Duplicate: AWS refuses to create internal-nginx-in-tcp-80-from-client-nginx/,
        );
    });
});
