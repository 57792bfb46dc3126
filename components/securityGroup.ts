import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "./tags";

/** A security group with the component that owns it: rules on it are that component's children. */
export interface GroupRef {
    readonly group: aws.ec2.SecurityGroup;
    readonly owner: pulumi.Resource;
    /** The owner's name, which rule names start with. */
    readonly name: string;
    readonly tags?: Record<string, string>;
}

/**
 * A security group that admits nothing and lets everything out (`${name}-sg` with one egress rule
 * `${name}-egress`): what tasks and container instances start with. Ingress is added by whoever
 * needs it, through `admit`.
 */
export function outboundOnlySecurityGroup(
    parent: pulumi.Resource,
    name: string,
    args: {
        vpcId: pulumi.Input<string>;
        description: string;
        egressDescription: string;
        tags: Record<string, string> | undefined;
    },
): GroupRef {
    const group = new aws.ec2.SecurityGroup(
        `${name}-sg`,
        {
            vpcId: args.vpcId,
            description: args.description,
            tags: nameTags(`${name}-sg`, args.tags),
        },
        { parent },
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-egress`,
        {
            securityGroupId: group.id,
            description: args.egressDescription,
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
            tags: nameTags(`${name}-egress`, args.tags),
        },
        { parent },
    );
    return { group, owner: parent, name, tags: args.tags };
}

export interface IngressSpec {
    protocol: "tcp" | "udp";
    from: number;
    to: number;
    /** Another group (its owner named in the rule), or the whole IPv4 internet. */
    source: { group: GroupRef } | { internet: true };
    /**
     * What a live stack knows this rule as, from an earlier release (name and parent): the rule is
     * aliased to it, so an upgrade updates the rule in place instead of creating it beside the old
     * one, which AWS refuses (InvalidPermission.Duplicate).
     */
    formerly?: { name: string; parent: pulumi.Resource }[];
}

// One rule per distinct (group, protocol, ports, source): AWS refuses a second identical rule
// (InvalidPermission.Duplicate), and services that share their capacity's group ask for the same
// rule. Keyed by the group object, so the register lives exactly as long as the program's resources.
const rules = new WeakMap<aws.ec2.SecurityGroup, Map<string, aws.vpc.SecurityGroupIngressRule>>();

/** The name of the rule that admits `spec` on `target`: its content, never who asked first. */
export function ingressRuleName(target: GroupRef, spec: IngressSpec): string {
    const ports = spec.from === spec.to ? `${spec.from}` : `${spec.from}-${spec.to}`;
    const source =
        "internet" in spec.source
            ? "internet"
            : spec.source.group.group === target.group
              ? "self"
              : spec.source.group.name;
    return `${target.name}-in-${spec.protocol}-${ports}-from-${source}`;
}

/**
 * Admits `spec` on `target` and returns the rule. Whoever asks for a rule that exists already gets
 * that rule: its name and parent (the group's owner) depend only on what it admits, so adding or
 * removing one of the services that share it never renames or replaces it.
 */
export function admit(target: GroupRef, spec: IngressSpec): aws.vpc.SecurityGroupIngressRule {
    const name = ingressRuleName(target, spec);
    const fromGroup = "group" in spec.source ? spec.source.group : undefined;
    return once(
        rules,
        target.group,
        name,
        () =>
            new aws.vpc.SecurityGroupIngressRule(
                name,
                {
                    securityGroupId: target.group.id,
                    description: fromGroup
                        ? `${spec.protocol} ${spec.from}-${spec.to} from ${fromGroup.group === target.group ? "this group" : fromGroup.name}`
                        : `${spec.protocol} ${spec.from}-${spec.to} from the internet, asked for in so many words (openToInternet)`,
                    ipProtocol: spec.protocol,
                    fromPort: spec.from,
                    toPort: spec.to,
                    ...(fromGroup
                        ? { referencedSecurityGroupId: fromGroup.group.id }
                        : { cidrIpv4: "0.0.0.0/0" }),
                    tags: nameTags(name, target.tags),
                },
                {
                    parent: target.owner,
                    ...(spec.formerly?.length
                        ? {
                              aliases: spec.formerly.map((f) => ({
                                  name: f.name,
                                  parent: f.parent.urn,
                              })),
                          }
                        : {}),
                },
            ),
    );
}

// One egress rule per distinct (group, protocol, ports, destination), for the same reason as ingress.
const egressRules = new WeakMap<
    aws.ec2.SecurityGroup,
    Map<string, aws.vpc.SecurityGroupEgressRule>
>();

/**
 * Lets `source` send `protocol` on `from`-`to` to the members of `destination`, and nowhere else:
 * a load balancer's group reaches exactly the task ports it routes to. Deduplicated like `admit`.
 */
export function allowEgress(
    source: GroupRef,
    spec: { protocol: "tcp" | "udp"; from: number; to: number; destination: GroupRef },
): aws.vpc.SecurityGroupEgressRule {
    const ports = spec.from === spec.to ? `${spec.from}` : `${spec.from}-${spec.to}`;
    const name = `${source.name}-out-${spec.protocol}-${ports}-to-${spec.destination.name}`;
    return once(
        egressRules,
        source.group,
        name,
        () =>
            new aws.vpc.SecurityGroupEgressRule(
                name,
                {
                    securityGroupId: source.group.id,
                    description: `${spec.protocol} ${spec.from}-${spec.to} to ${spec.destination.name}`,
                    ipProtocol: spec.protocol,
                    fromPort: spec.from,
                    toPort: spec.to,
                    referencedSecurityGroupId: spec.destination.group.id,
                    tags: nameTags(name, source.tags),
                },
                { parent: source.owner },
            ),
    );
}

/** The rule `name` on `group` from the register, created by `create` the first time it is asked for. */
function once<R>(
    register: WeakMap<aws.ec2.SecurityGroup, Map<string, R>>,
    group: aws.ec2.SecurityGroup,
    name: string,
    create: () => R,
): R {
    const rules = register.get(group) ?? new Map<string, R>();
    register.set(group, rules);
    if (!rules.has(name)) {
        rules.set(name, create());
    }
    return rules.get(name)!;
}
