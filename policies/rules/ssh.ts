import { ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    declaredRules,
    IngressRuleModel,
    admits,
    portsText,
    PrefixListModel,
    prefixLists,
    ruleLabel,
    securityGroups,
} from "../model/securityGroups";
import { isKind, label, ModelResource, References } from "../model/resources";
import { isUnknown, Unknown } from "../model/values";
import { Cidr, parseCidr, sameBlock, worldCover } from "../model/cidr";
import { SSH_DEFAULTS, SSH_SCHEMA, SshSettings, withDefaults } from "./settings";
import { reportUndecided, waivable } from "./waivers";

/** One rule's part in an opening: the rule and the sources of it that reach the world. */
export interface Contribution {
    rule: IngressRuleModel;
    sources: string[];
}

export type WorldVerdict =
    | { open: true; contributions: Contribution[] }
    | { open: false }
    | { open: "unknown"; waitingFor: Unknown[] };

interface Expanded {
    rule: IngressRuleModel;
    cidrs: { cidr: Cidr; text: string }[];
    unknowns: Unknown[];
}

/** A rule's sources as CIDRs: literal blocks, prefix lists' entries; security groups are never the internet. */
function expand(
    rule: IngressRuleModel,
    exempt: Cidr[],
    lists: Map<ModelResource, PrefixListModel> | undefined,
): Expanded {
    const out: Expanded = { rule, cidrs: [], unknowns: [] };
    const add = (cidr: Cidr, text: string) => {
        if (!exempt.some((e) => sameBlock(e, cidr))) {
            out.cidrs.push({ cidr, text });
        }
    };
    for (const s of rule.sources) {
        if (s.kind === "cidr") {
            s.cidr && add(s.cidr, s.text);
        } else if (s.kind === "unknown") {
            if (s.of !== "securityGroup") {
                out.unknowns.push(s.unknown);
            }
        } else if (s.kind === "prefixList" && lists) {
            const candidates = s.lists
                .map((l) => lists.get(l))
                .filter((l): l is PrefixListModel => l !== undefined);
            // A list outside the stack (AWS-managed, or another account's) cannot be read: not judged.
            if (candidates.length === 1) {
                for (const c of candidates[0].cidrs) {
                    isUnknown(c)
                        ? out.unknowns.push(c)
                        : add(
                              c,
                              `${c.text.trim()} in prefix list "${candidates[0].resource.name}"`,
                          );
                }
            } else if (candidates.length > 1) {
                out.unknowns.push(
                    new Unknown(
                        `which of the prefix lists ${candidates.map((c) => `"${c.resource.name}"`).join(", ")} ${ruleLabel(rule)} names`,
                    ),
                );
            }
        }
    }
    return out;
}

/**
 * Whether the union of `rules` admits `protocol`/`port` from the whole internet (IPv4 or IPv6):
 * decided from what is known; "unknown" only when an unknown value could complete the opening.
 */
export function judgeWorld(
    rules: IngressRuleModel[],
    protocol: "tcp" | "udp",
    port: number,
    exempt: Cidr[],
    lists?: Map<ModelResource, PrefixListModel>,
): WorldVerdict {
    const definite: Expanded[] = [];
    const maybe: { e: Expanded; why?: Unknown }[] = [];
    for (const rule of rules) {
        const a = admits(rule, protocol, port);
        if (a === false) {
            continue;
        }
        const e = expand(rule, exempt, lists);
        a === true ? definite.push(e) : maybe.push({ e, why: a });
    }
    const cover = worldCover(definite.flatMap((e) => e.cidrs.map((c) => c.cidr)));
    if (cover) {
        const contributions = definite
            .map((e) => ({
                rule: e.rule,
                sources: cover.flatMap((c) =>
                    e.cidrs.filter((x) => x.cidr === c).map((x) => x.text),
                ),
            }))
            .filter((c) => c.sources.length > 0);
        // In the order of the addresses they cover.
        const first = (c: Contribution) =>
            Math.min(
                ...definite
                    .find((e) => e.rule === c.rule)!
                    .cidrs.filter((x) => cover.includes(x.cidr))
                    .map((x) => cover.indexOf(x.cidr)),
            );
        return { open: true, contributions: contributions.sort((a, b) => first(a) - first(b)) };
    }
    const waitingFor = [
        ...definite.flatMap((e) => e.unknowns),
        ...maybe.flatMap((m) => (m.e.unknowns.length > 0 ? [m.why!, ...m.e.unknowns] : [])),
    ];
    if (waitingFor.length > 0) {
        return { open: "unknown", waitingFor };
    }
    const all = [...definite, ...maybe.map((m) => m.e)];
    if (maybe.length > 0 && worldCover(all.flatMap((e) => e.cidrs.map((c) => c.cidr)))) {
        return { open: "unknown", waitingFor: maybe.map((m) => m.why!) };
    }
    return { open: false };
}

export function exemptCidrs(settings: SshSettings): Cidr[] {
    return settings.exemptCidrs.map(parseCidr).filter((c): c is Cidr => c !== undefined);
}

