/**
 * One model for the three Pulumi shapes of an ingress rule, so the judgement is written once:
 * - `aws:ec2/securityGroup:SecurityGroup` and `aws:ec2/defaultSecurityGroup:DefaultSecurityGroup`
 *   inline `ingress[]` (protocol, fromPort, toPort, cidrBlocks, ipv6CidrBlocks, self, securityGroups,
 *   prefixListIds);
 * - `aws:ec2/securityGroupRule:SecurityGroupRule` with `type: "ingress"` (same field names);
 * - `aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule` (ipProtocol, fromPort, toPort,
 *   cidrIpv4, cidrIpv6, referencedSecurityGroupId, prefixListId).
 * Fields are read lazily, in the order the judge needs them, so a value unknown during preview is
 * touched only when the verdict depends on it.
 */

export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
export const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const VPC_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const INGRESS_TYPES = [SECURITY_GROUP, DEFAULT_SECURITY_GROUP, SECURITY_GROUP_RULE, VPC_INGRESS_RULE];

export interface IngressRule {
    /** Where the rule is, for messages: `ingress[2]` or `the rule`. */
    readonly where: string;
    protocol(): unknown;
    fromPort(): unknown;
    toPort(): unknown;
    /** Every IPv4 and IPv6 CIDR source of the rule, as written. */
    cidrs(): unknown[];
}

function inlineRule(where: string, rule: Record<string, any>): IngressRule {
    return {
        where,
        protocol: () => rule.protocol,
        fromPort: () => rule.fromPort,
        toPort: () => rule.toPort,
        cidrs: () => [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])],
    };
}

/** The ingress rules a resource declares; empty for anything else (including egress rules). */
export function ingressRules(type: string, props: Record<string, any>): IngressRule[] {
    switch (type) {
        case SECURITY_GROUP:
        case DEFAULT_SECURITY_GROUP:
            return ((props.ingress ?? []) as Record<string, any>[]).map((r, i) => inlineRule(`ingress[${i}]`, r));
        case SECURITY_GROUP_RULE:
            return String(props.type).toLowerCase() === "ingress" ? [inlineRule("the rule", props)] : [];
        case VPC_INGRESS_RULE:
            return [
                {
                    where: "the rule",
                    protocol: () => props.ipProtocol,
                    fromPort: () => props.fromPort,
                    toPort: () => props.toPort,
                    cidrs: () => [props.cidrIpv4, props.cidrIpv6].filter((c) => c !== undefined && c !== null && c !== ""),
                },
            ];
        default:
            return [];
    }
}

/** The TCP port range a rule admits (every port for -1/all), or undefined when it admits no TCP. */
export function tcpPortRange(rule: IngressRule): { from: number; to: number; all: boolean } | undefined {
    const protocol = String(rule.protocol()).trim().toLowerCase();
    if (protocol === "-1" || protocol === "all") {
        return { from: 0, to: 65535, all: true };
    }
    if (protocol !== "tcp" && protocol !== "6") {
        return undefined;
    }
    const from = Number(rule.fromPort() ?? 0);
    const to = Number(rule.toPort() ?? 65535);
    // -1 in a port field means "every port" in some tools; treat it so.
    return from < 0 || to < 0 ? { from: 0, to: 65535, all: false } : { from, to, all: false };
}
