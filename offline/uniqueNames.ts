/**
 * The names AWS keeps unique, which mocks never enforce: a resource that sets one of these names
 * itself (rather than letting Pulumi auto-name it with a random suffix) collides with any other stack
 * in the same account (and Region) that sets the same name, and cannot be replaced create-first.
 * Sources: AWS Cloud Map (NamespaceAlreadyExists), ECS Service Connect (discovery names unique in a
 * namespace), IAM (role and instance profile names unique per account), CloudWatch Logs, ECS,
 * EC2 Auto Scaling and launch templates (names unique per account and Region).
 */
import { EngineResource, isUnknown } from "./engine";

export type NameScope = "account" | "region" | "namespace";

interface UniqueName {
    type: string;
    scope: NameScope;
    /** The name(s) the resource fixes, when its inputs set them. */
    names(inputs: Record<string, any>): unknown[];
}

const byName = (property: string) => (inputs: Record<string, any>) => [inputs[property]];

export const UNIQUE_NAMES: UniqueName[] = [
    { type: "aws:servicediscovery/httpNamespace:HttpNamespace", scope: "region", names: byName("name") },
    { type: "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", scope: "region", names: byName("name") },
    { type: "aws:cloudwatch/logGroup:LogGroup", scope: "region", names: byName("name") },
    { type: "aws:iam/role:Role", scope: "account", names: byName("name") },
    { type: "aws:iam/instanceProfile:InstanceProfile", scope: "account", names: byName("name") },
    { type: "aws:ecs/cluster:Cluster", scope: "region", names: byName("name") },
    { type: "aws:ecs/capacityProvider:CapacityProvider", scope: "region", names: byName("name") },
    { type: "aws:autoscaling/group:Group", scope: "region", names: byName("name") },
    { type: "aws:ec2/launchTemplate:LaunchTemplate", scope: "region", names: byName("name") },
    { type: "aws:lb/loadBalancer:LoadBalancer", scope: "region", names: byName("name") },
    { type: "aws:lb/targetGroup:TargetGroup", scope: "region", names: byName("name") },
    { type: "aws:s3/bucket:Bucket", scope: "account", names: byName("bucket") },
    { type: "aws:s3/bucketV2:BucketV2", scope: "account", names: byName("bucket") },
    {
        // Discovery names (defaulting to the port name) are unique within the service's namespace.
        type: "aws:ecs/service:Service",
        scope: "namespace",
        names: (inputs) => (Array.isArray(inputs.serviceConnectConfiguration?.services) ? inputs.serviceConnectConfiguration.services.map((s: any) => s.discoveryName ?? s.portName) : []),
    },
];

export interface FixedName {
    urn: string;
    type: string;
    name: string;
    /** What must be unique: `region:us-east-1:<type>:<name>`, `account:<type>:<name>`, `namespace:<urn>:<name>`. */
    key: string;
    deleteBeforeReplace: boolean;
}

/** Every name a stack's resources fix, with the scope AWS keeps it unique in. */
export function fixedNames(resources: EngineResource[], region: string): FixedName[] {
    return resources.flatMap((r) => {
        const rule = UNIQUE_NAMES.find((u) => u.type === r.type);
        if (!rule) {
            return [];
        }
        const namespace = (r.propertyDependencies.serviceConnectConfiguration ?? [])[0] ?? "";
        return rule
            .names(r.inputs)
            .filter((n): n is string => typeof n === "string" && n.length > 0 && !isUnknown(n))
            .map((name) => ({
                urn: r.urn,
                type: r.type,
                name,
                key: rule.scope === "account" ? `account:${r.type}:${name}` : rule.scope === "region" ? `region:${region}:${r.type}:${name}` : `namespace:${namespace}:${name}`,
                deleteBeforeReplace: r.options.deleteBeforeReplace,
            }));
    });
}

/** Names fixed by more than one resource when the given stacks share one account: each with its holders. */
export function collisions(stacks: { stack: string; names: FixedName[] }[]): { key: string; holders: string[] }[] {
    const holders = new Map<string, string[]>();
    for (const { stack, names } of stacks) {
        for (const n of names) {
            holders.set(n.key, [...(holders.get(n.key) ?? []), `${stack}: ${n.urn}`]);
        }
    }
    return [...holders.entries()].filter(([, h]) => h.length > 1).map(([key, h]) => ({ key, holders: h }));
}
