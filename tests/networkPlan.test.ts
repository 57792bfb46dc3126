import * as assert from "assert";
import * as fc from "fast-check";
import { contains, overlaps, parseIpv4Cidr } from "../components/network/cidr";
import {
    NetworkPlan,
    planPrivateNetwork,
    planPublicNetwork,
    PrivateLayoutArgs,
    resolveAvailabilityZones,
} from "../components/network/plan";
import { PrivateSubnetNetwork } from "../components/network/privateNetwork";
import { PublicSubnetNetwork } from "../components/network/publicNetwork";
import { startRuntime } from "./support/helpers";

const PRIV = 'PrivateSubnetNetwork "core"';
const PUB = 'PublicSubnetNetwork "edge"';

describe("the network planner", () => {
    it("lays out the default private pattern: /19 task subnets, /22 NAT subnets in the last /19", () => {
        const plan = planPrivateNetwork(PRIV, { azCount: 3 });
        assert.deepStrictEqual(plan.privateSubnets, [
            { az: 0, cidr: "10.0.0.0/19", nat: 0 },
            { az: 1, cidr: "10.0.32.0/19", nat: 1 },
            { az: 2, cidr: "10.0.64.0/19", nat: 2 },
        ]);
        assert.deepStrictEqual(plan.publicSubnets, [
            { az: 0, cidr: "10.0.224.0/22" },
            { az: 1, cidr: "10.0.228.0/22" },
            { az: 2, cidr: "10.0.232.0/22" },
        ]);
        assert.deepStrictEqual(plan.natGateways, [
            { az: 0, publicSubnet: 0 },
            { az: 1, publicSubnet: 1 },
            { az: 2, publicSubnet: 2 },
        ]);
    });

    it("places one NAT in the first zone for Single and routes every private subnet to it", () => {
        const plan = planPrivateNetwork(PRIV, { azCount: 3, natStrategy: "Single" });
        assert.deepStrictEqual(plan.natGateways, [{ az: 0, publicSubnet: 0 }]);
        assert.deepStrictEqual(plan.publicSubnets, [{ az: 0, cidr: "10.0.224.0/22" }]);
        assert.deepStrictEqual(
            plan.privateSubnets.map((s) => s.nat),
            [0, 0, 0],
        );
    });

    it("has no public subnet, NAT or internet gateway for None", () => {
        const plan = planPrivateNetwork(PRIV, { azCount: 2, natStrategy: "None" });
        assert.deepStrictEqual(
            [plan.publicSubnets, plan.natGateways, plan.internetGateway],
            [[], [], false],
        );
        assert.deepStrictEqual(
            plan.privateSubnets.map((s) => s.nat),
            [undefined, undefined],
        );
    });

    it("takes explicit subnet CIDRs as given", () => {
        const plan = planPrivateNetwork(PRIV, {
            cidrBlock: "10.1.0.0/16",
            availabilityZones: ["us-east-1a", "us-east-1c"],
            natStrategy: "Single",
            privateSubnetCidrs: ["10.1.0.0/20", "10.1.16.0/20"],
            publicSubnetCidrs: ["10.1.255.0/28"],
        });
        assert.deepStrictEqual(
            plan.privateSubnets.map((s) => s.cidr),
            ["10.1.0.0/20", "10.1.16.0/20"],
        );
        assert.deepStrictEqual(
            plan.publicSubnets.map((s) => s.cidr),
            ["10.1.255.0/28"],
        );
        assert.deepStrictEqual(plan.azs, { kind: "names", names: ["us-east-1a", "us-east-1c"] });
    });

    it("lays out the public pattern as /19 public subnets", () => {
        const plan = planPublicNetwork(PUB, { cidrBlock: "172.16.0.0/16", azCount: 2 });
        assert.deepStrictEqual(
            plan.publicSubnets.map((s) => s.cidr),
            ["172.16.0.0/19", "172.16.32.0/19"],
        );
        assert.strictEqual(plan.internetGateway, true);
    });

    it("takes the first zones of the region for a count, and checks names against it", () => {
        const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
        assert.deepStrictEqual(
            resolveAvailabilityZones(PRIV, { kind: "count", count: 2 }, zones, "eu-west-1"),
            ["eu-west-1a", "eu-west-1b"],
        );
        assert.deepStrictEqual(
            resolveAvailabilityZones(PRIV, { kind: "names", names: ["eu-west-1c"] }, zones),
            ["eu-west-1c"],
        );
        assert.throws(
            () => resolveAvailabilityZones(PRIV, { kind: "count", count: 4 }, zones, "eu-west-1"),
            {
                message: `${PRIV}: azCount asks for 4 availability zones but eu-west-1 has 3 (eu-west-1a, eu-west-1b, eu-west-1c); lower azCount or use another region.`,
            },
        );
    });
});

