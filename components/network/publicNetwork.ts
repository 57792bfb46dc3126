import { componentLabel } from "../planError";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NetworkArgs } from "./args";
import { networkFacts, planPublicNetwork } from "./plan";
import { EcsNetwork } from "./shape";
import { createPublicTier, createVpc, lookUpZones } from "./vpcBase";

export interface PublicSubnetNetworkArgs extends NetworkArgs {
    /** One CIDR per zone for the public subnets. @default /(p+3) blocks of the VPC, AZ i in block i */
    publicSubnetCidrs?: string[];
}

/**
 * The public pattern: a VPC, an internet gateway, one public subnet per zone (hosts launched there
 * get public IPs) and a route table sending 0.0.0.0/0 to the gateway. Tasks placed here get
 * public IPs. It creates no ingress rule of any kind: what a service exposes is its own choice.
 */
export class PublicSubnetNetwork extends pulumi.ComponentResource implements EcsNetwork {
    /** Always `public`. */
    readonly pattern = "public" as const;
    /** Always: Fargate tasks get a public IP (`assignPublicIp`). */
    readonly tasksGetPublicIp = true;
    /** Always: the subnets map public IPs on launch. */
    readonly hostsGetPublicIp = true;
    /** Always: through the internet gateway. */
    readonly outboundInternet = true;
    /** None: tasks reach AWS APIs through the internet gateway. */
    readonly vpcEndpointServices: readonly string[] = [];
    /** The default route and subnet associations tasks need before they can reach out. */
    readonly outboundReady: pulumi.Resource[];
    /** How many public (task) subnets: one per zone. */
    readonly taskSubnetCount: number;
    /** The VPC, DNS support and hostnames on. */
    readonly vpc: aws.ec2.Vpc;
    /** The VPC's id. */
    readonly vpcId: pulumi.Output<string>;
    /** The VPC's IPv4 block. */
    readonly vpcCidr: pulumi.Output<string>;
    /** The internet gateway. */
    readonly internetGateway: aws.ec2.InternetGateway;
    /** The public subnets, one per zone; instances launched there get public IPs. */
    readonly publicSubnets: aws.ec2.Subnet[];
    /** The public subnets' ids. */
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** In how many zones there are public subnets: all of them. */
    readonly publicSubnetAzCount: number;
    /** The prefix length of the smallest public subnet (a load balancer needs /27 or larger). */
    readonly publicSubnetPrefix?: number;
    /** The VPC's prefix length. */
    readonly vpcPrefix?: number;
    /** The internet gateway's default route and the subnets' associations. */
    readonly publicReady: pulumi.Resource[];
    /** The route table sending 0.0.0.0/0 to the internet gateway. */
    readonly publicRouteTable: aws.ec2.RouteTable;
    /** Where tasks run: the public subnets' ids. */
    readonly taskSubnetIds: pulumi.Output<string[]>;
    /** The zones, checked against the Region's at deploy time. */
    readonly availabilityZones: pulumi.Output<string[]>;

    constructor(
        name: string,
        args: PublicSubnetNetworkArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        const label = componentLabel("PublicSubnetNetwork", name);
        const plan = planPublicNetwork(label, args);
        super("ecsnet:network:PublicSubnetNetwork", name, {}, opts);

        this.availabilityZones = lookUpZones(this, label, plan);
        this.vpc = createVpc(this, name, plan, this.availabilityZones, args.tags);
        const tier = createPublicTier(
            this,
            name,
            this.vpc,
            plan.publicSubnets,
            this.availabilityZones,
            {
                mapPublicIpOnLaunch: true,
                tier: "public",
                tags: args.tags,
            },
        );
        this.vpcId = this.vpc.id;
        this.vpcCidr = this.vpc.cidrBlock;
        this.internetGateway = tier.internetGateway;
        this.publicSubnets = tier.subnets;
        this.publicSubnetIds = pulumi.all(tier.subnets.map((s) => s.id));
        this.publicSubnetAzCount = plan.azCount;
        ({ publicSubnetPrefix: this.publicSubnetPrefix, vpcPrefix: this.vpcPrefix } =
            networkFacts(plan));
        this.publicRouteTable = tier.routeTable;
        this.taskSubnetIds = this.publicSubnetIds;
        this.taskSubnetCount = tier.subnets.length;
        this.outboundReady = [tier.defaultRoute, ...tier.associations];
        this.publicReady = this.outboundReady;

        this.registerOutputs({
            pattern: this.pattern,
            tasksGetPublicIp: this.tasksGetPublicIp,
            hostsGetPublicIp: this.hostsGetPublicIp,
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            internetGatewayId: this.internetGateway.id,
            publicSubnetIds: this.publicSubnetIds,
            publicRouteTableId: this.publicRouteTable.id,
            taskSubnetIds: this.taskSubnetIds,
            availabilityZones: this.availabilityZones,
        });
    }
}
