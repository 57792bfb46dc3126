/**
 * Evasions other tools let through, each a family, in raw `@pulumi/aws` resources as another team
 * writes them, through the real pack:
 * - Service Connect servers: the proxy moved to another port by `ingressPortOverride`, a CIDR whose
 *   value is unknown in the preview, a rule whose ports are unknown;
 * - sensitive EC2 tasks on a single `aws.ec2.Instance` that joins the cluster by its user data.
 */
import * as assert from "assert";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { PolicyPackClient, PACK_DIR } from "../../offline/policy/analyzer";
import { checkPolicies } from "../../offline/policy/check";
import { Mode } from "../../offline/engine/runtime";
import { engineViewOf } from "../support/helpers";
import { SHARED_PACKS } from "../support/packs";

const PACK = path.resolve(__dirname, "../..", PACK_DIR);

/** A private Service Connect server on container port 8080, and the rule `admit` adds to its group. */
function server(
    admit: (group: aws.ec2.SecurityGroup, vpc: aws.ec2.Vpc) => void,
    entry: Record<string, unknown> = {},
): void {
    const vpc = new aws.ec2.Vpc("vpc", {
        ipv4IpamPoolId: "ipam-pool-0123456789abcdef0",
        ipv4NetmaskLength: 16,
    });
    const subnet = new aws.ec2.Subnet("private", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24" });
    const group = new aws.ec2.SecurityGroup("api-sg", { vpcId: vpc.id });
    admit(group, vpc);
    const namespace = new aws.servicediscovery.HttpNamespace("ns", { name: "internal" });
    const cluster = new aws.ecs.Cluster("cluster", {});
    const task = new aws.ecs.TaskDefinition("api", {
        family: "api",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: "256",
        memory: "512",
        containerDefinitions: JSON.stringify([
            {
                name: "api",
                image: "public.ecr.aws/nginx/nginx:stable",
                portMappings: [{ name: "api", containerPort: 8080, protocol: "tcp" }],
            },
        ]),
    });
    new aws.ecs.Service("api", {
        cluster: cluster.arn,
        taskDefinition: task.arn,
        launchType: "FARGATE",
        networkConfiguration: { subnets: [subnet.id], securityGroups: [group.id] },
        serviceConnectConfiguration: {
            enabled: true,
            namespace: namespace.arn,
            services: [{ portName: "api", clientAlias: [{ port: 80 }], ...entry }],
        },
    });
}

describe("Service Connect servers: evasions by port override and unknown values, through the real pack", function () {
    this.timeout(60_000);
    let client: PolicyPackClient;
    before(async () => {
        client = await SHARED_PACKS.lease(PACK);
    });
    // Given back for the next describe in this file; the root hook closes it after the file.
    after(() => client && SHARED_PACKS.giveBack(PACK, client));

    async function verdicts(mode: Mode, build: () => void): Promise<string[]> {
        const resources = await engineViewOf(mode, build);
        const { violations } = await checkPolicies(client, resources, {
            project: "ecsnet",
            stack: "test",
            mode,
        });
        return violations
            .filter((v) => v.policy === "service-connect-servers-internal")
            .map((v) => `${v.enforcementLevel}: ${v.message.split("\n").pop()}`);
    }

    for (const mode of ["preview", "after-up"] as const) {
        it(`reads the port ingressPortOverride moves the proxy to: a CIDR there is refused (${mode})`, async () => {
            const found = await verdicts(mode, () =>
                server(
                    (group) =>
                        new aws.vpc.SecurityGroupIngressRule("proxy-from-office", {
                            securityGroupId: group.id,
                            ipProtocol: "tcp",
                            fromPort: 15000,
                            toPort: 15000,
                            cidrIpv4: "192.168.0.0/16",
                        }),
                    { ingressPortOverride: 15000 },
                ),
            );
            assert.deepStrictEqual(found, [
                `mandatory: ECS service "api" serves tcp 15000 through Service Connect, but its security groups admit more than ECS services there: security group rule "proxy-from-office" admits CIDR 192.168.0.0/16. Admit the calling services' security groups only.`,
            ]);
        });
    }

    it("refuses a CIDR on a server port even while its value is unknown (preview): any CIDR there is foreign", async () => {
        const found = await verdicts("preview", () =>
            server(
                (group, vpc) =>
                    new aws.vpc.SecurityGroupIngressRule("from-vpc", {
                        securityGroupId: group.id,
                        ipProtocol: "tcp",
                        fromPort: 8080,
                        toPort: 8080,
                        // The VPC's CIDR comes from IPAM: unknown until the VPC exists.
                        cidrIpv4: vpc.cidrBlock,
                    }),
            ),
        );
        assert.deepStrictEqual(found, [
            `mandatory: ECS service "api" serves tcp 8080 through Service Connect, but its security groups admit more than ECS services there: security group rule "from-vpc" admits a CIDR not known in this preview (security group rule "from-vpc" cidrIpv4). Admit the calling services' security groups only.`,
        ]);
    });

    it("waits on a rule whose ports are unknown and whose source is a CIDR (preview), and decides once known", async () => {
        const rule = (group: aws.ec2.SecurityGroup, vpc: aws.ec2.Vpc) =>
            new aws.vpc.SecurityGroupIngressRule("late-port", {
                securityGroupId: group.id,
                ipProtocol: "tcp",
                fromPort: vpc.id.apply(() => 8080),
                toPort: vpc.id.apply(() => 8080),
                cidrIpv4: "192.168.0.0/16",
            });
        const preview = await verdicts("preview", () => server(rule));
        assert.deepStrictEqual(
            preview.map((v) => v.split(":")[0]),
            ["advisory"],
            preview.join("\n"),
        );
        assert.match(preview[0], /which ports security group rule "late-port" opens/);
        const afterUp = await verdicts("after-up", () => server(rule));
        assert.match(afterUp[0], /^mandatory: .* admits CIDR 192\.168\.0\.0\/16/);
    });

    it("passes a server that admits only ECS services' groups on the overridden port, and refuses another group there", async () => {
        const admitting = (source: "self" | "other") => () =>
            server(
                (group, vpc) =>
                    new aws.vpc.SecurityGroupIngressRule("from-group", {
                        securityGroupId: group.id,
                        ipProtocol: "tcp",
                        fromPort: 15000,
                        toPort: 15000,
                        referencedSecurityGroupId:
                            source === "self"
                                ? group.id
                                : new aws.ec2.SecurityGroup("bastion-sg", { vpcId: vpc.id }).id,
                    }),
                { ingressPortOverride: 15000 },
            );
        assert.deepStrictEqual(await verdicts("preview", admitting("self")), []);
        assert.deepStrictEqual(await verdicts("preview", admitting("other")), [
            `mandatory: ECS service "api" serves tcp 15000 through Service Connect, but its security groups admit more than ECS services there: security group rule "from-group" admits security group "bastion-sg". Admit the calling services' security groups only.`,
        ]);
    });
});

describe("sensitive EC2 tasks on single instances that join the cluster by user data, through the real pack", function () {
    this.timeout(60_000);
    let client: PolicyPackClient;
    before(async () => {
        client = await SHARED_PACKS.lease(PACK);
    });
    // Given back for the next describe in this file; the root hook closes it after the file.
    after(() => client && SHARED_PACKS.giveBack(PACK, client));

    /** A cluster, one instance joining it (`ECS_CLUSTER=solo`), and a sensitive service with launchType EC2. */
    async function verdicts(
        mode: Mode,
        instance: Partial<aws.ec2.InstanceArgs>,
        how: "userData" | "userDataBase64" | "template",
    ): Promise<string[]> {
        const resources = await engineViewOf(mode, () => {
            const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
            const subnet = new aws.ec2.Subnet("public", {
                vpcId: vpc.id,
                cidrBlock: "10.0.0.0/24",
                mapPublicIpOnLaunch: true,
            });
            const cluster = new aws.ecs.Cluster("solo", { name: "solo" });
            const script = "#!/bin/bash\necho ECS_CLUSTER=solo >> /etc/ecs/ecs.config\n";
            const template =
                how === "template"
                    ? new aws.ec2.LaunchTemplate("solo-lt", {
                          userData: Buffer.from(script).toString("base64"),
                      })
                    : undefined;
            new aws.ec2.Instance("host", {
                ami: "ami-1",
                instanceType: "t3.small",
                subnetId: subnet.id,
                ...(how === "userData" ? { userData: script } : {}),
                ...(how === "userDataBase64"
                    ? { userDataBase64: Buffer.from(script).toString("base64") }
                    : {}),
                ...(template ? { launchTemplate: { id: template.id } } : {}),
                ...instance,
            });
            const task = new aws.ecs.TaskDefinition("ledger", {
                family: "ledger",
                networkMode: "bridge",
                containerDefinitions: JSON.stringify([
                    {
                        name: "ledger",
                        image: "x",
                        memory: 256,
                        portMappings: [{ containerPort: 8080, hostPort: 0 }],
                    },
                ]),
            });
            new aws.ecs.Service("ledger", {
                cluster: cluster.arn,
                taskDefinition: task.arn,
                launchType: "EC2",
                tags: { "data-classification": "confidential" },
            });
        });
        const { violations } = await checkPolicies(client, resources, {
            project: "ecsnet",
            stack: "test",
            mode,
        });
        return violations.map(
            (v) => `${v.policy} ${v.urn.split("::").pop()} ${v.enforcementLevel}`,
        );
    }

    for (const mode of ["preview", "after-up"] as const) {
        for (const how of ["userData", "userDataBase64", "template"] as const) {
            it(`finds the instance's public IP, from its subnet (${how}, ${mode})`, async () => {
                assert.deepStrictEqual(await verdicts(mode, {}, how), [
                    "no-public-ip-on-sensitive-tasks-by-reference ledger mandatory",
                ]);
            });
        }
        it(`passes the same instance told to take no public IP (${mode})`, async () => {
            assert.deepStrictEqual(
                await verdicts(mode, { associatePublicIpAddress: false }, "userData"),
                [],
            );
        });
    }
});
