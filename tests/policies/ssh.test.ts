import * as assert from "assert";
import { noSshFromInternet } from "../../policies/rules";
import { proxy, runResource } from "./harness";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const FIX =
    "Bots scan every public address for SSH: narrow the source to your own network's CIDR, or reach hosts with SSM Session Manager or ECS Exec instead of SSH.";

/** The passing fixture: HTTPS from anywhere, SSH from the office only. */
const fixture = () => ({
    vpcId: "vpc-1",
    ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["203.0.113.0/24"] },
    ],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});
const withRule = (rule: object) => ({ ...fixture(), ingress: [...fixture().ingress, rule] });
const ssh = (type: string, props: object, config?: object) =>
    runResource(noSshFromInternet, type, props, { config });

describe("policy no-ssh-from-internet", () => {
    it("passes the fixture: HTTPS from anywhere, SSH from one office range, egress to anywhere", () => {
        assert.deepStrictEqual(ssh(SG, fixture()), []);
    });

    const findings: [string, string, object, string][] = [
        [
            "tcp 22-22 from 0.0.0.0/0",
            SG,
            withRule({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            "Security group ingress[2] admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "a port range containing 22 (20-25)",
            SG,
            withRule({ protocol: "tcp", fromPort: 20, toPort: 25, cidrBlocks: ["0.0.0.0/0"] }),
            "Security group ingress[2] admits tcp 20-25 (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "every port (0-65535)",
            SG,
            withRule({ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }),
            "Security group ingress[2] admits tcp 0-65535 (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "protocol -1 whatever the ports say",
            SG,
            withRule({ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }),
            "Security group ingress[2] admits all traffic (protocol -1) (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "protocol ALL in capitals",
            SG,
            withRule({ protocol: "ALL", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }),
            "Security group ingress[2] admits all traffic (protocol -1) (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "protocol given as the number 6",
            SG,
            withRule({ protocol: "6", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            "Security group ingress[2] admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "protocol TCP in capitals",
            SG,
            withRule({ protocol: "TCP", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            "Security group ingress[2] admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "IPv6 ::/0",
            SG,
            withRule({ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] }),
            "Security group ingress[2] admits tcp 22-22 (including SSH port 22) from ::/0, the whole internet.",
        ],
        [
            "IPv6 spelt 0::/0",
            SG,
            withRule({ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["0::/0"] }),
            "Security group ingress[2] admits tcp 22-22 (including SSH port 22) from 0::/0, the whole internet.",
        ],
        [
            "IPv6 spelt in full",
            SG,
            withRule({
                protocol: "tcp",
                fromPort: 22,
                toPort: 22,
                ipv6CidrBlocks: ["0:0:0:0:0:0:0:0/0"],
            }),
            "Security group ingress[2] admits tcp 22-22 (including SSH port 22) from 0:0:0:0:0:0:0:0/0, the whole internet.",
        ],
        [
            "0.0.0.0/0 with stray spaces",
            SG,
            withRule({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [" 0.0.0.0/0 "] }),
            "Security group ingress[2] admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "two halves that cover the internet",
            SG,
            withRule({
                protocol: "tcp",
                fromPort: 22,
                toPort: 22,
                cidrBlocks: ["128.0.0.0/1", "0.0.0.0/1"],
            }),
            "Security group ingress[2] admits tcp 22-22 (including SSH port 22) from 0.0.0.0/1 + 128.0.0.0/1, which together cover the whole internet.",
        ],
        [
            "a world CIDR next to self",
            SG,
            withRule({
                protocol: "tcp",
                fromPort: 22,
                toPort: 22,
                self: true,
                cidrBlocks: ["0.0.0.0/0"],
            }),
            "Security group ingress[2] admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "a world CIDR next to a security group and a prefix list",
            SG,
            withRule({
                protocol: "tcp",
                fromPort: 22,
                toPort: 22,
                securityGroups: ["sg-1"],
                prefixListIds: ["pl-1"],
                cidrBlocks: ["0.0.0.0/0"],
            }),
            "Security group ingress[2] admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "the default security group",
            DEFAULT_SG,
            {
                vpcId: "vpc-1",
                ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
            },
            "Security group ingress[0] admits all traffic (protocol -1) (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "a SecurityGroupRule of type ingress",
            RULE,
            {
                type: "ingress",
                securityGroupId: "sg-1",
                protocol: "tcp",
                fromPort: 22,
                toPort: 22,
                cidrBlocks: ["0.0.0.0/0"],
            },
            "Security group rule admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "a vpc.SecurityGroupIngressRule",
            VPC_RULE,
            {
                securityGroupId: "sg-1",
                ipProtocol: "tcp",
                fromPort: 22,
                toPort: 22,
                cidrIpv4: "0.0.0.0/0",
            },
            "Security group rule admits tcp 22-22 (including SSH port 22) from 0.0.0.0/0, the whole internet.",
        ],
        [
            "a vpc.SecurityGroupIngressRule with -1 and no ports",
            VPC_RULE,
            { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv6: "::/0" },
            "Security group rule admits all traffic (protocol -1) (including SSH port 22) from ::/0, the whole internet.",
        ],
    ];
    for (const [what, type, props, message] of findings) {
        it(`rejects ${what}`, () => {
            assert.deepStrictEqual(ssh(type, props), [`${message} ${FIX}`]);
        });
    }

    const passes: [string, string, object][] = [
        [
            "egress to the world on every port",
            RULE,
            {
                type: "egress",
                securityGroupId: "sg-1",
                protocol: "-1",
                fromPort: 0,
                toPort: 0,
                cidrBlocks: ["0.0.0.0/0"],
            },
        ],
        [
            "UDP 22 from the world",
            SG,
            withRule({ protocol: "udp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
        ],
        [
            "ICMP from the world",
            SG,
            withRule({ protocol: "icmp", fromPort: -1, toPort: -1, cidrBlocks: ["0.0.0.0/0"] }),
        ],
        [
            "SSH from a private range",
            SG,
            withRule({
                protocol: "tcp",
                fromPort: 22,
                toPort: 22,
                cidrBlocks: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
            }),
        ],
        [
            "SSH from a security group",
            VPC_RULE,
            {
                securityGroupId: "sg-1",
                ipProtocol: "tcp",
                fromPort: 22,
                toPort: 22,
                referencedSecurityGroupId: "sg-2",
            },
        ],
        [
            "half the internet only",
            SG,
            withRule({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1"] }),
        ],
        [
            "the world on a range without 22",
            SG,
            withRule({ protocol: "tcp", fromPort: 23, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }),
        ],
    ];
    for (const [what, type, props] of passes) {
        it(`passes ${what}`, () => {
            assert.deepStrictEqual(ssh(type, props), []);
        });
    }

    it("counts configured ports as SSH and exempts configured CIDRs", () => {
        const on2222 = withRule({
            protocol: "tcp",
            fromPort: 2222,
            toPort: 2222,
            cidrBlocks: ["0.0.0.0/0"],
        });
        assert.deepStrictEqual(ssh(SG, on2222), []);
        assert.strictEqual(ssh(SG, on2222, { sshPorts: [2222] }).length, 1);
        assert.deepStrictEqual(
            ssh(
                SG,
                withRule({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
                { exemptCidrs: ["0.0.0.0/0"] },
            ),
            [],
        );
    });

    it("never throws on an unknown (which would switch the policy off): a verdict that waits for one is the per-group policy's", () => {
        const unknownSources = withRule({
            protocol: "tcp",
            fromPort: 22,
            toPort: 22,
            cidrBlocks: proxy.unknownArrayValue,
        });
        assert.deepStrictEqual(ssh(SG, unknownSources), []);
        assert.deepStrictEqual(
            ssh(VPC_RULE, { ipProtocol: proxy.unknownStringValue, cidrIpv4: "0.0.0.0/0" }),
            [],
        );
        // An unknown in one rule does not hide the provably open other rule.
        const mixed = {
            ingress: [
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: proxy.unknownArrayValue },
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
            ],
        };
        assert.deepStrictEqual(
            ssh(SG, mixed).map((m) => m.slice(0, 54)),
            ["Security group ingress[1] admits tcp 22-22 (including "],
        );
    });
});
