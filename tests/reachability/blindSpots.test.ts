/**
 * What a reachability analysis misses when it reads a network the way most tools do, each written as
 * another team would write it in raw `@pulumi/aws` and planned as a first preview and after up:
 * - a default route added to the VPC's main route table through `vpc.mainRouteTableId`;
 * - subnets and prefix lists outside the stack (their routes and entries cannot be read: unknown);
 * - a route table with both `0.0.0.0/0` and `::/0`, each to its own target;
 * - a dual-stack subnet's IPv6 address, reachable with no public IPv4;
 * - listener rules in priority order: a catch-all ahead of a path rule shadows it.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { Mode } from "../../offline/engine/runtime";
import { reachabilityOf } from "../../offline/reports/report";
import { ReachabilityEntry } from "../../policies/model/reachability";
import { engineViewOf } from "../support/helpers";

async function analyze(mode: Mode, build: () => void): Promise<Record<string, ReachabilityEntry>> {
    const resources = await engineViewOf(mode, build);
    return Object.fromEntries(reachabilityOf(resources).map((e) => [`${e.service}:${e.port}`, e]));
}

/** A Fargate service on port 443 in `subnets`, its group admitting `ingress`. */
function service(
    name: string,
    vpc: aws.ec2.Vpc,
    subnets: unknown[],
    ingress: aws.types.input.ec2.SecurityGroupIngress[],
    assignPublicIp: boolean,
    extra: Partial<aws.ecs.ServiceArgs> = {},
    port = 443,
): aws.ec2.SecurityGroup {
    const group = new aws.ec2.SecurityGroup(`${name}-sg`, {
        vpcId: vpc.id,
        ingress,
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    });
    const task = new aws.ecs.TaskDefinition(name, {
        family: name,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: "256",
        memory: "512",
        containerDefinitions: JSON.stringify([
            { name, image: "x", portMappings: [{ containerPort: port, protocol: "tcp" }] },
        ]),
    });
    new aws.ecs.Service(name, {
        taskDefinition: task.arn,
        launchType: "FARGATE",
        networkConfiguration: {
            subnets: subnets as any,
            securityGroups: [group.id],
            assignPublicIp,
        },
        ...extra,
    });
    return group;
}

const open443 = [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }];