/** Every bad input, its exact message, for both patterns where it applies. */
const badPrivate: [string, PrivateLayoutArgs, string][] = [
    [
        "a malformed CIDR",
        { cidrBlock: "10.0.0/16" },
        'cidrBlock "10.0.0/16" is not an IPv4 CIDR of the form a.b.c.d/n; use a block such as 10.0.0.0/16.',
    ],
    [
        "a CIDR with host bits",
        { cidrBlock: "10.0.0.1/16" },
        'cidrBlock "10.0.0.1/16" has host bits set (the network is 10.0.0.0/16); use a block such as 10.0.0.0/16.',
    ],
    [
        "a prefix above /16",
        { cidrBlock: "10.0.0.0/8" },
        "cidrBlock 10.0.0.0/8 has prefix /8, outside the /16 to /28 AWS allows for a VPC; use a prefix in that range.",
    ],
    [
        "a prefix below /28",
        { cidrBlock: "10.0.0.0/29" },
        "cidrBlock 10.0.0.0/29 has prefix /29, outside the /16 to /28 AWS allows for a VPC; use a prefix in that range.",
    ],
    [
        "an AZ count of 0",
        { azCount: 0 },
        "azCount must be between 1 and 6 (got 0); raise it or list availabilityZones.",
    ],
    [
        "an AZ count of 9",
        { azCount: 9 },
        "azCount must be between 1 and 6 (got 9); lower it or list availabilityZones.",
    ],
    [
        "a fractional AZ count",
        { azCount: 1.5 },
        "azCount must be a whole number (got 1.5); use an integer between 1 and 6.",
    ],
    [
        "both a count and names",
        { azCount: 2, availabilityZones: ["us-east-1a"] },
        "set either azCount or availabilityZones, not both (got azCount 2 and availabilityZones [us-east-1a]); drop one.",
    ],
    [
        "a zone listed twice",
        { availabilityZones: ["us-east-1a", "us-east-1a"] },
        "availabilityZones lists us-east-1a twice; list each zone once.",
    ],
    [
        "no zones",
        { availabilityZones: [] },
        "availabilityZones must list between 1 and 6 zones (got 0); list fewer or more zones.",
    ],
    [
        "too little address space",
        { cidrBlock: "10.0.0.0/24" },
        "cidrBlock is too small for the default layout: NAT subnets would be /30, below AWS's /28 minimum for a subnet; use a larger VPC (a /22 or larger fits every layout; a load balancer needs /27 subnets, which the planner checks) or list subnet CIDRs explicitly.",
    ],
    [
        "too little space even for task subnets",
        { cidrBlock: "10.0.0.0/27", natStrategy: "None" },
        "cidrBlock is too small for the default layout: private subnets would be /30, below AWS's /28 minimum for a subnet; use a larger VPC (a /22 or larger fits every layout; a load balancer needs /27 subnets, which the planner checks) or list subnet CIDRs explicitly.",
    ],
    [
        "overlapping explicit CIDRs",
        { azCount: 2, privateSubnetCidrs: ["10.0.0.0/20", "10.0.8.0/21"] },
        "privateSubnetCidrs[1] 10.0.8.0/21 overlaps privateSubnetCidrs[0] 10.0.0.0/20; give each subnet its own block.",
    ],
    [
        "explicit CIDRs overlapping the default layout",
        { azCount: 1, natStrategy: "Single", privateSubnetCidrs: ["10.0.224.0/20"] },
        "publicSubnetCidrs[0] 10.0.224.0/22 overlaps privateSubnetCidrs[0] 10.0.224.0/20; give each subnet its own block.",
    ],
    [
        "a CIDR outside the VPC",
        { azCount: 1, privateSubnetCidrs: ["10.1.0.0/20"] },
        "privateSubnetCidrs[0] 10.1.0.0/20 is outside cidrBlock 10.0.0.0/16; pick a block inside the VPC.",
    ],
    [
        "a malformed subnet CIDR",
        { azCount: 1, privateSubnetCidrs: ["10.0.0.0/33"] },
        'privateSubnetCidrs[0] "10.0.0.0/33" has a prefix length outside 0-32; use a block inside 10.0.0.0/16.',
    ],
    [
        "a subnet smaller than /28",
        { azCount: 1, privateSubnetCidrs: ["10.0.0.0/29"] },
        "privateSubnetCidrs[0] 10.0.0.0/29 is smaller than AWS's /28 minimum for a subnet; use a prefix of /28 or shorter.",
    ],
    [
        "too few explicit CIDRs",
        { azCount: 2, privateSubnetCidrs: ["10.0.0.0/20"] },
        "privateSubnetCidrs lists 1 CIDR but there are 2 availability zones; list exactly 2, one per subnet.",
    ],
    [
        "NAT subnets that do not match the strategy",
        {
            azCount: 2,
            natStrategy: "Single",
            publicSubnetCidrs: ["10.0.240.0/24", "10.0.241.0/24"],
        },
        "publicSubnetCidrs lists 2 CIDRs but natStrategy Single places 1 NAT gateway; list exactly 1, one per subnet.",
    ],
    [
        "NAT subnets with no NAT",
        { natStrategy: "None", publicSubnetCidrs: ["10.0.240.0/24"] },
        "publicSubnetCidrs has no use with natStrategy None (public subnets only hold NAT gateways); remove it or choose OnePerAz or Single.",
    ],
    [
        "an unknown NAT strategy",
        { natStrategy: "PerAz" },
        'natStrategy "PerAz" is not one of OnePerAz, Single, None; use one of those (OnePerAz for AZ redundancy, Single for a cheap stack).',
    ],
];

