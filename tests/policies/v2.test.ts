import * as assert from "assert";
import * as path from "path";
import { PolicyPackClient, PACK_DIR, PACK_SOURCE_DIR } from "../../offline/policy/analyzer";
import { checkPolicies, PolicyCheck } from "../../offline/policy/check";
import { Mode } from "../../offline/engine/runtime";
import { otherTeamsResources } from "../fixtures/otherTeams";
import { engineViewOf } from "../support/helpers";

const PACK = path.resolve(__dirname, "../..", PACK_DIR);

/** Runs the hand-written stack through the real pack as `pulumi preview|up --policy-pack` would. */
async function check(client: PolicyPackClient, mode: Mode, config = {}): Promise<PolicyCheck> {
    const resources = await engineViewOf(mode, otherTeamsResources, {
        config: { "aws:region": "us-east-1", "aws-native:region": "us-east-1" },
    });
    return checkPolicies(client, resources, { project: "ecsnet", stack: "teams", mode, config });
}

const verdicts = (c: PolicyCheck) =>
    c.violations.map((v) => `${v.policy} ${v.urn.split("::").pop()} ${v.enforcementLevel}`);

/** Every `bad-*` resource, with the policy that must stop it; nothing else. */
const EXPECTED = [
    "no-ssh-from-internet bad-native-inline mandatory",
    "no-public-ip-on-sensitive-tasks bad-by-default-tags mandatory",
    "no-public-ip-on-sensitive-tasks bad-native-service mandatory",
    "no-ssh-from-internet-per-security-group bad-split mandatory",
    "no-ssh-from-internet-per-security-group bad-prefix-list mandatory",
    "no-ssh-from-internet-per-security-group bad-mixed mandatory",
    "no-public-ip-on-sensitive-tasks-by-reference bad-task-set mandatory",
    "no-public-ip-on-sensitive-tasks-by-reference bad-native-task-set mandatory",
    "no-public-ip-on-sensitive-tasks-by-reference bad-cluster-default mandatory",
    "no-public-ip-on-sensitive-tasks-by-reference bad-launch-configuration mandatory",
    // Two paths: the cluster's capacity provider, and instances that join the cluster by user data.
    "no-public-ip-on-sensitive-tasks-by-reference bad-launch-type-ec2 mandatory",
    "no-public-ip-on-sensitive-tasks-by-reference bad-launch-type-ec2 mandatory",
    "no-public-ip-on-sensitive-tasks-by-reference bad-native-ec2 mandatory",
];

