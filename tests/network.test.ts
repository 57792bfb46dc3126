import * as assert from "assert";
import { PrivateSubnetNetwork } from "../components/network/privateNetwork";
import { PublicSubnetNetwork } from "../components/network/publicNetwork";
import { networkFacts, planPrivateNetwork, planPublicNetwork } from "../components/network/plan";
import {
    byId,
    countsByType,
    ofType,
    one,
    registered,
    startRuntime,
    T,
    valueOf,
} from "./support/helpers";
import { Registration } from "../offline/engine/runtime";

/** The route table a subnet is associated with. */
function routeTableOf(regs: Registration[], subnet: Registration): Registration {
    const rtas = ofType(regs, T.rta).filter((a) => a.inputs.subnetId === subnet.id);
    assert.strictEqual(
        rtas.length,
        1,
        `subnet ${subnet.name} has ${rtas.length} route table associations`,
    );
    return byId(regs, rtas[0].inputs.routeTableId);
}

function defaultRoutesOf(regs: Registration[], table: Registration): Registration[] {
    return ofType(regs, T.route).filter(
        (r) => r.inputs.routeTableId === table.id && r.inputs.destinationCidrBlock === "0.0.0.0/0",
    );
}

describe("PublicSubnetNetwork", () => {
    for (const [azCount, expected] of [
        [1, { vpc: 1, igw: 1, rt: 1, route: 1, subnet: 1, rta: 1 }],
        [2, { vpc: 1, igw: 1, rt: 1, route: 1, subnet: 2, rta: 2 }],
        [3, { vpc: 1, igw: 1, rt: 1, route: 1, subnet: 3, rta: 3 }],
    ] as const) {
        it(`registers exactly the public tier for ${azCount} AZ(s) and nothing else`, async () => {
            const regs = await registered(() => new PublicSubnetNetwork("edge", { azCount }));
            assert.deepStrictEqual(countsByType(regs), {
                [T.vpc]: expected.vpc,
                [T.igw]: expected.igw,
                [T.routeTable]: expected.rt,
                [T.route]: expected.route,
                [T.subnet]: expected.subnet,
                [T.rta]: expected.rta,
            });
        });
    }

    it("routes every public subnet to the internet gateway and maps public IPs on launch", async () => {
        const regs = await registered(() => new PublicSubnetNetwork("edge", { azCount: 3 }));
        const igw = one(regs, T.igw, "edge-igw");
        const vpc = one(regs, T.vpc, "edge-vpc");
        assert.deepStrictEqual(vpc.inputs.enableDnsHostnames && vpc.inputs.enableDnsSupport, true);
        const subnets = ofType(regs, T.subnet);
        assert.deepStrictEqual(
            subnets.map((s) => s.inputs.availabilityZone),
            ["us-east-1a", "us-east-1b", "us-east-1c"],
        );
        for (const subnet of subnets) {
            assert.strictEqual(subnet.inputs.mapPublicIpOnLaunch, true);
            assert.strictEqual(subnet.inputs.vpcId, vpc.id);
            const routes = defaultRoutesOf(regs, routeTableOf(regs, subnet));
            assert.deepStrictEqual(
                routes.map((r) => r.inputs.gatewayId),
                [igw.id],
            );
        }
    });

    it("opens nothing: no security group and no ingress rule of any kind", async () => {
        const regs = await registered(() => new PublicSubnetNetwork("edge", { azCount: 2 }));
        assert.deepStrictEqual([...ofType(regs, T.sg), ...ofType(regs, T.ingress)], []);
    });

    it("parents every child on the component and tags it with its Name and the user's tags", async () => {
        const regs = await registered(
            () => new PublicSubnetNetwork("edge", { azCount: 2, tags: { team: "games" } }),
        );
        const component = regs.find((r) => r.type === "ecsnet:network:PublicSubnetNetwork")!;
        const children = regs.filter((r) => r.custom);
        assert.ok(children.length > 0);
        for (const child of children) {
            assert.strictEqual(
                child.parent,
                component.urn,
                `${child.name} is not parented on the component`,
            );
            assert.ok(
                child.name.startsWith("edge-"),
                `${child.name} does not derive from the component name`,
            );
            if (child.inputs.tags !== undefined) {
                assert.deepStrictEqual(child.inputs.tags.Name, child.name);
                assert.strictEqual(child.inputs.tags.team, "games");
            }
        }
    });

    it("exposes the network shape: public pattern, tasks get public IPs, the subnets tasks go in", async () => {
        await startRuntime();
        const net = new PublicSubnetNetwork("edge", { azCount: 2 });
        assert.strictEqual(net.pattern, "public");
        assert.strictEqual(net.tasksGetPublicIp, true);
        assert.strictEqual(net.taskSubnetCount, 2);
        assert.deepStrictEqual(await valueOf(net.taskSubnetIds), [
            "<subnet:edge-public-0>",
            "<subnet:edge-public-1>",
        ]);
        assert.deepStrictEqual(await valueOf(net.availabilityZones), ["us-east-1a", "us-east-1b"]);
    });
});

