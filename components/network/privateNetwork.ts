import { componentLabel } from "../planError";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NetworkArgs } from "./args";
import { nameTags } from "../tags";
import { NatStrategy, networkFacts, planPrivateNetwork } from "./plan";
import { EcsNetwork } from "./shape";
import { createPublicTier, createVpc, lookUpZones, PublicTier } from "./vpcBase";
import { createVpcEndpoints, VpcEndpoints } from "./endpoints";

export interface PrivateSubnetNetworkArgs extends NetworkArgs {
    /**
     * `OnePerAz`: a NAT gateway in every zone, each private subnet routes to its own zone's NAT.
     * `Single`: one NAT in the first zone for all (cheaper, no zone redundancy).
     * `None`: no outbound internet (pair it with `vpcEndpoints`).
     * @default "OnePerAz"
     */
    natStrategy?: NatStrategy;
    /** One CIDR per zone for the private task subnets. @default /(p+3) blocks, AZ i in block i */
    privateSubnetCidrs?: string[];
    /** One CIDR per NAT gateway for the public subnets that hold them. @default /(p+6) blocks in the last /(p+3) */
    publicSubnetCidrs?: string[];
    /**
     * Endpoints that keep image pulls and logs off the NAT: an S3 gateway endpoint on the private
     * route tables, and interface endpoints for ecr.api, ecr.dkr and logs in the private subnets,
     * with private DNS and a security group that admits 443 from the VPC CIDR only.
     * @default false
     */
    vpcEndpoints?: boolean;
    /**
     * More interface endpoint services (`ssmmessages`, `secretsmanager`, `ecs-agent`, ...), for what
     * tasks and instances call when there is no NAT. Turns the endpoints on. @default []
     */
    interfaceEndpoints?: string[];
    /**
     * A public subnet in every zone, not only where a NAT gateway sits, for an internet-facing load
     * balancer (which needs two zones). Tasks stay in the private subnets. @default false
     */
    publicSubnetsInEveryAz?: boolean;
}

/**
 * The private pattern: private task subnets with no public IPs, outbound through NAT gateways
 * that sit (with their Elastic IPs) in small public subnets that hold nothing else.
 */
export class PrivateSubnetNetwork extends pulumi.ComponentResource implements EcsNetwork {
    /** Always `private`. */
    readonly pattern = "private" as const;
    /** Never: tasks run in private subnets. */
    readonly tasksGetPublicIp = false;
    /** Never: EC2 instances launch in private subnets. */
    readonly hostsGetPublicIp = false;
    /** `OnePerAz`, `Single` or `None`, as planned. */
    readonly natStrategy: NatStrategy;
    /** How many private (task) subnets: one per zone. */
    readonly taskSubnetCount: number;
    /** The VPC, DNS support and hostnames on. */
    readonly vpc: aws.ec2.Vpc;
    /** The VPC's id. */
    readonly vpcId: pulumi.Output<string>;
    /** The VPC's IPv4 block. */
    readonly vpcCidr: pulumi.Output<string>;
    /** The internet gateway the NAT gateways use; none with natStrategy None. */
    readonly internetGateway?: aws.ec2.InternetGateway;
    /** The small public subnets that hold the NAT gateways (and with publicSubnetsInEveryAz, a load balancer). */
    readonly publicSubnets: aws.ec2.Subnet[];
    /** The public subnets' ids. */
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** In how many zones there are public subnets. */
    readonly publicSubnetAzCount: number;
    /** The prefix length of the smallest public subnet (a load balancer needs /27 or larger). */
    readonly publicSubnetPrefix?: number;
    /** The VPC's prefix length. */
    readonly vpcPrefix?: number;
    /** The internet gateway's default route and the public subnets' associations (none without public subnets). */
    readonly publicReady: pulumi.Resource[];
    /** The private subnets tasks run in, one per zone, no public IPs. */
    readonly privateSubnets: aws.ec2.Subnet[];
    /** The private subnets' ids. */
    readonly privateSubnetIds: pulumi.Output<string[]>;
    /** One route table per private subnet, its default route to the NAT its zone uses. */
    readonly privateRouteTables: aws.ec2.RouteTable[];
    /** The NAT gateways: one per zone (OnePerAz), one (Single) or none. */
    readonly natGateways: aws.ec2.NatGateway[];
    /** The NAT gateways' Elastic IPs (what the internet sees of outbound traffic). */
    readonly natElasticIps: aws.ec2.Eip[];
    /** The VPC endpoints, when vpcEndpoints or interfaceEndpoints asks for them. */
    readonly endpoints?: VpcEndpoints;
    /** Whether the private subnets route to the internet (through a NAT). */
    readonly outboundInternet: boolean;
    /** The services the VPC has endpoints for (`s3`, `ecr.api`, ...). */
    readonly vpcEndpointServices: readonly string[];
    /** The routes and endpoints tasks need before they can reach out. */
    readonly outboundReady: pulumi.Resource[];
    /** Where tasks run: the private subnets' ids. */
    readonly taskSubnetIds: pulumi.Output<string[]>;
    /** The zones, checked against the Region's at deploy time. */
    readonly availabilityZones: pulumi.Output<string[]>;

