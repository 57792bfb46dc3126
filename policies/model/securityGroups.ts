/**
 * Security groups with every ingress rule that applies to them, from every resource shape that
 * declares one, normalised into one model:
 * - `aws.ec2.SecurityGroup` / `aws.ec2.DefaultSecurityGroup` inline `ingress[]` (protocol, fromPort,
 *   toPort, cidrBlocks, ipv6CidrBlocks, prefixListIds, securityGroups, self);
 * - `aws.ec2.SecurityGroupRule` with `type: "ingress"` (the same fields, sourceSecurityGroupId,
 *   attached through securityGroupId);
 * - `aws.vpc.SecurityGroupIngressRule` (ipProtocol, cidrIpv4, cidrIpv6, prefixListId,
 *   referencedSecurityGroupId, attached through securityGroupId);
 * - `aws-native:ec2:SecurityGroup` inline `securityGroupIngress[]` and `aws-native:ec2:SecurityGroupIngress`
 *   (ipProtocol, cidrIp, cidrIpv6, sourcePrefixListId, sourceSecurityGroupId, attached through groupId).
 * Managed prefix lists (`aws.ec2.ManagedPrefixList` with its `entries` and `ManagedPrefixListEntry`
 * resources, `aws-native:ec2:PrefixList`) resolve to their CIDRs. Adding a provider is adding a
 * normaliser here; the rules judge only the model.
 */
import { Cidr, parseCidr } from "./cidr";
import { isKind, label, ModelResource, References, TYPES } from "./resources";
import { at, isUnknown, listAt, Unknown } from "./values";

/** Where a rule admits traffic from. */
export type Source =
    | { kind: "cidr"; text: string; cidr: Cidr | undefined }
    | { kind: "prefixList"; ref: string; lists: ModelResource[] }
    | { kind: "securityGroup"; ref: string; groups: ModelResource[] }
    | { kind: "unknown"; unknown: Unknown; of: "cidr" | "prefixList" | "securityGroup" };

export interface IngressRuleModel {
    /** The resource that declares the rule. */
    readonly owner: ModelResource;
    /** Where in the owner: `ingress[2]`, or "" for a rule resource. */
    readonly where: string;
    /** Lower-cased, trimmed: "-1", "all", "tcp", "6", "udp", ... */
    readonly protocol: string | Unknown;
    readonly fromPort: number | Unknown | undefined;
    readonly toPort: number | Unknown | undefined;
    readonly sources: readonly Source[];
}

export interface SecurityGroupModel {
    /** The group's resource, when the stack declares it. */
    readonly resource?: ModelResource;
    /** How messages name the group. */
    readonly name: string;
    /** Ingress rules (sources are where traffic may come from). */
    readonly rules: IngressRuleModel[];
    /** Egress rules, in the same model (sources are where traffic may go). */
    readonly egress: IngressRuleModel[];
}

/** How a message names a rule: `security group "web" ingress[0]` or `SecurityGroupRule "ssh"`. */
export function ruleLabel(rule: IngressRuleModel): string {
    return rule.where === "" ? label(rule.owner) : `${label(rule.owner)} ${rule.where}`;
}

interface Fields {
    protocol: string;
    cidrs: string[];
    prefixLists: string[];
    groups: string[];
    self?: string;
}

const AWS_FIELDS: Fields = {
    protocol: "protocol",
    cidrs: ["cidrBlocks", "ipv6CidrBlocks"],
    prefixLists: ["prefixListIds"],
    groups: ["securityGroups"],
    self: "self",
};
const AWS_RULE_FIELDS: Fields = {
    protocol: "protocol",
    cidrs: ["cidrBlocks", "ipv6CidrBlocks"],
    prefixLists: ["prefixListIds"],
    groups: ["sourceSecurityGroupId"],
    self: "self",
};
const VPC_RULE_FIELDS: Fields = {
    protocol: "ipProtocol",
    cidrs: ["cidrIpv4", "cidrIpv6"],
    prefixLists: ["prefixListId"],
    groups: ["referencedSecurityGroupId"],
};
const NATIVE_FIELDS: Fields = {
    protocol: "ipProtocol",
    cidrs: ["cidrIp", "cidrIpv6"],
    prefixLists: ["sourcePrefixListId"],
    groups: ["sourceSecurityGroupId", "sourceSecurityGroupName"],
};
const NATIVE_EGRESS_FIELDS: Fields = {
    protocol: "ipProtocol",
    cidrs: ["cidrIp", "cidrIpv6"],
    prefixLists: ["destinationPrefixListId"],
    groups: ["destinationSecurityGroupId"],
};

