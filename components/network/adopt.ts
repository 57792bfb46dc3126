import { PlanError } from "../planError";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MAX_SUBNETS } from "../limits";
import { NetworkPattern } from "./plan";
import { EcsNetwork } from "./shape";

export interface AdoptNetworkArgs {
    /** `public` when the task subnets route 0.0.0.0/0 to an internet gateway and map public IPs, else `private`. */
    pattern: NetworkPattern;
    /** The VPC's id. */
    vpcId: pulumi.Input<string>;
    /** The VPC's primary IPv4 block. */
    vpcCidr: pulumi.Input<string>;
    /** The subnets tasks go in: 1 to 16 (ECS's limit for a service's awsvpc configuration). */
    taskSubnetIds: pulumi.Input<string>[];
    /** @default [] (unknown) */
    availabilityZones?: pulumi.Input<string>[];
    /** Whether the task subnets route to the internet (an internet gateway or a NAT). @default true */
    outboundInternet?: boolean;
    /** The AWS services the VPC has endpoints for (`s3`, `ecr.api`, ...). @default [] */
    vpcEndpointServices?: string[];
    /** Resources that must exist before tasks can reach out (routes, endpoints). @default [] */
    outboundReady?: pulumi.Resource[];
    /** Public subnets (routing to an internet gateway), where a `PublicLoadBalancer` can go. @default none */
    publicSubnetIds?: pulumi.Input<string>[];
    /** How many zones those public subnets span. @default one per public subnet */
    publicSubnetAzCount?: number;
}

/**
 * The network shape from the ids of a VPC a team already has, so its services can use the service
 * components without rebuilding the network. Tasks get public IPs exactly when `pattern` is public.
 */
export function adoptNetwork(args: AdoptNetworkArgs): EcsNetwork {
    const count = args.taskSubnetIds.length;
    PlanError.throwIfAny("adoptNetwork", [
        ...(args.pattern !== "public" && args.pattern !== "private"
            ? [
                  `pattern "${String(args.pattern)}" is not public or private; say which one the task subnets follow.`,
              ]
            : []),
        ...(count < 1 || count > MAX_SUBNETS
            ? [
                  `taskSubnetIds must list between 1 and ${MAX_SUBNETS} subnets (got ${count}); ECS accepts at most ${MAX_SUBNETS} per service.`,
              ]
            : []),
    ]);
    return {
        pattern: args.pattern,
        vpcId: pulumi.output(args.vpcId),
        vpcCidr: pulumi.output(args.vpcCidr),
        taskSubnetIds: pulumi.output(args.taskSubnetIds),
        taskSubnetCount: count,
        tasksGetPublicIp: args.pattern === "public",
        hostsGetPublicIp: args.pattern === "public",
        outboundInternet: args.outboundInternet ?? true,
        vpcEndpointServices: args.vpcEndpointServices ?? [],
        outboundReady: args.outboundReady ?? [],
        availabilityZones: pulumi.output(args.availabilityZones ?? []),
        ...(args.publicSubnetIds
            ? {
                  publicSubnetIds: pulumi.output(args.publicSubnetIds),
                  publicSubnetAzCount: args.publicSubnetAzCount ?? args.publicSubnetIds.length,
              }
            : {}),
    };
}

/** The parts of an `awsx.ec2.Vpc` that the shape needs (an awsx v3 `Vpc` fits as it is). */
export interface AwsxVpcLike {
    /** The awsx VPC's id. */
    readonly vpcId: pulumi.Output<string>;
    /** The awsx VPC's VPC resource. */
    readonly vpc: pulumi.Output<aws.ec2.Vpc>;
    /** The awsx VPC's public subnet ids. */
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** The awsx VPC's private subnet ids. */
    readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The awsx VPC's private subnets. */
    readonly privateSubnets: pulumi.Output<aws.ec2.Subnet[]>;
    /** The awsx VPC's public subnets. */
    readonly publicSubnets: pulumi.Output<aws.ec2.Subnet[]>;
}

/**
 * The network shape from a VPC built with `awsx.ec2.Vpc`: `private` puts tasks in its private
 * subnets (outbound through awsx's NAT gateways), `public` in its public subnets with public IPs.
 */
export function adoptAwsxVpc(vpc: AwsxVpcLike, pattern: NetworkPattern): EcsNetwork {
    if (pattern !== "public" && pattern !== "private") {
        throw new PlanError(
            "adoptAwsxVpc",
            `pattern "${String(pattern)}" is not public or private; pick the awsx subnets tasks go in.`,
        );
    }
    const subnets = pattern === "public" ? vpc.publicSubnets : vpc.privateSubnets;
    return {
        pattern,
        vpcId: vpc.vpcId,
        vpcCidr: vpc.vpc.cidrBlock,
        taskSubnetIds: pattern === "public" ? vpc.publicSubnetIds : vpc.privateSubnetIds,
        tasksGetPublicIp: pattern === "public",
        hostsGetPublicIp: pattern === "public",
        // awsx places NAT gateways for its private subnets by default (OnePerAz).
        outboundInternet: true,
        vpcEndpointServices: [],
        outboundReady: [],
        availabilityZones: subnets.apply((list) => pulumi.all(list.map((s) => s.availabilityZone))),
    };
}