const badPublic: [string, Record<string, unknown>, string][] = [
    [
        "endpoints on the public pattern",
        { vpcEndpoints: true },
        "vpcEndpoints is for the private pattern (tasks here reach AWS APIs through the internet gateway); remove it or use the private pattern.",
    ],
    [
        "a NAT strategy on the public pattern",
        { natStrategy: "Single" },
        "natStrategy is for the private pattern, which has NAT gateways and private subnets; remove it or use the private pattern.",
    ],
    [
        "a malformed CIDR",
        { cidrBlock: "ten/16" },
        'cidrBlock "ten/16" is not an IPv4 CIDR of the form a.b.c.d/n; use a block such as 10.0.0.0/16.',
    ],
    [
        "too little address space",
        { cidrBlock: "10.0.0.0/26" },
        "cidrBlock is too small for the default layout: public subnets would be /29, below AWS's /28 minimum for a subnet; use a larger VPC (a /22 or larger fits every layout; a load balancer needs /27 subnets, which the planner checks) or list subnet CIDRs explicitly.",
    ],
    [
        "an AZ count of 7",
        { azCount: 7 },
        "azCount must be between 1 and 6 (got 7); lower it or list availabilityZones.",
    ],
];

describe("bad network input is refused before any resource registers", () => {
    for (const [what, args, message] of badPrivate) {
        it(`private pattern: ${what}`, async () => {
            const runtime = await startRuntime();
            assert.throws(() => new PrivateSubnetNetwork("core", args as any), {
                name: "NetworkPlanError",
                message: `${PRIV}: ${message}`,
            });
            await runtime.settle();
            assert.deepStrictEqual(runtime.registrations, []);
        });
    }
    for (const [what, args, message] of badPublic) {
        it(`public pattern: ${what}`, async () => {
            const runtime = await startRuntime();
            assert.throws(() => new PublicSubnetNetwork("edge", args as any), {
                name: "NetworkPlanError",
                message: `${PUB}: ${message}`,
            });
            await runtime.settle();
            assert.deepStrictEqual(runtime.registrations, []);
        });
    }
});