/** The property that holds a rule resource's group, per type. */
const GROUP_PROPERTY: Record<string, string> = {
    "aws:ec2/securityGroupRule:SecurityGroupRule": "securityGroupId",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "securityGroupId",
    "aws-native:ec2:SecurityGroupIngress": "groupId",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "securityGroupId",
    "aws-native:ec2:SecurityGroupEgress": "groupId",
};

/** One rule read from `props` at `base` ("" for a rule resource, `ingress[0]` inline). */
function readRule(
    owner: ModelResource,
    base: string,
    fields: Fields,
    dependencyProperty: (field: string) => string,
    refs: References | undefined,
    selfGroup: ModelResource | undefined,
): IngressRuleModel {
    const name = label(owner);
    const path = (field: string) => (base === "" ? field : `${base}.${field}`);
    const protocolValue = at(owner.props, path(fields.protocol), name);
    const protocol = isUnknown(protocolValue)
        ? protocolValue
        : String(protocolValue ?? "")
              .trim()
              .toLowerCase();
    const port = (field: string): number | Unknown | undefined => {
        const v = at(owner.props, path(field), name);
        return isUnknown(v) || v === undefined || v === null || v === ""
            ? ((v as Unknown | undefined) ?? undefined)
            : Number(v);
    };
    const sources: Source[] = [];
    const each = (
        field: string,
        of: Source["kind"] & ("cidr" | "prefixList" | "securityGroup"),
        push: (value: string) => void,
    ) => {
        const list = listAt(owner.props, path(field), name);
        for (const v of isUnknown(list) ? [list] : list) {
            if (isUnknown(v)) {
                const resolved =
                    of === "cidr"
                        ? resolveUnknownCidr(owner, dependencyProperty(field), refs)
                        : undefined;
                resolved === undefined
                    ? sources.push({ kind: "unknown", unknown: v, of })
                    : sources.push(resolved);
            } else if (v !== undefined && v !== null && v !== "") {
                push(String(v));
            }
        }
    };
    for (const field of fields.cidrs) {
        each(field, "cidr", (text) =>
            sources.push({ kind: "cidr", text: text.trim(), cidr: parseCidr(text) }),
        );
    }
    for (const field of fields.prefixLists) {
        each(field, "prefixList", (ref) =>
            sources.push({
                kind: "prefixList",
                ref,
                lists: refs ? refs.named(ref, "prefixList") : [],
            }),
        );
    }
    for (const field of fields.groups) {
        each(field, "securityGroup", (ref) =>
            sources.push({
                kind: "securityGroup",
                ref,
                groups: refs ? refs.named(ref, "securityGroup") : [],
            }),
        );
    }
    if (fields.self && at(owner.props, path(fields.self), name) === true) {
        sources.push({ kind: "securityGroup", ref: "self", groups: selfGroup ? [selfGroup] : [] });
    }
    // A reference unknown at preview: the property dependencies say which resources it can be.
    if (refs) {
        for (const [i, s] of sources.entries()) {
            if (s.kind === "unknown" && s.of !== "cidr") {
                const kind = s.of;
                const candidates = refs.dependencies(
                    owner,
                    dependencyProperty(
                        kind === "prefixList" ? fields.prefixLists[0] : fields.groups[0],
                    ),
                    kind,
                );
                const unknownCount = sources.filter(
                    (x) => x.kind === "unknown" && x.of === kind,
                ).length;
                if (candidates.length > 0 && (candidates.length === 1 || unknownCount === 1)) {
                    sources[i] =
                        kind === "prefixList"
                            ? { kind, ref: s.unknown.what, lists: candidates }
                            : { kind, ref: s.unknown.what, groups: candidates };
                }
            }
        }
    }
    return {
        owner,
        where: base,
        protocol,
        fromPort: port("fromPort"),
        toPort: port("toPort"),
        sources,
    };
}