describe("policy pack v2 against a hand-written stack (aws and aws-native), through the Analyzer protocol", function () {
    this.timeout(60_000);
    let client: PolicyPackClient;
    const checks: Partial<Record<Mode, PolicyCheck>> = {};
    before(async () => {
        client = await PolicyPackClient.start(PACK);
        for (const mode of ["preview", "after-up"] as const) {
            checks[mode] = await check(client, mode);
        }
    });
    after(() => client?.close());

    for (const mode of ["preview", "after-up"] as const) {
        it(`stops every family of miss, mandatory, and nothing else (${mode})`, () => {
            assert.deepStrictEqual(verdicts(checks[mode]!).sort(), [...EXPECTED].sort());
        });
    }

    it("names every rule that contributes to an opening, across resources and providers", () => {
        const message = (name: string) =>
            checks
                .preview!.violations.find((v) => v.urn.endsWith(`::${name}`))!
                .message.split("\n")[1];
        assert.strictEqual(
            message("bad-split"),
            `Security group "bad-split" admits SSH port 22 from the whole internet through 2 rules together: security group rule "half-a" (tcp 22-22 from 0.0.0.0/1); security group rule "half-b" (tcp 0-65535 from 128.0.0.0/1). ` +
                `Bots scan every public address for SSH: narrow the source to your own network's CIDR, or reach hosts with SSM Session Manager or ECS Exec instead of SSH.`,
        );
        assert.match(
            message("bad-prefix-list"),
            /through one rule: security group "bad-prefix-list" ingress\[0\] \(tcp 22-22 from 0\.0\.0\.0\/1 in prefix list "everyone" \+ 128\.0\.0\.0\/1 in prefix list "everyone"\)/,
        );
        assert.match(
            message("bad-mixed"),
            /security group "bad-mixed" ingress\[0\] \(tcp 22-22 from 0\.0\.0\.0\/1\); security group rule "mixed-half-b" \(tcp 22-22 from 128\.0\.0\.0\/1\)/,
        );
    });

    it("says why each task is sensitive and by which path it gets a public IP", () => {
        const message = (name: string) =>
            checks
                .preview!.violations.find((v) => v.urn.endsWith(`::${name}`))!
                .message.split("\n")[1];
        assert.match(
            message("bad-by-default-tags"),
            /is sensitive \(default tag data-classification=confidential in its tagsAll\)/,
        );
        assert.match(
            message("bad-task-set"),
            /^ECS task set "bad-task-set" is sensitive \(its service "ledger" carries tag data-classification=RESTRICTED\) but sets networkConfiguration.assignPublicIp to true/,
        );
        assert.match(
            message("bad-native-task-set"),
            /its service "bad-native-service" carries tag data-classification=sensitive\) but sets networkConfiguration.awsVpcConfiguration.assignPublicIp to "ENABLED".*Set networkConfiguration.awsVpcConfiguration.assignPublicIp to "DISABLED"/,
        );
        assert.match(
            message("bad-cluster-default"),
            /runs on EC2 capacity provider "mixed-capacity" whose instances get public IPs \(launch template "public-hosts" sets associatePublicIpAddress "true"\)/,
        );
        assert.match(
            message("bad-launch-configuration"),
            /\(launch configuration "legacy-hosts" sets associatePublicIpAddress\)/,
        );
        assert.match(
            checks.preview!.violations.filter((v) => v.urn.endsWith("::bad-launch-type-ec2"))[1]
                .message,
            /runs on launchType EC2 on cluster "team", which places tasks on any container instance, including Auto Scaling group "joining-hosts"'s whose instances get public IPs \(its subnet "public-a" maps public IPs on launch/,
        );
        assert.match(
            message("bad-native-ec2"),
            /capacity provider "native-capacity" whose instances get public IPs \(launch template "native-hosts" sets associatePublicIpAddress true\)/,
        );
    });

    it("a waiver turns a violation advisory with its reason; an expired one is mandatory and says so", async () => {
        const waived = await check(client, "preview", {
            "no-ssh-from-internet-per-security-group": {
                waivers: [
                    {
                        resource:
                            "urn:pulumi:*::ecsnet::aws:ec2/securityGroup:SecurityGroup::bad-split",
                        reason: "migration window, ticket NET-42",
                        expires: "2999-12-31",
                    },
                ],
            },
            "no-public-ip-on-sensitive-tasks": {
                waivers: [
                    {
                        tag: "data-classification=SENSITIVE",
                        reason: "demo data only",
                        expires: "2020-01-31",
                    },
                ],
            },
        });
        const split = waived.violations.find((v) => v.urn.endsWith("::bad-split"))!;
        assert.strictEqual(split.enforcementLevel, "advisory");
        assert.ok(
            split.message.endsWith("\nWaived until 2999-12-31: migration window, ticket NET-42"),
            split.message,
        );
        const expired = waived.violations.find((v) => v.urn.endsWith("::bad-native-service"))!;
        assert.strictEqual(expired.enforcementLevel, "mandatory");
        assert.ok(
            expired.message.endsWith(
                "\nThe waiver for this resource expired on 2020-01-31 (its reason: demo data only). Fix the violation, or renew the waiver with a new expires date.",
            ),
            expired.message,
        );
        assert.deepStrictEqual(
            waived.violations.filter((v) => v.enforcementLevel === "mandatory").length,
            EXPECTED.length - 1,
        );
    });

    it("refuses a waiver without a reason or an expiry as bad config, naming the entry", async () => {
        await assert.rejects(
            check(client, "preview", { "no-ssh-from-internet": { waivers: [{ resource: "*" }] } }),
            /The policy pack's config is refused: policy no-ssh-from-internet: waivers\[0\] has no reason: say why the violation is accepted; policy no-ssh-from-internet: waivers\[0\] has no valid expires/,
        );
    });

    it("the compiled pack (policies/bin) gives exactly the verdicts of its TypeScript source", async () => {
        const source = await PolicyPackClient.start(
            path.resolve(__dirname, "../..", PACK_SOURCE_DIR),
        );
        try {
            assert.deepStrictEqual(source.policies, client.policies);
            const waivers = {
                "no-public-ip-on-sensitive-tasks": {
                    waivers: [
                        {
                            tag: "data-classification=sensitive",
                            reason: "r",
                            expires: "2999-01-01",
                        },
                    ],
                },
            };
            for (const [mode, config] of [
                ["preview", {}],
                ["after-up", {}],
                ["preview", waivers],
            ] as const) {
                assert.deepStrictEqual(
                    (await check(source, mode, config)).violations,
                    (await check(client, mode, config)).violations,
                );
            }
        } finally {
            source.close();
        }
    });
});