const ADVICE =
    "Bots scan every public address for SSH: narrow the source to your own network's CIDR, or reach hosts with SSM Session Manager or ECS Exec instead of SSH.";

/** The message for one rule that opens SSH on its own (kept as the v1 pack worded it). */
export function sshMessage(rule: IngressRuleModel, sshPort: number, sources: string[]): string {
    const what = rule.where === "" ? "Security group rule" : `Security group ${rule.where}`;
    const from =
        sources.length === 1
            ? `${sources[0]}, the whole internet`
            : `${sources.join(" + ")}, which together cover the whole internet`;
    return `${what} admits ${portsText(rule)} (including SSH port ${sshPort}) from ${from}. ${ADVICE}`;
}

/** The message for an opening that takes several rules (or a prefix list) together. */
export function unionMessage(
    group: string,
    sshPort: number,
    contributions: Contribution[],
): string {
    const parts = contributions.map(
        (c) => `${ruleLabel(c.rule)} (${portsText(c.rule)} from ${c.sources.join(" + ")})`,
    );
    return `${group} admits SSH port ${sshPort} from the whole internet through ${parts.length === 1 ? "one rule" : `${parts.length} rules together`}: ${parts.join("; ")}. ${ADVICE}`;
}

/** What a single resource's own rules open, CIDRs only: the findings the resource policy reports. */
function ownFindings(r: ModelResource, settings: SshSettings): { message: string; port: number }[] {
    const exempt = exemptCidrs(settings);
    const rules = declaredRules(r);
    const out: { message: string; port: number }[] = [];
    const reported = new Set<IngressRuleModel>();
    for (const port of settings.sshPorts) {
        let alone = false;
        for (const rule of rules) {
            const v = judgeWorld([rule], "tcp", port, exempt);
            if (v.open === true) {
                alone = true;
                if (!reported.has(rule)) {
                    reported.add(rule);
                    out.push({ port, message: sshMessage(rule, port, v.contributions[0].sources) });
                }
            }
        }
        if (!alone && rules.length > 1) {
            const v = judgeWorld(rules, "tcp", port, exempt);
            if (v.open === true && !v.contributions.every((c) => reported.has(c.rule))) {
                v.contributions.forEach((c) => reported.add(c.rule));
                out.push({
                    port,
                    message: unionMessage(
                        label(r).replace(/^security group/, "Security group"),
                        port,
                        v.contributions,
                    ),
                });
            }
        }
    }
    return out;
}

export const noSshFromInternet: ResourceValidationPolicy = waivable({
    name: "no-ssh-from-internet",
    description:
        "Security groups must not admit SSH (TCP 22, or all traffic) from the whole internet, IPv4 or IPv6.",
    enforcementLevel: "mandatory",
    configSchema: SSH_SCHEMA,
    validateResource: (args, reportViolation: ReportViolation) => {
        if (!isKind(args, "securityGroup") && !isKind(args, "securityGroupRule")) {
            return;
        }
        const settings = withDefaults(SSH_DEFAULTS, args.getConfig<Partial<SshSettings>>());
        for (const f of ownFindings(args, settings)) {
            reportViolation(f.message);
        }
    },
});

export const noSshFromInternetPerSecurityGroup: StackValidationPolicy = waivable({
    name: "no-ssh-from-internet-per-security-group",
    description:
        "Every security group, judged on the union of all its ingress rules across resources and providers (with managed prefix lists resolved), must not admit SSH from the whole internet.",
    enforcementLevel: "mandatory",
    configSchema: SSH_SCHEMA,
    validateStack: (args, reportViolation: ReportViolation) => {
        const settings = withDefaults(SSH_DEFAULTS, args.getConfig<Partial<SshSettings>>());
        const exempt = exemptCidrs(settings);
        const refs = new References(args.resources);
        const lists = prefixLists(refs);
        for (const group of securityGroups(refs)) {
            if (group.rules.length === 0) {
                continue;
            }
            const owners = [...new Set(group.rules.map((r) => r.owner))];
            // What one resource opens on its own is that resource's finding (no-ssh-from-internet, at Analyze).
            const ownPorts = new Set(
                owners.flatMap((o) => ownFindings(o, settings).map((f) => f.port)),
            );
            for (const port of settings.sshPorts) {
                if (ownPorts.has(port)) {
                    continue;
                }
                const v = judgeWorld(group.rules, "tcp", port, exempt, lists);
                const urn = group.resource?.urn ?? group.rules[0].owner.urn;
                if (v.open === true) {
                    reportViolation(
                        unionMessage(
                            group.name.replace(/^security group/, "Security group"),
                            port,
                            v.contributions,
                        ),
                        urn,
                    );
                    break;
                }
                if (v.open === "unknown") {
                    reportUndecided(
                        reportViolation,
                        noSshFromInternetPerSecurityGroup,
                        `whether ${group.name} admits SSH port ${port} from the whole internet`,
                        v.waitingFor,
                        urn,
                    );
                    break;
                }
            }
        }
    },
});