function allSubnets(plan: NetworkPlan): string[] {
    return [...plan.publicSubnets, ...plan.privateSubnets].map((s) => s.cidr);
}

describe("planner properties", () => {
    const vpcs = fc
        .tuple(
            fc.integer({ min: 0, max: 255 }),
            fc.integer({ min: 0, max: 255 }),
            fc.integer({ min: 16, max: 22 }),
        )
        .map(([a, b, prefix]) => {
            const base =
                10 * 2 ** 24 +
                a * 2 ** 16 +
                b * 2 ** 8 -
                ((10 * 2 ** 24 + a * 2 ** 16 + b * 2 ** 8) % 2 ** (32 - prefix));
            return `10.${Math.floor(base / 2 ** 16) % 256}.${Math.floor(base / 2 ** 8) % 256}.0/${prefix}`;
        });
    const strategies = fc.constantFrom("OnePerAz", "Single", "None");

    it("never overlaps two subnets and keeps every subnet inside the VPC", () => {
        fc.assert(
            fc.property(
                vpcs,
                fc.integer({ min: 1, max: 6 }),
                strategies,
                fc.boolean(),
                (cidrBlock, azCount, natStrategy, publicPattern) => {
                    const plan = publicPattern
                        ? planPublicNetwork(PUB, { cidrBlock, azCount })
                        : planPrivateNetwork(PRIV, { cidrBlock, azCount, natStrategy });
                    const vpc = parseIpv4Cidr(cidrBlock);
                    assert.ok(vpc.ok);
                    const parsed = allSubnets(plan).map((c) => {
                        const p = parseIpv4Cidr(c);
                        assert.ok(p.ok);
                        return p.cidr;
                    });
                    parsed.forEach((s) =>
                        assert.ok(
                            contains(vpc.cidr, s),
                            `${plan.vpcCidr} does not contain a subnet`,
                        ),
                    );
                    for (let i = 0; i < parsed.length; i++) {
                        for (let j = i + 1; j < parsed.length; j++) {
                            assert.ok(
                                !overlaps(parsed[i], parsed[j]),
                                `${allSubnets(plan)[i]} overlaps ${allSubnets(plan)[j]}`,
                            );
                        }
                    }
                    assert.strictEqual(plan.privateSubnets.length, publicPattern ? 0 : azCount);
                },
            ),
            { numRuns: 500 },
        );
    });

    it("keeps every existing subnet's CIDR when an AZ is added", () => {
        fc.assert(
            fc.property(
                vpcs,
                fc.integer({ min: 1, max: 5 }),
                strategies,
                (cidrBlock, azCount, natStrategy) => {
                    const before = planPrivateNetwork(PRIV, { cidrBlock, azCount, natStrategy });
                    const after = planPrivateNetwork(PRIV, {
                        cidrBlock,
                        azCount: azCount + 1,
                        natStrategy,
                    });
                    before.privateSubnets.forEach((s, i) =>
                        assert.strictEqual(after.privateSubnets[i].cidr, s.cidr),
                    );
                    before.publicSubnets.forEach((s, i) =>
                        assert.strictEqual(after.publicSubnets[i].cidr, s.cidr),
                    );
                },
            ),
            { numRuns: 500 },
        );
    });
});
