import * as assert from "assert";
import * as path from "path";
import { PolicyPackClient, PACK_DIR } from "../../offline/policy/analyzer";
import { checkPolicies } from "../../offline/policy/check";
import { evaluateStack } from "../../offline/engine/program";
import { listStacks } from "../../offline/engine/project";
import { POLICIES } from "../../policies/rules";
import { insecureResources } from "../fixtures/insecure";
import { engineViewOf } from "../support/helpers";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toReportResources } from "../../offline/reports/report";

const ROOT = path.resolve(__dirname, "../..");
const PACK = path.join(ROOT, PACK_DIR);

describe("the policy pack", () => {
    it("pins its policy names and enforcement levels", () => {
        assert.deepStrictEqual(
            POLICIES.map((p) => [p.name, p.enforcementLevel]),
            [
                ["no-ssh-from-internet", "mandatory"],
                ["no-ssh-from-internet-per-security-group", "mandatory"],
                ["no-public-ip-on-sensitive-tasks", "mandatory"],
                ["no-public-ip-on-sensitive-tasks-by-reference", "mandatory"],
                ["service-connect-servers-internal", "mandatory"],
            ],
        );
    });

    describe("loaded by the CLI's loader and spoken to over the Analyzer protocol", () => {
        let client: PolicyPackClient;
        before(async () => {
            client = await PolicyPackClient.start(PACK);
        });
        after(() => client?.close());

        it("GetAnalyzerInfo names the pack, its version and its policies with their config schemas", () => {
            assert.strictEqual(client.name, "ecs-guardrails");
            assert.strictEqual(client.version, require("../../policies/package.json").version);
            assert.deepStrictEqual(
                client.policies.map((p) => [p.name, p.enforcementLevel]),
                POLICIES.map((p) => [p.name, p.enforcementLevel]),
            );
            assert.deepStrictEqual(
                client.policies[0].configSchema?.properties.sshPorts.default,
                [22],
            );
        });

        it("Analyze rejects SSH open to the world with the exact diagnostic", async () => {
            await client.configure({});
            await client.configureStack({ project: "p", stack: "s" });
            const diagnostics = await client.analyze({
                urn: "urn:sg",
                type: "aws:ec2/securityGroup:SecurityGroup",
                name: "sg",
                props: {
                    ingress: [
                        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
                    ],
                },
            });
            assert.deepStrictEqual(
                diagnostics.map((d) => [d.policy, d.enforcementLevel, d.urn]),
                [["no-ssh-from-internet", "mandatory", "urn:sg"]],
            );
            assert.ok(
                diagnostics[0].message.endsWith(
                    "Security group ingress[0] admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet. Bots scan every public address for SSH: narrow the source to your own network's CIDR, or reach hosts with SSM Session Manager or ECS Exec instead of SSH.",
                ),
            );
        });

        it("ConfigureStack's tags make every task of the stack sensitive", async () => {
            const service = {
                urn: "urn:svc",
                type: "aws:ecs/service:Service",
                name: "game",
                props: { networkConfiguration: { subnets: ["s"], assignPublicIp: true } },
            };
            await client.configure({});
            await client.configureStack({ project: "p", stack: "s" });
            assert.deepStrictEqual(await client.analyze(service), []);
            await client.configureStack({
                project: "p",
                stack: "s",
                tags: { "data-classification": "confidential" },
            });
            assert.deepStrictEqual(
                (await client.analyze(service)).map((d) => d.policy),
                ["no-public-ip-on-sensitive-tasks"],
            );
        });

        it("the lenient config makes the public-IP policies advisory, the strict one keeps them mandatory", async () => {
            const lenient = await client.configure(require("../../policies/lenient.json"));
            assert.deepStrictEqual(lenient, {
                "no-ssh-from-internet": "mandatory",
                "no-ssh-from-internet-per-security-group": "mandatory",
                "no-public-ip-on-sensitive-tasks": "advisory",
                "no-public-ip-on-sensitive-tasks-by-reference": "advisory",
                "service-connect-servers-internal": "advisory",
            });
            const strict = await client.configure(require("../../policies/strict.json"));
            assert.deepStrictEqual(new Set(Object.values(strict)), new Set(["mandatory"]));
        });

        it("remediate turns assignPublicIp off on a sensitive service", async () => {
            await client.configure({ "no-public-ip-on-sensitive-tasks": "remediate" });
            await client.configureStack({ project: "p", stack: "s" });
            const { props, remediated } = await client.remediate({
                urn: "urn:svc",
                type: "aws:ecs/service:Service",
                name: "payments",
                props: {
                    networkConfiguration: { subnets: ["s"], assignPublicIp: true },
                    tags: { "data-classification": "confidential" },
                },
            });
            assert.deepStrictEqual((props as any).networkConfiguration, {
                subnets: ["s"],
                assignPublicIp: false,
            });
            assert.deepStrictEqual(remediated, [
                { policy: "no-public-ip-on-sensitive-tasks", urn: "urn:svc" },
            ]);
        });

        // The engine sends secrets marked (analyzer_plugin.go marshals with KeepSecrets: true); the
        // SDK unwraps them for a policy and marks a remediated secret again, so one sent plainly
        // would come back plain: the round trip shows it was marked.
        it("keeps a secret marked through remediation, and the reports print it [secret]", async () => {
            await client.configure({ "no-public-ip-on-sensitive-tasks": "remediate" });
            await client.configureStack({ project: "p", stack: "s" });
            const service = {
                urn: "urn:svc",
                type: "aws:ecs/service:Service",
                name: "payments",
                props: {
                    networkConfiguration: { subnets: ["s"], assignPublicIp: true },
                    tags: { "data-classification": "confidential", owner: "ops@example.com" },
                },
            };
            const { props, secrets } = await client.remediate({
                ...service,
                secrets: ["tags.owner"],
            });
            assert.deepStrictEqual(
                [
                    (props as any).networkConfiguration.assignPublicIp,
                    (props as any).tags.owner,
                    secrets,
                ],
                [false, "ops@example.com", ["tags.owner"]],
            );
            const plain = await client.remediate(service);
            assert.deepStrictEqual(plain.secrets, []);
            const view = await engineViewOf("preview", () => {
                new aws.ssm.Parameter("db-password", {
                    type: "SecureString",
                    value: pulumi.secret("hunter2"),
                });
            });
            const parameter = view.find((r) => r.name === "db-password")!;
            assert.deepStrictEqual(
                [parameter.secrets, parameter.inputs.value],
                [["value"], "hunter2"],
                "read plainly by the plan, remembered as a secret",
            );
            assert.strictEqual(
                toReportResources(view).find((r) => r.name === "db-password")!.inputs.value,
                "[secret]",
            );
        });

        it("a remediation that cannot run in a preview (it copies inputs that are unknown) is an advisory naming it, and the violation stays mandatory", async () => {
            const check = async (mode: "preview" | "after-up") => {
                const evaluation = await evaluateStack(ROOT, "games", { mode });
                return checkPolicies(client, evaluation.resources, {
                    project: "ecsnet",
                    stack: "games",
                    mode,
                    stackTags: { "data-classification": "confidential" },
                    config: { "no-public-ip-on-sensitive-tasks": "remediate" },
                });
            };
            const preview = await check("preview");
            assert.deepStrictEqual(preview.remediations, []);
            const byPolicy = preview.violations
                .filter((v) => v.policy === "no-public-ip-on-sensitive-tasks")
                .map((v) => [v.enforcementLevel, v.message.slice(0, 55)]);
            assert.deepStrictEqual(byPolicy, [
                ["advisory", "can't run remediation 'no-public-ip-on-sensitive-tasks'"],
                ["mandatory", "ECS services and task sets of sensitive workloads must "],
            ]);
            // After up every input is known: the remediation runs and the resource policy has nothing left to say.
            const up = await check("after-up");
            assert.deepStrictEqual(
                up.remediations.map((r) => r.policy),
                ["no-public-ip-on-sensitive-tasks"],
            );
            assert.deepStrictEqual(
                up.violations.filter((v) => v.policy === "no-public-ip-on-sensitive-tasks"),
                [],
            );
        });

        for (const stack of listStacks(ROOT)) {
            for (const mode of ["preview", "after-up"] as const) {
                it(`passes every resource of the committed ${stack} stack (${mode})`, async () => {
                    const evaluation = await evaluateStack(ROOT, stack, { mode });
                    const { violations } = await checkPolicies(client, evaluation.resources, {
                        project: "ecsnet",
                        stack,
                        mode,
                    });
                    // Not even an advisory: no unknown in a preview leaves any verdict undecided.
                    assert.deepStrictEqual(violations, []);
                });
            }
        }

        it("decides a preview's unknown ingress by what Analyze saw: with the resource policies off, the stack policy waits on every group", async () => {
            // A fresh pack, as the CLI starts one per deployment: nothing recorded from earlier plans.
            const alone = await PolicyPackClient.start(PACK);
            try {
                const evaluation = await evaluateStack(ROOT, "dev");
                const { violations } = await checkPolicies(alone, evaluation.resources, {
                    project: "ecsnet",
                    stack: "dev",
                    mode: "preview",
                    config: {
                        "no-ssh-from-internet": { enforcementLevel: "disabled" },
                        "no-public-ip-on-sensitive-tasks": { enforcementLevel: "disabled" },
                    },
                });
                const groups = evaluation.resources.filter(
                    (r) => r.type === "aws:ec2/securityGroup:SecurityGroup",
                );
                assert.deepStrictEqual(
                    violations
                        .filter((v) => v.policy === "no-ssh-from-internet-per-security-group")
                        .map((v) => [v.urn, v.enforcementLevel, /ingress/.test(v.message)]),
                    groups.map((g) => [g.urn, "advisory", true]),
                );
            } finally {
                alone.close();
            }
        });

        for (const mode of ["preview", "after-up"] as const) {
            it(`rejects the insecure variant, mandatory (${mode}): SSH open to the world, sensitive services with public IPs, on Fargate and on EC2`, async () => {
                const resources = await engineViewOf(mode, insecureResources);
                const { violations } = await checkPolicies(client, resources, {
                    project: "ecsnet",
                    stack: "insecure",
                    mode,
                });
                const byName = violations.map((v) => [
                    v.policy,
                    v.urn.split("::").pop(),
                    v.enforcementLevel,
                ]);
                assert.deepStrictEqual(byName, [
                    ["no-ssh-from-internet", "bastion", "mandatory"],
                    ["no-public-ip-on-sensitive-tasks", "payments", "mandatory"],
                    ["no-public-ip-on-sensitive-tasks-by-reference", "ledger", "mandatory"],
                    ["no-public-ip-on-sensitive-tasks-by-reference", "vault", "mandatory"],
                ]);
                assert.ok(
                    violations[2].message.endsWith(
                        `ECS service "ledger" is sensitive (its task definition "ledger" carries data-classification=restricted) but sets networkConfiguration.assignPublicIp to true, which gives every task a public IP reachable from the internet. Set networkConfiguration.assignPublicIp to false and run the tasks in private subnets behind a NAT gateway.`,
                    ),
                );
            });
        }
    });
});
