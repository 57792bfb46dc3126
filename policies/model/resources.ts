/**
 * The resources a rule reads, from any provider, and the references between them. A reference is
 * followed through the engine's `propertyDependencies` first (they exist at preview, when ids do
 * not), then by matching the value against the ids, ARNs and names the resources report; that index
 * is built once, only when a dependency does not answer, and skips unknown values.
 */
import { at, isUnknown, known, Unknown, UNKNOWN_SENTINEL } from "./values";

/** What the model needs of a resource: `PolicyResource` satisfies it, and so does the plan's view. */
export interface ModelResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, any>;
    readonly propertyDependencies?: Record<string, ModelResource[]>;
    readonly provider?: { readonly props: Record<string, any> } | null;
}

/** The type tokens of each provider family, by what the resource is. */
export const TYPES = {
    securityGroup: [
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws-native:ec2:SecurityGroup",
    ],
    securityGroupRule: [
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws-native:ec2:SecurityGroupIngress",
    ],
    securityGroupEgressRule: [
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws-native:ec2:SecurityGroupEgress",
    ],
    vpc: ["aws:ec2/vpc:Vpc", "aws-native:ec2:VPC"],
    routeTable: [
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/defaultRouteTable:DefaultRouteTable",
        "aws-native:ec2:RouteTable",
    ],
    route: ["aws:ec2/route:Route", "aws-native:ec2:Route"],
    routeTableAssociation: [
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
        "aws-native:ec2:SubnetRouteTableAssociation",
    ],
    internetGateway: ["aws:ec2/internetGateway:InternetGateway", "aws-native:ec2:InternetGateway"],
    internetGatewayAttachment: [
        "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment",
        "aws-native:ec2:VPCGatewayAttachment",
    ],
    natGateway: ["aws:ec2/natGateway:NatGateway", "aws-native:ec2:NatGateway"],
    networkAcl: [
        "aws:ec2/networkAcl:NetworkAcl",
        "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
        "aws-native:ec2:NetworkAcl",
    ],
    networkAclRule: ["aws:ec2/networkAclRule:NetworkAclRule", "aws-native:ec2:NetworkAclEntry"],
    networkAclAssociation: [
        "aws:ec2/networkAclAssociation:NetworkAclAssociation",
        "aws-native:ec2:SubnetNetworkAclAssociation",
    ],
    loadBalancer: [
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:alb/loadBalancer:LoadBalancer",
        "aws-native:elasticloadbalancingv2:LoadBalancer",
    ],
    listener: [
        "aws:lb/listener:Listener",
        "aws:alb/listener:Listener",
        "aws-native:elasticloadbalancingv2:Listener",
    ],
    listenerRule: [
        "aws:lb/listenerRule:ListenerRule",
        "aws:alb/listenerRule:ListenerRule",
        "aws-native:elasticloadbalancingv2:ListenerRule",
    ],
    targetGroup: [
        "aws:lb/targetGroup:TargetGroup",
        "aws:alb/targetGroup:TargetGroup",
        "aws-native:elasticloadbalancingv2:TargetGroup",
    ],
    prefixList: ["aws:ec2/managedPrefixList:ManagedPrefixList", "aws-native:ec2:PrefixList"],
    prefixListEntry: ["aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry"],
    service: ["aws:ecs/service:Service", "aws-native:ecs:Service"],
    taskSet: ["aws:ecs/taskSet:TaskSet", "aws-native:ecs:TaskSet"],
    taskDefinition: ["aws:ecs/taskDefinition:TaskDefinition", "aws-native:ecs:TaskDefinition"],
    cluster: ["aws:ecs/cluster:Cluster", "aws-native:ecs:Cluster"],
    capacityProvider: [
        "aws:ecs/capacityProvider:CapacityProvider",
        "aws-native:ecs:CapacityProvider",
    ],
    clusterCapacityProviders: [
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "aws-native:ecs:ClusterCapacityProviderAssociations",
    ],
    autoScalingGroup: ["aws:autoscaling/group:Group", "aws-native:autoscaling:AutoScalingGroup"],
    launchTemplate: ["aws:ec2/launchTemplate:LaunchTemplate", "aws-native:ec2:LaunchTemplate"],
    launchConfiguration: [
        "aws:ec2/launchConfiguration:LaunchConfiguration",
        "aws-native:autoscaling:LaunchConfiguration",
    ],
    subnet: ["aws:ec2/subnet:Subnet", "aws-native:ec2:Subnet"],
    instance: ["aws:ec2/instance:Instance", "aws-native:ec2:Instance"],
    elasticIp: ["aws:ec2/eip:Eip", "aws-native:ec2:Eip"],
    vpcEndpoint: ["aws:ec2/vpcEndpoint:VpcEndpoint", "aws-native:ec2:VpcEndpoint"],
    flowLog: ["aws:ec2/flowLog:FlowLog", "aws-native:ec2:FlowLog"],
} as const;

