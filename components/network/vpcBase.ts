/**
 * The pieces both patterns share: the VPC gated on validated zones, and a public tier (internet
 * gateway, public subnets, one route table sending 0.0.0.0/0 to the gateway).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../tags";
import { NetworkPlan, NetworkPlanError, resolveAvailabilityZones, SubnetPlan } from "./plan";

/**
 * The zones the plan asks for, checked against the region's available zones at deploy time. A
 * zone the region does not offer becomes a `ResourceError` naming the component.
 */
export function lookUpZones(
    parent: pulumi.Resource,
    label: string,
    plan: NetworkPlan,
): pulumi.Output<string[]> {
    const region = aws.getAvailabilityZonesOutput({ state: "available" }, { parent });
    return region.apply((r) => {
        try {
            return resolveAvailabilityZones(label, plan.azs, r.names, r.region);
        } catch (e) {
            if (e instanceof NetworkPlanError) {
                throw new pulumi.ResourceError(e.message, parent);
            }
            throw e;
        }
    });
}

/**
 * The VPC, with DNS support and hostnames on (Service Connect, private DNS endpoints and ECS
 * Exec need both). Its CIDR input waits for the zone check, so a bad zone stops everything
 * before AWS sees a single call: every other child hangs off the VPC's id.
 */
export function createVpc(
    parent: pulumi.Resource,
    name: string,
    plan: NetworkPlan,
    zones: pulumi.Output<string[]>,
    tags: Record<string, string> | undefined,
): aws.ec2.Vpc {
    return new aws.ec2.Vpc(
        `${name}-vpc`,
        {
            cidrBlock: zones.apply(() => plan.vpcCidr),
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: nameTags(`${name}-vpc`, tags),
        },
        { parent },
    );
}

export interface PublicTier {
    readonly internetGateway: aws.ec2.InternetGateway;
    readonly subnets: aws.ec2.Subnet[];
    readonly routeTable: aws.ec2.RouteTable;
    readonly defaultRoute: aws.ec2.Route;
    readonly associations: aws.ec2.RouteTableAssociation[];
}

export function createPublicTier(
    parent: pulumi.Resource,
    name: string,
    vpc: aws.ec2.Vpc,
    subnets: SubnetPlan[],
    zones: pulumi.Output<string[]>,
    opts: { mapPublicIpOnLaunch: boolean; tier: string; tags: Record<string, string> | undefined },
): PublicTier {
    const internetGateway = new aws.ec2.InternetGateway(
        `${name}-igw`,
        { vpcId: vpc.id, tags: nameTags(`${name}-igw`, opts.tags) },
        { parent },
    );
    const routeTable = new aws.ec2.RouteTable(
        `${name}-public-rt`,
        { vpcId: vpc.id, tags: nameTags(`${name}-public-rt`, opts.tags) },
        { parent },
    );
    const defaultRoute = new aws.ec2.Route(
        `${name}-public-default`,
        {
            routeTableId: routeTable.id,
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: internetGateway.id,
        },
        { parent },
    );
    const created = subnets.map((s) => {
        // Named for what it is, a public subnet, and its zone: never for a role it can lose or gain
        // (it holds a NAT gateway, a load balancer, or both). Until release 0.2 a private pattern's
        // public subnets were `<name>-nat-<zone>` while no load balancer shared them: the alias keeps
        // those live subnets (a new subnet with the same CIDR: InvalidSubnet.Conflict).
        const subnetName = `${name}-public-${s.az}`;
        const formerly = { aliases: [{ name: `${name}-nat-${s.az}` }] };
        const subnet = new aws.ec2.Subnet(
            subnetName,
            {
                vpcId: vpc.id,
                cidrBlock: s.cidr,
                availabilityZone: zones.apply((z) => z[s.az]),
                mapPublicIpOnLaunch: opts.mapPublicIpOnLaunch,
                tags: { ...nameTags(subnetName, opts.tags), "ecsnet:tier": opts.tier },
            },
            { parent, ...formerly },
        );
        const association = new aws.ec2.RouteTableAssociation(
            `${subnetName}-rta`,
            { subnetId: subnet.id, routeTableId: routeTable.id },
            { parent, aliases: [{ name: `${name}-nat-${s.az}-rta` }] },
        );
        return { subnet, association };
    });
    return {
        internetGateway,
        subnets: created.map((c) => c.subnet),
        routeTable,
        defaultRoute,
        associations: created.map((c) => c.association),
    };
}
