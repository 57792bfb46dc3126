import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { Cidr, parseCidr, sameBlock, worldCover } from "./cidr";
import { ingressRules, INGRESS_TYPES, IngressRule, tcpPortRange } from "./ingress";
import { SSH_DEFAULTS, SSH_SCHEMA, SshSettings, withDefaults } from "./settings";

export interface SshFinding {
    where: string;
    ports: string;
    sshPort: number;
    sources: string[];
}

/**
 * Judges one normalised rule: the SSH port it admits from the whole internet, or undefined. Reads
 * protocol, then ports, then sources, so an unknown source only matters when the rule could admit SSH.
 */
export function judgeIngress(rule: IngressRule, settings: SshSettings): SshFinding | undefined {
    const range = tcpPortRange(rule);
    if (range === undefined) {
        return undefined;
    }
    const sshPort = settings.sshPorts.find((p) => p >= range.from && p <= range.to);
    if (sshPort === undefined) {
        return undefined;
    }
    const exempt = settings.exemptCidrs.map(parseCidr).filter((c): c is Cidr => c !== undefined);
    const sources = rule
        .cidrs()
        .map((c) => parseCidr(String(c)))
        .filter((c): c is Cidr => c !== undefined && !exempt.some((e) => sameBlock(e, c)));
    const world = worldCover(sources);
    if (world === undefined) {
        return undefined;
    }
    return {
        where: rule.where,
        ports: range.all ? "all traffic (protocol -1)" : `tcp ${range.from}-${range.to}`,
        sshPort,
        sources: world.map((c) => c.text.trim()),
    };
}

export function sshMessage(f: SshFinding): string {
    const what = f.where === "the rule" ? "Security group rule" : `Security group ${f.where}`;
    const from = f.sources.length === 1 ? `${f.sources[0]}, the whole internet` : `${f.sources.join(" + ")}, which together cover the whole internet`;
    return (
        `${what} admits ${f.ports} (including SSH port ${f.sshPort}) from ${from}. ` +
        `Bots scan every public address for SSH: narrow the source to your own network's CIDR, ` +
        `or reach hosts with SSM Session Manager or ECS Exec instead of SSH.`
    );
}

export const noSshFromInternet: ResourceValidationPolicy = {
    name: "no-ssh-from-internet",
    description: "Security groups must not admit SSH (TCP 22, or all traffic) from the whole internet, IPv4 or IPv6.",
    enforcementLevel: "mandatory",
    configSchema: SSH_SCHEMA,
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        if (!INGRESS_TYPES.includes(args.type)) {
            return;
        }
        const settings = withDefaults(SSH_DEFAULTS, args.getConfig<Partial<SshSettings>>());
        for (const rule of ingressRules(args.type, args.props)) {
            const finding = judgeIngress(rule, settings);
            if (finding) {
                reportViolation(sshMessage(finding));
            }
        }
    },
};