/**
 * A CIDR unknown at preview that the property dependencies pin to exactly one VPC or subnet whose
 * block is known (`cidrBlocks: [vpc.cidrBlock]`): that block.
 */
function resolveUnknownCidr(
    owner: ModelResource,
    property: string,
    refs: References | undefined,
): Source | undefined {
    const candidates = (owner.propertyDependencies?.[property] ?? []).filter((d) =>
        CIDR_OWNERS.includes(d.type),
    );
    if (candidates.length !== 1 || refs === undefined) {
        return undefined;
    }
    const block = at(candidates[0].props, "cidrBlock", label(candidates[0]));
    return typeof block === "string"
        ? { kind: "cidr", text: block, cidr: parseCidr(block) }
        : undefined;
}

const CIDR_OWNERS = [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws-native:ec2:Vpc",
    "aws-native:ec2:Subnet",
];

/** The rules one resource declares in one direction, as its own (no other resource consulted). */
export function declaredRules(
    r: ModelResource,
    refs?: References,
    direction: "ingress" | "egress" = "ingress",
): IngressRuleModel[] {
    const name = label(r);
    const self = isKind(r, "securityGroup") ? r : undefined;
    const inline = (property: string, fields: Fields) => {
        const list = listAt(r.props, property, name);
        return isUnknown(list)
            ? [unknownRule(r, property, list)]
            : list.map((_, i) =>
                  readRule(r, `${property}[${i}]`, fields, () => property, refs, self),
              );
    };
    const egress = direction === "egress";
    switch (r.type) {
        case TYPES.securityGroup[0]:
        case TYPES.securityGroup[1]:
            return inline(egress ? "egress" : "ingress", AWS_FIELDS);
        case TYPES.securityGroup[2]:
            return inline(
                egress ? "securityGroupEgress" : "securityGroupIngress",
                egress ? NATIVE_EGRESS_FIELDS : NATIVE_FIELDS,
            );
        case TYPES.securityGroupRule[0]: {
            const type = at(r.props, "type", name);
            if (isUnknown(type)) {
                return [unknownRule(r, "", type)];
            }
            return String(type).trim().toLowerCase() === direction
                ? [readRule(r, "", AWS_RULE_FIELDS, (f) => f, refs, undefined)]
                : [];
        }
        case TYPES.securityGroupRule[1]:
            return egress ? [] : [readRule(r, "", VPC_RULE_FIELDS, (f) => f, refs, undefined)];
        case TYPES.securityGroupRule[2]:
            return egress ? [] : [readRule(r, "", NATIVE_FIELDS, (f) => f, refs, undefined)];
        case TYPES.securityGroupEgressRule[0]:
            return egress ? [readRule(r, "", VPC_RULE_FIELDS, (f) => f, refs, undefined)] : [];
        case TYPES.securityGroupEgressRule[1]:
            return egress ? [readRule(r, "", NATIVE_EGRESS_FIELDS, (f) => f, refs, undefined)] : [];
        default:
            return [];
    }
}

/** A rule list that is unknown as a whole: it may admit anything from anywhere. */
function unknownRule(owner: ModelResource, where: string, unknown: Unknown): IngressRuleModel {
    return {
        owner,
        where,
        protocol: unknown,
        fromPort: unknown,
        toPort: unknown,
        sources: [{ kind: "unknown", unknown, of: "cidr" }],
    };
}

/**
 * Every security group of the stack with the union of its rules: inline, and every rule resource
 * attached by property dependency (preview) or id (after up). A rule whose group is outside the
 * stack joins the other rules naming the same id; one whose group cannot be told stands alone.
 */
