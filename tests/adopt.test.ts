import { PlanError } from "../components/planError";
import * as assert from "assert";
import type * as awsx from "@pulumi/awsx";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { adoptAwsxVpc, adoptNetwork, AwsxVpcLike } from "../components/network/adopt";
import { ServiceConnectCluster } from "../components/service/cluster";
import { EcsService } from "../components/service/ecsService";
import { one, startRuntime, T, valueOf } from "./support/helpers";

// Compile-time proof: an awsx v3 Vpc is accepted as it is (tsc checks this file in `npm test`).
export const awsxVpcFits = (vpc: awsx.ec2.Vpc): AwsxVpcLike => vpc;

describe("adopting an existing VPC", () => {
    it("builds the network shape from ids, with public IPs exactly on the public pattern", async () => {
        await startRuntime();
        const net = adoptNetwork({
            pattern: "private",
            vpcId: "vpc-123",
            vpcCidr: "10.9.0.0/16",
            taskSubnetIds: ["subnet-a", "subnet-b"],
            availabilityZones: ["us-east-1a", "us-east-1b"],
        });
        assert.deepStrictEqual(
            [net.pattern, net.tasksGetPublicIp, net.taskSubnetCount],
            ["private", false, 2],
        );
        assert.deepStrictEqual(await valueOf(net.taskSubnetIds), ["subnet-a", "subnet-b"]);
        assert.strictEqual(
            adoptNetwork({
                pattern: "public",
                vpcId: "v",
                vpcCidr: "10.0.0.0/16",
                taskSubnetIds: ["s"],
            }).tasksGetPublicIp,
            true,
        );
    });

    it("refuses no subnets, more than 16 subnets, and an unknown pattern", () => {
        assert.throws(
            () => adoptNetwork({ pattern: "private", vpcId: "v", vpcCidr: "c", taskSubnetIds: [] }),
            {
                message:
                    "adoptNetwork: taskSubnetIds must list between 1 and 16 subnets (got 0); ECS accepts at most 16 per service.",
            },
        );
        assert.throws(
            () =>
                adoptNetwork({
                    pattern: "private",
                    vpcId: "v",
                    vpcCidr: "c",
                    taskSubnetIds: Array(17).fill("s"),
                }),
            {
                message:
                    "adoptNetwork: taskSubnetIds must list between 1 and 16 subnets (got 17); ECS accepts at most 16 per service.",
            },
        );
        assert.throws(
            () =>
                adoptNetwork({
                    pattern: "hybrid" as any,
                    vpcId: "v",
                    vpcCidr: "c",
                    taskSubnetIds: ["s"],
                }),
            {
                message:
                    'adoptNetwork: pattern "hybrid" is not public or private; say which one the task subnets follow.',
            },
        );
        // Every problem at once, as the planners' own error (the plan command reports it as a refusal, not a defect).
        let refused: unknown;
        try {
            adoptNetwork({ pattern: "hybrid" as any, vpcId: "v", vpcCidr: "c", taskSubnetIds: [] });
        } catch (e) {
            refused = e;
        }
        assert.ok(PlanError.isPlanError(refused));
        assert.strictEqual(
            (refused as Error).message,
            [
                "adoptNetwork: 2 problems, fix each:",
                '  - pattern "hybrid" is not public or private; say which one the task subnets follow.',
                "  - taskSubnetIds must list between 1 and 16 subnets (got 0); ECS accepts at most 16 per service.",
            ].join("\n"),
        );
    });

    it("places services in an awsx VPC's private subnets (no public IP) or public subnets (public IP)", async () => {
        const runtime = await startRuntime();
        const vpc = new aws.ec2.Vpc("team-vpc", { cidrBlock: "10.7.0.0/16" });
        const subnet = (n: string, az: string) =>
            new aws.ec2.Subnet(n, {
                vpcId: vpc.id,
                cidrBlock: "10.7.0.0/24",
                availabilityZone: az,
            });
        const privates = [subnet("priv-a", "us-east-1a"), subnet("priv-b", "us-east-1b")];
        const publics = [subnet("pub-a", "us-east-1a")];
        // What awsx.ec2.Vpc exposes, built from real resources (under mocks awsx's own children do not register).
        const awsxVpc: AwsxVpcLike = {
            vpcId: vpc.id,
            vpc: pulumi.output(vpc),
            privateSubnets: pulumi.output(privates),
            publicSubnets: pulumi.output(publics),
            privateSubnetIds: pulumi.all(privates.map((s) => s.id)),
            publicSubnetIds: pulumi.all(publics.map((s) => s.id)),
        };
        const network = adoptAwsxVpc(awsxVpc, "private");
        assert.deepStrictEqual(await valueOf(network.availabilityZones), [
            "us-east-1a",
            "us-east-1b",
        ]);
        assert.strictEqual(await valueOf(network.vpcCidr), "10.7.0.0/16");
        const cluster = new ServiceConnectCluster("core", { namespaceName: "serviceconnectns" });
        new EcsService("api", { cluster, network, containers: [{ name: "api", image: "x" }] });
        new EcsService("edge", {
            cluster,
            network: adoptAwsxVpc(awsxVpc, "public"),
            containers: [{ name: "edge", image: "x" }],
        });
        await runtime.settle();
        assert.deepStrictEqual(
            one(runtime.registrations, T.service, "api").inputs.networkConfiguration.subnets,
            ["<subnet:priv-a>", "<subnet:priv-b>"],
        );
        assert.strictEqual(
            one(runtime.registrations, T.service, "api").inputs.networkConfiguration.assignPublicIp,
            false,
        );
        assert.deepStrictEqual(
            one(runtime.registrations, T.service, "edge").inputs.networkConfiguration,
            {
                subnets: ["<subnet:pub-a>"],
                securityGroups: ["<securitygroup:edge-sg>"],
                assignPublicIp: true,
            },
        );
        assert.strictEqual(
            one(runtime.registrations, T.sg, "api-sg").inputs.vpcId,
            "<vpc:team-vpc>",
        );
    });
});
