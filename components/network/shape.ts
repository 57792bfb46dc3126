import * as pulumi from "@pulumi/pulumi";
import { NetworkFacts, NetworkPattern } from "./plan";

/**
 * What an ECS service needs to know about the network it runs in. Both pattern components
 * implement it, and `adoptNetwork` / `adoptAwsxVpc` build it from a VPC a team already has.
 */
export interface EcsNetwork extends NetworkFacts {
    /** `public`: tasks get public IPs behind an internet gateway; `private`: NAT or no egress. */
    readonly pattern: NetworkPattern;
    /** The VPC's id. */
    readonly vpcId: pulumi.Output<string>;
    /** The VPC's IPv4 block (endpoint security groups admit it). */
    readonly vpcCidr: pulumi.Output<string>;
    /** The subnets ECS places tasks (and later EC2 hosts) in. */
    readonly taskSubnetIds: pulumi.Output<string[]>;
    /** How many task subnets there are, where that is known when the program runs. */
    readonly taskSubnetCount?: number;
    /** Whether tasks placed here get a public IP (Fargate `assignPublicIp`). */
    readonly tasksGetPublicIp: boolean;
    /** Whether EC2 instances launched in the task subnets get a public IP (and so bridge/host tasks on them). */
    readonly hostsGetPublicIp: boolean;
    /** Whether the task subnets route to the internet (an internet gateway, or a NAT gateway). */
    readonly outboundInternet: boolean;
    /**
     * The AWS services the VPC reaches through VPC endpoints (`s3`, `ecr.api`, `logs`, ...). Without
     * outbound internet, these are the only AWS APIs tasks and instances can call.
     */
    readonly vpcEndpointServices: readonly string[];
    /**
     * What must exist before anything in the task subnets can reach out: their default routes (to
     * the NAT or internet gateway) and the VPC endpoints. Services and capacity depend on it, so the
     * first task never starts before it can pull its image (CDK's `internetConnectivityEstablished`).
     */
    readonly outboundReady: pulumi.Resource[];
    /** The zones of the task subnets, in order. */
    readonly availabilityZones: pulumi.Output<string[]>;
    /** The public subnets, where an internet-facing load balancer goes (none for a network without them). */
    readonly publicSubnetIds?: pulumi.Output<string[]>;
    /**
     * What must exist before the public subnets reach the internet: the internet gateway's default
     * route and the subnets' associations. AWS refuses an internet-facing load balancer in a VPC
     * with no internet gateway, so the load balancer waits for these.
     */
    readonly publicReady?: pulumi.Resource[];
}
