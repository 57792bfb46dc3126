import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NetworkArgs } from "./args";
import { planPublicNetwork } from "./plan";
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
    readonly pattern = "public" as const;
    readonly tasksGetPublicIp = true;
    readonly hostsGetPublicIp = true;
    readonly outboundInternet = true;
    readonly vpcEndpointServices: readonly string[] = [];
    readonly outboundReady: pulumi.Resource[];
    readonly taskSubnetCount: number;
    readonly vpc: aws.ec2.Vpc;
    readonly vpcId: pulumi.Output<string>;
    readonly vpcCidr: pulumi.Output<string>;
    readonly internetGateway: aws.ec2.InternetGateway;
    readonly publicSubnets: aws.ec2.Subnet[];
    readonly publicSubnetIds: pulumi.Output<string[]>;
    readonly publicRouteTable: aws.ec2.RouteTable;
    readonly taskSubnetIds: pulumi.Output<string[]>;
    readonly availabilityZones: pulumi.Output<string[]>;

    constructor(name: string, args: PublicSubnetNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        const label = `PublicSubnetNetwork "${name}"`;
        const plan = planPublicNetwork(label, args);
        super("ecsnet:network:PublicSubnetNetwork", name, {}, opts);

        this.availabilityZones = lookUpZones(this, label, plan);
        this.vpc = createVpc(this, name, plan, this.availabilityZones, args.tags);
        const tier = createPublicTier(this, name, this.vpc, plan.publicSubnets, this.availabilityZones, {
            mapPublicIpOnLaunch: true,
            tier: "public",
            tags: args.tags,
        });
        this.vpcId = this.vpc.id;
        this.vpcCidr = this.vpc.cidrBlock;
        this.internetGateway = tier.internetGateway;
        this.publicSubnets = tier.subnets;
        this.publicSubnetIds = pulumi.all(tier.subnets.map((s) => s.id));
        this.publicRouteTable = tier.routeTable;
        this.taskSubnetIds = this.publicSubnetIds;
        this.taskSubnetCount = tier.subnets.length;
        this.outboundReady = [tier.defaultRoute, ...tier.associations];

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