export type Kind = keyof typeof TYPES;

const KIND_OF = new Map<string, Kind>(
    Object.entries(TYPES).flatMap(([kind, types]) => types.map((t) => [t, kind as Kind])),
);

export const kindOf = (type: string): Kind | undefined => KIND_OF.get(type);
export const isKind = (r: { type: string }, kind: Kind): boolean => KIND_OF.get(r.type) === kind;
export const isNative = (r: { type: string }): boolean => r.type.startsWith("aws-native:");

/** The fields by which one resource names another, in each provider's outputs. */
const NAMING_FIELDS = [
    "id",
    "arn",
    "name",
    "groupId",
    "prefixListId",
    "serviceArn",
    "clusterName",
    "clusterArn",
    "autoScalingGroupName",
    "launchTemplateId",
    "launchTemplateName",
    "launchConfigurationName",
    "subnetId",
    "taskDefinitionArn",
    "arnWithoutRevision",
    "family",
    "autoScalingGroupArn",
    "vpcId",
    "routeTableId",
    "internetGatewayId",
    "natGatewayId",
    "networkAclId",
    "loadBalancerArn",
    "listenerArn",
    "targetGroupArn",
];

const WORDS: Record<Kind, string> = {
    securityGroup: "security group",
    securityGroupRule: "security group rule",
    prefixList: "prefix list",
    prefixListEntry: "prefix list entry",
    service: "ECS service",
    taskSet: "ECS task set",
    taskDefinition: "task definition",
    cluster: "ECS cluster",
    capacityProvider: "capacity provider",
    clusterCapacityProviders: "cluster capacity providers",
    autoScalingGroup: "Auto Scaling group",
    launchTemplate: "launch template",
    launchConfiguration: "launch configuration",
    subnet: "subnet",
    securityGroupEgressRule: "security group egress rule",
    vpc: "VPC",
    routeTable: "route table",
    route: "route",
    routeTableAssociation: "route table association",
    internetGateway: "internet gateway",
    internetGatewayAttachment: "internet gateway attachment",
    natGateway: "NAT gateway",
    networkAcl: "network ACL",
    networkAclRule: "network ACL rule",
    networkAclAssociation: "network ACL association",
    loadBalancer: "load balancer",
    listener: "listener",
    listenerRule: "listener rule",
    targetGroup: "target group",
    instance: "EC2 instance",
    elasticIp: "Elastic IP",
    vpcEndpoint: "VPC endpoint",
    flowLog: "flow log",
};

/** How messages name a resource: its kind of thing and its Pulumi name (`security group "web"`). */
export function label(r: { type: string; name: string }): string {
    const kind = kindOf(r.type);
    return `${kind ? WORDS[kind] : r.type.split(/[:/]/).pop()} "${r.name}"`;
}

export class References {
    private index?: Map<string, ModelResource[]>;
    private readonly byKind = new Map<Kind, ModelResource[]>();

    constructor(readonly resources: readonly ModelResource[]) {
        for (const r of resources) {
            const kind = kindOf(r.type);
            if (kind) {
                const list = this.byKind.get(kind);
                list ? list.push(r) : this.byKind.set(kind, [r]);
            }
        }
    }

    /** Every resource of a kind, from every provider. */
    all(kind: Kind): ModelResource[] {
        return this.byKind.get(kind) ?? [];
    }

    private byValue(): Map<string, ModelResource[]> {
        if (this.index === undefined) {
            this.index = new Map();
            for (const r of this.resources) {
                if (!kindOf(r.type)) {
                    continue;
                }
                for (const field of NAMING_FIELDS) {
                    const key = known("", () => r.props[field]);
                    if (typeof key === "string" && key.length > 0 && key !== UNKNOWN_SENTINEL) {
                        const list = this.index.get(key);
                        list ? list.includes(r) || list.push(r) : this.index.set(key, [r]);
                    }
                }
            }
        }
        return this.index;
    }

