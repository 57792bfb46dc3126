/**
 * Small VPC topologies for the reachability tests: a plain description, and the resources a Pulumi
 * program would register for it (aws types, ids known as after up, property dependencies as the
 * engine records them). The brute-force oracle reads the description; the analysis reads the resources.
 */
export interface Rule {
    protocol: "tcp" | "udp" | "-1";
    from: number;
    to: number;
    cidr?: string;
    /** Another group of the topology, by index. */
    group?: number;
}
export interface AclRule {
    number: number;
    allow: boolean;
    protocol: "tcp" | "udp" | "-1";
    from: number;
    to: number;
    cidr: string;
}
export interface Topology {
    subnets: { route: "igw" | "nat" | "none"; acl?: { inbound: AclRule[]; outbound: AclRule[] } }[];
    /** The NAT gateway's subnet (when some subnet routes to it). */
    natSubnet: number;
    groups: { ingress: Rule[]; egressAll: boolean }[];
    services: {
        subnet: number;
        group: number;
        publicIp: boolean;
        port: number;
        protocol: "tcp" | "udp";
    }[];
}

export const subnetCidr = (i: number) => `10.${i}.0.0/16`;

type R = {
    urn: string;
    type: string;
    name: string;
    props: Record<string, any>;
    propertyDependencies: Record<string, R[]>;
};

export function resourcesOf(t: Topology): R[] {
    const out: R[] = [];
    const add = (
        type: string,
        name: string,
        props: Record<string, any>,
        deps: Record<string, R[]> = {},
    ): R => {
        const r = {
            urn: `urn:pulumi:t::p::${type}::${name}`,
            type,
            name,
            props,
            propertyDependencies: deps,
        };
        out.push(r);
        return r;
    };
    const vpc = add("aws:ec2/vpc:Vpc", "vpc", { id: "vpc-1", cidrBlock: "10.0.0.0/8" });
    const igw = add(
        "aws:ec2/internetGateway:InternetGateway",
        "igw",
        { id: "igw-1", vpcId: "vpc-1" },
        { vpcId: [vpc] },
    );
    const subnets = t.subnets.map((_, i) =>
        add(
            "aws:ec2/subnet:Subnet",
            `subnet-${i}`,
            {
                id: `subnet-${i}`,
                vpcId: "vpc-1",
                cidrBlock: subnetCidr(i),
                availabilityZone: `us-east-1${"abc"[i % 3]}`,
            },
            { vpcId: [vpc] },
        ),
    );
    const nat = add(
        "aws:ec2/natGateway:NatGateway",
        "nat",
        { id: "nat-1", subnetId: `subnet-${t.natSubnet}`, connectivityType: "public" },
        { subnetId: [subnets[t.natSubnet]] },
    );
    t.subnets.forEach((s, i) => {
        const table = add(
            "aws:ec2/routeTable:RouteTable",
            `rt-${i}`,
            { id: `rtb-${i}`, vpcId: "vpc-1" },
            { vpcId: [vpc] },
        );
        add(
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            `rta-${i}`,
            { subnetId: `subnet-${i}`, routeTableId: `rtb-${i}` },
            { subnetId: [subnets[i]], routeTableId: [table] },
        );
        if (s.route !== "none") {
            const target = s.route === "igw" ? { gatewayId: "igw-1" } : { natGatewayId: "nat-1" };
            add(
                "aws:ec2/route:Route",
                `default-${i}`,
                { routeTableId: `rtb-${i}`, destinationCidrBlock: "0.0.0.0/0", ...target },
                {
                    routeTableId: [table],
                    ...(s.route === "igw" ? { gatewayId: [igw] } : { natGatewayId: [nat] }),
                },
            );
        }
        if (s.acl) {
            const entry = (r: AclRule) => ({
                ruleNo: r.number,
                action: r.allow ? "allow" : "deny",
                protocol: r.protocol,
                fromPort: r.from,
                toPort: r.to,
                cidrBlock: r.cidr,
            });
            add(
                "aws:ec2/networkAcl:NetworkAcl",
                `acl-${i}`,
                {
                    id: `acl-${i}`,
                    vpcId: "vpc-1",
                    subnetIds: [`subnet-${i}`],
                    ingress: s.acl.inbound.map(entry),
                    egress: s.acl.outbound.map(entry),
                },
                { vpcId: [vpc], subnetIds: [subnets[i]] },
            );
        }
    });
    const groups = t.groups.map((g, i) =>
        add(
            "aws:ec2/securityGroup:SecurityGroup",
            `sg-${i}`,
            {
                id: `sg-${i}`,
                vpcId: "vpc-1",
                ingress: g.ingress.map((r) => ({
                    protocol: r.protocol,
                    fromPort: r.from,
                    toPort: r.to,
                    cidrBlocks: r.cidr ? [r.cidr] : [],
                    securityGroups: r.group === undefined ? [] : [`sg-${r.group}`],
                })),
                egress: g.egressAll
                    ? [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]
                    : [],
            },
            { vpcId: [vpc] },
        ),
    );
    t.services.forEach((s, i) => {
        const td = add("aws:ecs/taskDefinition:TaskDefinition", `td-${i}`, {
            family: `svc-${i}`,
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            containerDefinitions: JSON.stringify([
                {
                    name: `svc-${i}`,
                    portMappings: [
                        { name: `svc-${i}`, containerPort: s.port, protocol: s.protocol },
                    ],
                },
            ]),
        });
        add(
            "aws:ecs/service:Service",
            `svc-${i}`,
            {
                launchType: "FARGATE",
                taskDefinition: `arn:td-${i}`,
                networkConfiguration: {
                    subnets: [`subnet-${s.subnet}`],
                    securityGroups: [`sg-${s.group}`],
                    assignPublicIp: s.publicIp,
                },
            },
            { taskDefinition: [td], networkConfiguration: [subnets[s.subnet], groups[s.group]] },
        );
    });
    return out;
}