    constructor(
        name: string,
        args: PrivateSubnetNetworkArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        const label = componentLabel("PrivateSubnetNetwork", name);
        const plan = planPrivateNetwork(label, args);
        super("ecsnet:network:PrivateSubnetNetwork", name, {}, opts);
        this.natStrategy = plan.natStrategy!;

        this.availabilityZones = lookUpZones(this, label, plan);
        this.vpc = createVpc(this, name, plan, this.availabilityZones, args.tags);

        let tier: PublicTier | undefined;
        if (plan.internetGateway) {
            // Public subnets map no public IPs: only NAT gateways (and a load balancer) belong there.
            tier = createPublicTier(
                this,
                name,
                this.vpc,
                plan.publicSubnets,
                this.availabilityZones,
                {
                    mapPublicIpOnLaunch: false,
                    tier: args.publicSubnetsInEveryAz ? "public" : "nat",
                    tags: args.tags,
                },
            );
        }
        this.internetGateway = tier?.internetGateway;
        this.publicSubnets = tier?.subnets ?? [];
        this.publicSubnetIds = pulumi.all(this.publicSubnets.map((s) => s.id));
        const facts = networkFacts(plan);
        this.publicSubnetAzCount = facts.publicSubnetAzCount ?? 0;
        this.publicSubnetPrefix = facts.publicSubnetPrefix;
        this.vpcPrefix = facts.vpcPrefix;
        this.publicReady = tier ? [tier.defaultRoute, ...tier.associations] : [];

        // Named by zone, so moving between Single and OnePerAz adds or removes gateways, never renames one.
        const natPairs = plan.natGateways.map((nat) => {
            const natName = `${name}-nat-${nat.az}`;
            const eip = new aws.ec2.Eip(
                `${natName}-eip`,
                { domain: "vpc", tags: nameTags(`${natName}-eip`, args.tags) },
                // AWS needs the internet gateway before the address can be used for a NAT.
                { parent: this, dependsOn: [tier!.internetGateway] },
            );
            const natGateway = new aws.ec2.NatGateway(
                natName,
                {
                    allocationId: eip.allocationId,
                    subnetId: this.publicSubnets[nat.publicSubnet].id,
                    connectivityType: "public",
                    tags: nameTags(natName, args.tags),
                },
                { parent: this, dependsOn: [tier!.defaultRoute] },
            );
            return { eip, natGateway };
        });
        this.natElasticIps = natPairs.map((p) => p.eip);
        this.natGateways = natPairs.map((p) => p.natGateway);

        const privates = plan.privateSubnets.map((s) => {
            const subnetName = `${name}-private-${s.az}`;
            const subnet = new aws.ec2.Subnet(
                subnetName,
                {
                    vpcId: this.vpc.id,
                    cidrBlock: s.cidr,
                    availabilityZone: this.availabilityZones.apply((z) => z[s.az]),
                    mapPublicIpOnLaunch: false,
                    tags: { ...nameTags(subnetName, args.tags), "ecsnet:tier": "private" },
                },
                { parent: this },
            );
            // One route table per private subnet, in every strategy, so moving between Single and
            // OnePerAz only changes routes, never replaces subnets or tables.
            const routeTable = new aws.ec2.RouteTable(
                `${subnetName}-rt`,
                { vpcId: this.vpc.id, tags: nameTags(`${subnetName}-rt`, args.tags) },
                { parent: this },
            );
            const association = new aws.ec2.RouteTableAssociation(
                `${subnetName}-rta`,
                { subnetId: subnet.id, routeTableId: routeTable.id },
                { parent: this },
            );
            const defaultRoute =
                s.nat === undefined
                    ? undefined
                    : new aws.ec2.Route(
                          `${subnetName}-default`,
                          {
                              routeTableId: routeTable.id,
                              destinationCidrBlock: "0.0.0.0/0",
                              natGatewayId: this.natGateways[s.nat].id,
                          },
                          { parent: this },
                      );
            return {
                subnet,
                routeTable,
                ready: [association, ...(defaultRoute ? [defaultRoute] : [])],
            };
        });
        this.privateSubnets = privates.map((p) => p.subnet);
        this.privateRouteTables = privates.map((p) => p.routeTable);
        this.privateSubnetIds = pulumi.all(this.privateSubnets.map((s) => s.id));
        this.taskSubnetIds = this.privateSubnetIds;
        this.taskSubnetCount = this.privateSubnets.length;
        this.vpcId = this.vpc.id;
        this.vpcCidr = this.vpc.cidrBlock;

        if (plan.vpcEndpoints) {
            this.endpoints = createVpcEndpoints(this, name, {
                vpc: this.vpc,
                subnetIds: this.privateSubnetIds,
                routeTableIds: this.privateRouteTables.map((t) => t.id),
                extraServices: plan.interfaceEndpoints,
                tags: args.tags,
            });
        }
        this.outboundInternet = facts.outboundInternet;
        this.vpcEndpointServices = this.endpoints?.services ?? [];
        this.outboundReady = [
            ...privates.flatMap((p) => p.ready),
            ...(this.endpoints
                ? [this.endpoints.s3, ...Object.values(this.endpoints.interfaces)]
                : []),
        ];

        this.registerOutputs({
            pattern: this.pattern,
            tasksGetPublicIp: this.tasksGetPublicIp,
            hostsGetPublicIp: this.hostsGetPublicIp,
            natStrategy: this.natStrategy,
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            internetGatewayId: this.internetGateway?.id,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            privateRouteTableIds: pulumi.all(this.privateRouteTables.map((t) => t.id)),
            natGatewayIds: pulumi.all(this.natGateways.map((n) => n.id)),
            natPublicIps: pulumi.all(this.natElasticIps.map((e) => e.publicIp)),
            endpointIds: this.endpoints?.ids,
            outboundInternet: this.outboundInternet,
            vpcEndpointServices: this.vpcEndpointServices,
            taskSubnetIds: this.taskSubnetIds,
            availabilityZones: this.availabilityZones,
        });
    }
}