    /** Resources of `kind` that feed `property` of `from`, by the engine's property dependencies. */
    dependencies(from: ModelResource, property: string, kind: Kind): ModelResource[] {
        return (from.propertyDependencies?.[property] ?? []).filter((d) => isKind(d, kind));
    }

    /** The resources of `kind` a known value names (an id, ARN, name, or ARN with a revision). */
    named(value: unknown, kind: Kind): ModelResource[] {
        if (typeof value !== "string" || value === "" || value === UNKNOWN_SENTINEL) {
            return [];
        }
        const index = this.byValue();
        const hits =
            index.get(value) ??
            index.get(value.replace(/:\d+$/, "")) ??
            index.get(value.split("/").pop() ?? "") ??
            [];
        return hits.filter((r) => isKind(r, kind));
    }

    /**
     * The resources of `kind` that `from`'s property refers to: its property dependencies when they
     * name any, else the values at `paths` matched by name. `unresolved` lists values that were unknown.
     */
    follow(
        from: ModelResource,
        property: string,
        kind: Kind,
        paths: string[] = [property],
    ): { found: ModelResource[]; unknown: Unknown[]; outside: string[] } {
        const viaDependency = this.dependencies(from, property, kind);
        if (viaDependency.length > 0) {
            return { found: viaDependency, unknown: [], outside: [] };
        }
        const found: ModelResource[] = [];
        const unknown: Unknown[] = [];
        const outside: string[] = [];
        for (const path of paths) {
            const value = at(from.props, path, label(from));
            for (const v of Array.isArray(value) ? value : [value]) {
                if (isUnknown(v)) {
                    unknown.push(v);
                } else {
                    const named = this.named(v, kind);
                    // A value that names nothing here is a resource outside the stack (an adopted subnet).
                    if (named.length === 0 && typeof v === "string" && v !== "") outside.push(v);
                    for (const r of named) {
                        if (!found.includes(r)) {
                            found.push(r);
                        }
                    }
                }
            }
        }
        return { found, unknown, outside };
    }
}

/** A tag map from either provider's shape: `{key: value}` (aws) or `[{key, value}]` (aws-native, Auto Scaling). */
export function tagMap(value: unknown): Map<string, unknown> | Unknown | undefined {
    if (isUnknown(value)) {
        return value;
    }
    if (value === undefined || value === null) {
        return undefined;
    }
    // Key by key: one unknown value (an owner tag built from an ARN) is that tag's Unknown, and the
    // keys that matter are still read. Reading them all at once would raise the SDK's
    // UnknownValueError and switch off every policy that reads tags.
    if (Array.isArray(value)) {
        const tags = new Map<string, unknown>();
        // Indices, never forEach: forEach reads each element, an unknown one included, before the callback.
        for (let i = 0; i < value.length; i++) {
            const t = known(`tags[${i}]`, () => value[i]);
            // An entry or key not known yet could be any tag: the whole list waits for it.
            if (isUnknown(t)) return t;
            if (!t || typeof t !== "object") continue;
            const key = known(`tags[${i}].key`, () => (t as any).key ?? (t as any).Key);
            if (isUnknown(key)) return key;
            tags.set(
                String(key),
                known(`tags.${String(key)}`, () => (t as any).value ?? (t as any).Value),
            );
        }
        return tags;
    }
    if (typeof value === "object") {
        const tags = new Map<string, unknown>();
        for (const key of Object.keys(value as object)) {
            tags.set(
                key,
                known(`tags.${key}`, () => (value as Record<string, unknown>)[key]),
            );
        }
        return tags;
    }
    return undefined;
}

/**
 * A provider's default tags: `@pulumi/aws` sends an explicit provider's `defaultTags` JSON-encoded
 * (`{"tags":{...}}`), and a default provider's inputs are the stack's `aws:*` config, also JSON.
 */
export function providerDefaultTags(
    provider: ModelResource["provider"],
): Map<string, unknown> | Unknown | undefined {
    if (!provider) {
        return undefined;
    }
    const raw = at(provider.props, "defaultTags", "the provider's");
    if (isUnknown(raw) || raw === undefined || raw === null) {
        return raw as Unknown | undefined;
    }
    let parsed: unknown = raw;
    if (typeof raw === "string") {
        try {
            parsed = JSON.parse(raw);
        } catch {
            return undefined;
        }
    }
    return tagMap((parsed as { tags?: unknown } | undefined)?.tags);
}