describe("PrivateSubnetNetwork", () => {
    const table: [string, number, Record<string, number>][] = [
        ["OnePerAz", 1, { vpc: 1, igw: 1, rt: 2, route: 2, subnet: 2, rta: 2, eip: 1, nat: 1 }],
        ["OnePerAz", 2, { vpc: 1, igw: 1, rt: 3, route: 3, subnet: 4, rta: 4, eip: 2, nat: 2 }],
        ["OnePerAz", 3, { vpc: 1, igw: 1, rt: 4, route: 4, subnet: 6, rta: 6, eip: 3, nat: 3 }],
        ["Single", 1, { vpc: 1, igw: 1, rt: 2, route: 2, subnet: 2, rta: 2, eip: 1, nat: 1 }],
        ["Single", 2, { vpc: 1, igw: 1, rt: 3, route: 3, subnet: 3, rta: 3, eip: 1, nat: 1 }],
        ["Single", 3, { vpc: 1, igw: 1, rt: 4, route: 4, subnet: 4, rta: 4, eip: 1, nat: 1 }],
        ["None", 1, { vpc: 1, rt: 1, subnet: 1, rta: 1 }],
        ["None", 2, { vpc: 1, rt: 2, subnet: 2, rta: 2 }],
        ["None", 3, { vpc: 1, rt: 3, subnet: 3, rta: 3 }],
    ];
    const key: Record<string, string> = {
        vpc: T.vpc,
        igw: T.igw,
        rt: T.routeTable,
        route: T.route,
        subnet: T.subnet,
        rta: T.rta,
        eip: T.eip,
        nat: T.nat,
    };
    for (const [strategy, azCount, expected] of table) {
        it(`registers the exact resources for natStrategy ${strategy} with ${azCount} AZ(s)`, async () => {
            const regs = await registered(
                () => new PrivateSubnetNetwork("core", { azCount, natStrategy: strategy as any }),
            );
            const want = Object.fromEntries(Object.entries(expected).map(([k, v]) => [key[k], v]));
            assert.deepStrictEqual(countsByType(regs), want);
        });
    }

    it("OnePerAz: the private subnet in AZ x routes to the NAT gateway in AZ x", async () => {
        const regs = await registered(
            () => new PrivateSubnetNetwork("core", { azCount: 3, natStrategy: "OnePerAz" }),
        );
        const privates = ofType(regs, T.subnet).filter(
            (s) => s.inputs.tags["ecsnet:tier"] === "private",
        );
        assert.strictEqual(privates.length, 3);
        const natIds = new Set<string>();
        for (const subnet of privates) {
            const [route] = defaultRoutesOf(regs, routeTableOf(regs, subnet));
            const nat = byId(regs, route.inputs.natGatewayId);
            const natSubnet = byId(regs, nat.inputs.subnetId);
            assert.strictEqual(natSubnet.inputs.availabilityZone, subnet.inputs.availabilityZone);
            natIds.add(nat.id!);
        }
        assert.strictEqual(natIds.size, 3);
    });

    it("Single: every private subnet routes to the one NAT gateway", async () => {
        const regs = await registered(
            () => new PrivateSubnetNetwork("core", { azCount: 3, natStrategy: "Single" }),
        );
        const [nat] = ofType(regs, T.nat);
        const privates = ofType(regs, T.subnet).filter(
            (s) => s.inputs.tags["ecsnet:tier"] === "private",
        );
        const targets = privates.map((s) =>
            defaultRoutesOf(regs, routeTableOf(regs, s)).map((r) => r.inputs.natGatewayId),
        );
        assert.deepStrictEqual(targets, [[nat.id], [nat.id], [nat.id]]);
    });

    it("places NAT gateways, with their Elastic IPs, in public subnets routed to the internet gateway", async () => {
        const regs = await registered(() => new PrivateSubnetNetwork("core", { azCount: 2 }));
        const igw = one(regs, T.igw, "core-igw");
        for (const nat of ofType(regs, T.nat)) {
            const subnet = byId(regs, nat.inputs.subnetId);
            assert.strictEqual(subnet.inputs.tags["ecsnet:tier"], "nat");
            assert.deepStrictEqual(
                defaultRoutesOf(regs, routeTableOf(regs, subnet)).map((r) => r.inputs.gatewayId),
                [igw.id],
            );
            const eip = ofType(regs, T.eip).find(
                (e) => nat.inputs.allocationId === `<eipalloc:${e.name}>`,
            );
            assert.ok(eip, `NAT ${nat.name} uses no Elastic IP of this network`);
            assert.strictEqual(eip.inputs.domain, "vpc");
            assert.ok(
                eip.dependencies.includes(igw.urn),
                "the Elastic IP must wait for the internet gateway",
            );
        }
    });

    it("maps no public IPs in any subnet: private subnets and NAT subnets alike", async () => {
        const regs = await registered(() => new PrivateSubnetNetwork("core", { azCount: 3 }));
        assert.deepStrictEqual(
            new Set(ofType(regs, T.subnet).map((s) => s.inputs.mapPublicIpOnLaunch)),
            new Set([false]),
        );
    });

    it("None: private subnets have no default route and there is no internet gateway", async () => {
        const regs = await registered(
            () =>
                new PrivateSubnetNetwork("core", {
                    azCount: 2,
                    natStrategy: "None",
                    vpcEndpoints: true,
                }),
        );
        assert.deepStrictEqual(ofType(regs, T.route), []);
        assert.deepStrictEqual(ofType(regs, T.igw), []);
    });

    it("vpcEndpoints: S3 gateway on the private route tables, ECR and logs interfaces in the private subnets", async () => {
        const regs = await registered(
            () =>
                new PrivateSubnetNetwork("core", {
                    azCount: 2,
                    natStrategy: "Single",
                    vpcEndpoints: true,
                }),
        );
        const privates = ofType(regs, T.subnet).filter(
            (s) => s.inputs.tags["ecsnet:tier"] === "private",
        );
        const privateTables = privates.map((s) => routeTableOf(regs, s).id);
        const endpoints = ofType(regs, T.endpoint);
        const s3 = endpoints.find((e) => e.inputs.vpcEndpointType === "Gateway")!;
        assert.strictEqual(s3.inputs.serviceName, "com.amazonaws.us-east-1.s3");
        assert.deepStrictEqual(s3.inputs.routeTableIds, privateTables);
        const sg = one(regs, T.sg, "core-vpce-sg");
        const interfaces = endpoints.filter((e) => e.inputs.vpcEndpointType === "Interface");
        assert.deepStrictEqual(interfaces.map((e) => e.inputs.serviceName).sort(), [
            "com.amazonaws.us-east-1.ecr.api",
            "com.amazonaws.us-east-1.ecr.dkr",
            "com.amazonaws.us-east-1.logs",
        ]);
        for (const e of interfaces) {
            assert.strictEqual(e.inputs.privateDnsEnabled, true);
            assert.deepStrictEqual(
                e.inputs.subnetIds,
                privates.map((s) => s.id),
            );
            assert.deepStrictEqual(e.inputs.securityGroupIds, [sg.id]);
        }
        const rules = ofType(regs, T.ingress).filter((r) => r.inputs.securityGroupId === sg.id);
        assert.deepStrictEqual(
            rules.map((r) => [
                r.inputs.ipProtocol,
                r.inputs.fromPort,
                r.inputs.toPort,
                r.inputs.cidrIpv4,
                r.inputs.cidrIpv6,
                r.inputs.referencedSecurityGroupId,
            ]),
            [["tcp", 443, 443, "10.0.0.0/16", undefined, undefined]],
        );
    });

    it("exposes the network shape: private pattern, no public IPs, the private subnets for tasks", async () => {
        await startRuntime();
        const net = new PrivateSubnetNetwork("core", { azCount: 2, natStrategy: "Single" });
        assert.strictEqual(net.pattern, "private");
        assert.strictEqual(net.tasksGetPublicIp, false);
        assert.deepStrictEqual(await valueOf(net.taskSubnetIds), [
            "<subnet:core-private-0>",
            "<subnet:core-private-1>",
        ]);
    });

    it("keeps existing subnets in place when an AZ is added", async () => {
        const two = await registered(() => new PrivateSubnetNetwork("core", { azCount: 2 }));
        const three = await registered(() => new PrivateSubnetNetwork("core", { azCount: 3 }));
        const cidrs = (regs: Registration[]) =>
            Object.fromEntries(ofType(regs, T.subnet).map((s) => [s.name, s.inputs.cidrBlock]));
        const before = cidrs(two);
        const after = cidrs(three);
        for (const [name, cidr] of Object.entries(before)) {
            assert.strictEqual(after[name], cidr, `${name} moved`);
        }
        assert.strictEqual(Object.keys(after).length, 6);
    });
});