export function securityGroups(refs: References): SecurityGroupModel[] {
    const groups = new Map<ModelResource | string, SecurityGroupModel>();
    for (const r of refs.all("securityGroup")) {
        groups.set(r, {
            resource: r,
            name: label(r),
            rules: declaredRules(r, refs),
            egress: declaredRules(r, refs, "egress"),
        });
    }
    for (const rule of [...refs.all("securityGroupRule"), ...refs.all("securityGroupEgressRule")]) {
        const ingress = declaredRules(rule, refs);
        const egress = declaredRules(rule, refs, "egress");
        if (ingress.length === 0 && egress.length === 0) {
            continue;
        }
        const property = GROUP_PROPERTY[rule.type];
        const { found, unknown } = refs.follow(rule, property, "securityGroup");
        const value = at(rule.props, property, label(rule));
        const key: ModelResource | string =
            found[0] ?? (typeof value === "string" && value !== "" ? value : rule.urn);
        // `self: true` on a rule resource names the group the rule is attached to.
        const attach = (rules: IngressRuleModel[]) =>
            rules.map((r) => ({
                ...r,
                sources: r.sources.map((s) =>
                    s.kind === "securityGroup" && s.ref === "self"
                        ? { ...s, groups: found.slice(0, 1) }
                        : s,
                ),
            }));
        const group = groups.get(key) ?? {
            name: found[0]
                ? label(found[0])
                : typeof key === "string" && key !== rule.urn
                  ? `security group ${key} (outside this stack)`
                  : `the security group of ${label(rule)} (${unknown[0]?.what ?? property} is not known)`,
            rules: [],
            egress: [],
        };
        group.rules.push(...attach(ingress));
        group.egress.push(...attach(egress));
        groups.set(key, group);
    }
    return [...groups.values()];
}

export interface PrefixListModel {
    readonly resource: ModelResource;
    /** Every entry's CIDR, known or not. */
    readonly cidrs: (Cidr | Unknown)[];
}

/** Each prefix list of the stack with its entries (inline `entries` and entry resources). */
export function prefixLists(refs: References): Map<ModelResource, PrefixListModel> {
    const out = new Map<ModelResource, PrefixListModel>();
    for (const r of refs.all("prefixList")) {
        const entries = listAt(r.props, "entries", label(r));
        const cidrs: (Cidr | Unknown)[] = [];
        for (const [i, e] of (isUnknown(entries) ? [entries] : entries).entries()) {
            const cidr = isUnknown(e) ? e : at(e, "cidr", `${label(r)} entries[${i}]`);
            const parsed = isUnknown(cidr)
                ? cidr
                : typeof cidr === "string"
                  ? parseCidr(cidr)
                  : undefined;
            if (parsed) {
                cidrs.push(parsed);
            }
        }
        out.set(r, { resource: r, cidrs });
    }
    for (const entry of refs.all("prefixListEntry")) {
        const { found } = refs.follow(entry, "prefixListId", "prefixList");
        const cidr = at(entry.props, "cidr", label(entry));
        for (const list of found) {
            const parsed = isUnknown(cidr)
                ? cidr
                : typeof cidr === "string"
                  ? parseCidr(cidr)
                  : undefined;
            if (parsed) {
                out.get(list)?.cidrs.push(parsed);
            }
        }
    }
    return out;
}

/** Whether a rule admits `protocol` ("tcp" or "udp") on `port`: true, false, or Unknown. */
export function admits(
    rule: IngressRuleModel,
    protocol: "tcp" | "udp",
    port: number,
): boolean | Unknown {
    if (isUnknown(rule.protocol)) {
        return rule.protocol;
    }
    if (rule.protocol === "-1" || rule.protocol === "all") {
        return true;
    }
    const numbers = { tcp: "6", udp: "17" };
    if (rule.protocol !== protocol && rule.protocol !== numbers[protocol]) {
        return false;
    }
    if (isUnknown(rule.fromPort)) {
        return rule.fromPort;
    }
    if (isUnknown(rule.toPort)) {
        return rule.toPort;
    }
    const from = rule.fromPort ?? 0;
    const to = rule.toPort ?? 65535;
    // -1 in a port field means every port in some tools.
    return from < 0 || to < 0 ? true : port >= from && port <= to;
}

/** The ports a rule admits for a protocol, for messages: "tcp 22-22", "all traffic (protocol -1)". */
export function portsText(rule: IngressRuleModel): string {
    if (rule.protocol === "-1" || rule.protocol === "all") {
        return "all traffic (protocol -1)";
    }
    const p = isUnknown(rule.protocol)
        ? "?"
        : rule.protocol === "6"
          ? "tcp"
          : rule.protocol === "17"
            ? "udp"
            : rule.protocol;
    const n = (v: number | Unknown | undefined, d: number) => (isUnknown(v) ? "?" : (v ?? d));
    return `${p} ${n(rule.fromPort, 0)}-${n(rule.toPort, 65535)}`;
}
