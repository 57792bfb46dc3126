import * as assert from "assert";
import * as fc from "fast-check";
import { noSshFromInternet } from "../../policies/rules";
import { runResource } from "./harness";

/**
 * An oracle written from the generator's side: each generated rule carries what it means
 * (does the protocol carry TCP, which ports, do its sources cover an address family), and the
 * expected verdict follows from that meaning, not from parsing what the policy parses.
 */
type Meaning = {
    tcp: boolean;
    allPorts: boolean;
    from: number;
    to: number;
    world: boolean;
    ingress: boolean;
};

// Protocol spellings and what they mean.
const protocols = fc.constantFrom(
    { text: "tcp", tcp: true, all: false },
    { text: "TCP", tcp: true, all: false },
    { text: "6", tcp: true, all: false },
    { text: "-1", tcp: true, all: true },
    { text: "all", tcp: true, all: true },
    { text: "ALL", tcp: true, all: true },
    { text: "udp", tcp: false, all: false },
    { text: "17", tcp: false, all: false },
    { text: "icmp", tcp: false, all: false },
    { text: "icmpv6", tcp: false, all: false },
);

/** IPv4 blocks that partition the whole space, built by halving; `complete` keeps them all. */
function partition4(
    splits: number[],
    complete: boolean,
    spaces: boolean,
): { cidrs: string[]; world: boolean } {
    let blocks: [number, number][] = [[0, 0]]; // [start as a 32-bit number, prefix]
    for (const s of splits) {
        const i = s % blocks.length;
        const [start, prefix] = blocks[i];
        if (prefix >= 8) continue;
        blocks = [
            ...blocks.slice(0, i),
            [start, prefix + 1],
            [start + 2 ** (31 - prefix), prefix + 1],
            ...blocks.slice(i + 1),
        ];
    }
    const kept = complete ? blocks : blocks.slice(1);
    const text = ([start, prefix]: [number, number]) => {
        const o = [24, 16, 8, 0].map((b) => Math.floor(start / 2 ** b) % 256).join(".");
        return spaces ? ` ${o}/${prefix} ` : `${o}/${prefix}`;
    };
    return { cidrs: kept.map(text), world: complete };
}

const worldSix = fc.constantFrom("::/0", "0::/0", "0:0:0:0:0:0:0:0/0", "0000::/0", "::0/0");
const privateSources = fc.constantFrom(
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.1.0/24",
    "fd00::/8",
    "2001:db8::/32",
    "0.0.0.0/1",
    "203.0.113.7/32",
);

const sources = fc.oneof(
    fc
        .record({
            splits: fc.array(fc.nat(20), { maxLength: 6 }),
            complete: fc.boolean(),
            spaces: fc.boolean(),
        })
        .map(({ splits, complete, spaces }) => partition4(splits, complete, spaces)),
    worldSix.map((c) => ({ cidrs: [c], world: true })),
    fc.array(privateSources, { maxLength: 3 }).map((cidrs) => ({ cidrs, world: false })),
);

const ports: fc.Arbitrary<[number, number]> = fc.oneof(
    fc
        .tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }))
        .map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]),
    fc.constantFrom<[number, number]>([22, 22], [0, 65535], [20, 25], [23, 23], [21, 21]),
);

const shapes = fc.constantFrom("sg", "default-sg", "rule-ingress", "rule-egress", "vpc-rule");

const rules = fc
    .record({ protocol: protocols, ports, sources, shape: shapes, extras: fc.boolean() })
    .map(({ protocol, ports: [from, to], sources: src, shape, extras }) => {
        const v4 = src.cidrs.filter((c) => !c.includes(":"));
        const v6 = src.cidrs.filter((c) => c.includes(":"));
        const inline = {
            protocol: protocol.text,
            fromPort: from,
            toPort: to,
            cidrBlocks: v4,
            ipv6CidrBlocks: v6,
            ...(extras ? { self: true, securityGroups: ["sg-9"], prefixListIds: ["pl-9"] } : {}),
        };
        let type: string;
        let props: Record<string, unknown>;
        let world = src.world;
        switch (shape) {
            case "sg":
                [type, props] = ["aws:ec2/securityGroup:SecurityGroup", { ingress: [inline] }];
                break;
            case "default-sg":
                [type, props] = [
                    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
                    { ingress: [inline] },
                ];
                break;
            case "rule-ingress":
            case "rule-egress":
                [type, props] = [
                    "aws:ec2/securityGroupRule:SecurityGroupRule",
                    {
                        type: shape === "rule-ingress" ? "ingress" : "egress",
                        securityGroupId: "sg-1",
                        ...inline,
                    },
                ];
                break;
            default: {
                // One IPv4 and one IPv6 source at most: the world only when one of them alone is a /0.
                const one4 = v4[0];
                const one6 = v6[0];
                world =
                    (one4 !== undefined && one4.trim().endsWith("/0")) ||
                    (one6 !== undefined && one6.trim().endsWith("/0"));
                [type, props] = [
                    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                    {
                        securityGroupId: "sg-1",
                        ipProtocol: protocol.text,
                        fromPort: from,
                        toPort: to,
                        ...(one4 ? { cidrIpv4: one4 } : {}),
                        ...(one6 ? { cidrIpv6: one6 } : {}),
                    },
                ];
            }
        }
        const meaning: Meaning = {
            tcp: protocol.tcp,
            allPorts: protocol.all,
            from,
            to,
            world,
            ingress: shape !== "rule-egress",
        };
        return { type, props, meaning };
    });

function oracle(m: Meaning): boolean {
    const reaches22 = m.allPorts || (m.from <= 22 && 22 <= m.to);
    return m.ingress && m.tcp && reaches22 && m.world;
}

describe("policy no-ssh-from-internet against an independent oracle", () => {
    it("agrees on 10,000 random rules in every shape", () => {
        fc.assert(
            fc.property(rules, ({ type, props, meaning }) => {
                const verdict = runResource(noSshFromInternet, type, props).length > 0;
                assert.strictEqual(
                    verdict,
                    oracle(meaning),
                    `${type} ${JSON.stringify(props)} -> ${verdict}, expected ${oracle(meaning)}`,
                );
            }),
            { numRuns: 10_000, seed: 20261123 },
        );
    });
});