describe("zone checks against the region at deploy time", () => {
    it("fails with a message naming the component and the region's zones, and creates no VPC", async () => {
        const runtime = await startRuntime("us-west-1");
        const net = new PrivateSubnetNetwork("core", { azCount: 3 });
        await assert.rejects(valueOf(net.availabilityZones), {
            message:
                'PrivateSubnetNetwork "core": azCount asks for 3 availability zones but us-west-1 has 2 (us-west-1a, us-west-1c); lower azCount or use another region.',
        });
        // The VPC's CIDR input waits on the zone check, so its registration never reaches the engine.
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepStrictEqual(
            runtime.registrations.map((r) => r.type),
            ["ecsnet:network:PrivateSubnetNetwork"],
        );
    });

    it("refuses zone names the region does not offer", async () => {
        await startRuntime("us-west-1");
        const net = new PublicSubnetNetwork("edge", {
            availabilityZones: ["us-west-1a", "us-west-1b"],
        });
        await assert.rejects(valueOf(net.availabilityZones), {
            message:
                'PublicSubnetNetwork "edge": availabilityZones names us-west-1b, which us-west-1 does not offer (available: us-west-1a, us-west-1c); list zones from that set.',
        });
    });
});

describe("the facts a network plan fixes", () => {
    // stack/plan.ts judges services against networkFacts(plan) before anything exists; the components
    // must expose exactly the same facts, or a stack could be planned against a network it does not get.
    const cases: [
        string,
        () => PublicSubnetNetwork | PrivateSubnetNetwork,
        () => ReturnType<typeof networkFacts>,
    ][] = [
        [
            "public, 3 zones",
            () => new PublicSubnetNetwork("a", { azCount: 3 }),
            () => networkFacts(planPublicNetwork("a", { azCount: 3 })),
        ],
        [
            "private, Single NAT",
            () => new PrivateSubnetNetwork("b", { natStrategy: "Single" }),
            () => networkFacts(planPrivateNetwork("b", { natStrategy: "Single" })),
        ],
        [
            "private, no NAT, endpoints",
            () =>
                new PrivateSubnetNetwork("c", {
                    natStrategy: "None",
                    vpcEndpoints: true,
                    interfaceEndpoints: ["ssmmessages"],
                }),
            () =>
                networkFacts(
                    planPrivateNetwork("c", {
                        natStrategy: "None",
                        vpcEndpoints: true,
                        interfaceEndpoints: ["ssmmessages"],
                    }),
                ),
        ],
        [
            "private, Single NAT, public subnets in every zone",
            () =>
                new PrivateSubnetNetwork("d", {
                    natStrategy: "Single",
                    publicSubnetsInEveryAz: true,
                }),
            () =>
                networkFacts(
                    planPrivateNetwork("d", {
                        natStrategy: "Single",
                        publicSubnetsInEveryAz: true,
                    }),
                ),
        ],
    ];
    for (const [what, build, planned] of cases) {
        it(`${what}: the component's facts are the plan's`, async () => {
            await startRuntime();
            const n = build();
            const facts = planned();
            assert.deepStrictEqual(
                {
                    pattern: n.pattern,
                    tasksGetPublicIp: n.tasksGetPublicIp,
                    hostsGetPublicIp: n.hostsGetPublicIp,
                    taskSubnetCount: n.taskSubnetCount,
                    outboundInternet: n.outboundInternet,
                    vpcEndpointServices: [...n.vpcEndpointServices],
                    publicSubnetAzCount: n.publicSubnetAzCount,
                    ...(n.publicSubnetPrefix !== undefined
                        ? { publicSubnetPrefix: n.publicSubnetPrefix }
                        : {}),
                    vpcPrefix: n.vpcPrefix,
                },
                { ...facts, vpcEndpointServices: [...facts.vpcEndpointServices] },
            );
        });
    }
});