describe("reachability: the blind spots, in raw @pulumi/aws as other teams write it", () => {
    for (const mode of ["preview", "after-up"] as const) {
        it(`follows a default route added through vpc.mainRouteTableId to the subnets that use the main table (${mode})`, async () => {
            const found = await analyze(mode, () => {
                const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
                const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
                new aws.ec2.Route("main-default", {
                    routeTableId: vpc.mainRouteTableId,
                    destinationCidrBlock: "0.0.0.0/0",
                    gatewayId: igw.id,
                });
                const subnet = new aws.ec2.Subnet("web", {
                    vpcId: vpc.id,
                    cidrBlock: "10.0.0.0/24",
                });
                service("web", vpc, [subnet.id], open443, true);
            });
            assert.deepStrictEqual(found["web:443"].internetPaths, [
                [
                    'internet gateway "igw"',
                    'route table "vpc main"',
                    'subnet "web"',
                    "public IP (networkConfiguration.assignPublicIp)",
                    'security group "web-sg" ingress[0]',
                ],
            ]);
        });

        it(`says unknown, never no, for subnets and prefix lists outside the stack (${mode})`, async () => {
            const found = await analyze(mode, () => {
                const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
                service("adopted", vpc, ["subnet-0123456789abcdef0"], open443, true);
                const subnet = new aws.ec2.Subnet("public", {
                    vpcId: vpc.id,
                    cidrBlock: "10.0.0.0/24",
                });
                const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
                const table = new aws.ec2.RouteTable("rt", {
                    vpcId: vpc.id,
                    routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
                });
                new aws.ec2.RouteTableAssociation("rta", {
                    subnetId: subnet.id,
                    routeTableId: table.id,
                });
                service(
                    "listed",
                    vpc,
                    [subnet.id],
                    [
                        {
                            protocol: "tcp",
                            fromPort: 443,
                            toPort: 443,
                            prefixListIds: ["pl-0123456789abcdef0"],
                        },
                    ],
                    true,
                );
            });
            assert.deepStrictEqual(
                [found["adopted:443"].fromInternet, found["adopted:443"].unknowns],
                ["unknown", ["the routes of subnet subnet-0123456789abcdef0, outside this stack"]],
            );
            assert.deepStrictEqual(
                [found["listed:443"].fromInternet, found["listed:443"].unknowns],
                [
                    "unknown",
                    ["the entries of prefix list pl-0123456789abcdef0, outside this stack"],
                ],
            );
        });

        it(`keeps a table's IPv4 and IPv6 default routes apart, and finds a dual-stack task reachable over IPv6 with no public IPv4 (${mode})`, async () => {
            const found = await analyze(mode, () => {
                const vpc = new aws.ec2.Vpc("vpc", {
                    cidrBlock: "10.0.0.0/16",
                    assignGeneratedIpv6CidrBlock: true,
                });
                const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
                const publicSubnet = new aws.ec2.Subnet("nat-home", {
                    vpcId: vpc.id,
                    cidrBlock: "10.0.0.0/24",
                });
                const outside = new aws.ec2.RouteTable("nat-home", {
                    vpcId: vpc.id,
                    routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
                });
                new aws.ec2.RouteTableAssociation("nat-home", {
                    subnetId: publicSubnet.id,
                    routeTableId: outside.id,
                });
                const nat = new aws.ec2.NatGateway("nat", {
                    subnetId: publicSubnet.id,
                    allocationId: new aws.ec2.Eip("nat-ip", { domain: "vpc" }).id,
                });
                const table = new aws.ec2.RouteTable("dual", {
                    vpcId: vpc.id,
                    routes: [
                        { cidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
                        { ipv6CidrBlock: "::/0", gatewayId: igw.id },
                    ],
                });
                const subnet = new aws.ec2.Subnet("dual", {
                    vpcId: vpc.id,
                    cidrBlock: "10.0.1.0/24",
                    ipv6CidrBlock: "2600:1f18:0:100::/64",
                    assignIpv6AddressOnCreation: true,
                });
                new aws.ec2.RouteTableAssociation("dual", {
                    subnetId: subnet.id,
                    routeTableId: table.id,
                });
                service(
                    "api",
                    vpc,
                    [subnet.id],
                    [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] }],
                    false,
                );
            });
            const api = found["api:443"];
            assert.deepStrictEqual(
                [api.fromInternet, api.egress, api.internetPaths],
                [
                    true,
                    "nat",
                    [
                        [
                            'internet gateway "igw"',
                            'route table "dual"',
                            'subnet "dual"',
                            'IPv6 address (subnet "dual" assigns one on creation)',
                            'security group "api-sg" ingress[0]',
                        ],
                    ],
                ],
            );
        });

        it(`takes listener rules in priority order: a catch-all ahead of a path rule shadows it and the default action (${mode})`, async () => {
            const found = await analyze(mode, () => {
                const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
                const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
                const table = new aws.ec2.RouteTable("rt", {
                    vpcId: vpc.id,
                    routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
                });
                const subnets = ["a", "b"].map((z, i) => {
                    const s = new aws.ec2.Subnet(`public-${z}`, {
                        vpcId: vpc.id,
                        cidrBlock: `10.0.${i}.0/24`,
                    });
                    new aws.ec2.RouteTableAssociation(`public-${z}`, {
                        subnetId: s.id,
                        routeTableId: table.id,
                    });
                    return s;
                });
                const lbGroup = new aws.ec2.SecurityGroup("lb-sg", {
                    vpcId: vpc.id,
                    ingress: open443,
                });
                const lb = new aws.lb.LoadBalancer("edge", {
                    subnets: subnets.map((s) => s.id),
                    securityGroups: [lbGroup.id],
                });
                const listener = new aws.lb.Listener("https", {
                    loadBalancerArn: lb.arn,
                    port: 443,
                    protocol: "HTTPS",
                    certificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/x",
                    defaultActions: [
                        {
                            type: "fixed-response",
                            fixedResponse: { contentType: "text/plain", statusCode: "404" },
                        },
                    ],
                });
                const fromLb = [
                    { protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: [lbGroup.id] },
                ];
                for (const [name, priority, path] of [
                    ["everything", 1, "/*"],
                    ["admin", 10, "/admin/*"],
                ] as const) {
                    const tg = new aws.lb.TargetGroup(name, {
                        port: 8080,
                        protocol: "HTTP",
                        targetType: "ip",
                        vpcId: vpc.id,
                    });
                    new aws.lb.ListenerRule(name, {
                        listenerArn: listener.arn,
                        priority,
                        actions: [{ type: "forward", targetGroupArn: tg.arn }],
                        conditions: [{ pathPattern: { values: [path] } }],
                    });
                    service(
                        name,
                        vpc,
                        [subnets[0].id],
                        fromLb as any,
                        false,
                        {
                            loadBalancers: [
                                {
                                    targetGroupArn: tg.arn,
                                    containerName: name,
                                    containerPort: 8080,
                                },
                            ],
                        },
                        8080,
                    );
                }
            });
            assert.deepStrictEqual(
                [found["everything:8080"].fromInternet, found["admin:8080"].fromInternet],
                [true, false],
            );
        });
    }
});
