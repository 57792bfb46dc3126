/**
 * The names AWS keeps unique, which mocks never enforce: a resource that sets one of these names
 * itself (rather than letting Pulumi auto-name it with a random suffix) collides with any other stack
 * in the same account (and Region) that sets the same name, and cannot be replaced create-first.
 * Sources: AWS Cloud Map (NamespaceAlreadyExists), ECS Service Connect (discovery names unique in a
 * namespace), IAM (role and instance profile names unique per account), CloudWatch Logs, ECS,
 * EC2 Auto Scaling and launch templates (names unique per account and Region).
 */
import { AWS_NAMES, NameScope } from "../../components/naming";
import { EngineResource, isUnknown } from "./view";

interface UniqueName {
    type: string;
    scope: NameScope;
    /** The name(s) the resource fixes, when its inputs set them. */
    names(inputs: Record<string, any>): unknown[];
}

/** Every type whose name AWS keeps unique, from the one table of naming rules (components/naming.ts). */
export const UNIQUE_NAMES: UniqueName[] = [
    ...Object.entries(AWS_NAMES)
        .filter(([, rule]) => rule.scope !== undefined)
        .map(([type, rule]) => ({
            type,
            scope: rule.scope!,
            names: (inputs: Record<string, any>) => [inputs[rule.property]],
        })),
    {
        // Discovery names (defaulting to the port name) are unique within the service's namespace.
        type: "aws:ecs/service:Service",
        scope: "namespace",
        names: (inputs) =>
            Array.isArray(inputs.serviceConnectConfiguration?.services)
                ? inputs.serviceConnectConfiguration.services.map(
                      (s: any) => s.discoveryName ?? s.portName,
                  )
                : [],
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
        // A name Pulumi generated is the resource's own: its random suffix never collides.
        if (!rule || (r.autoNamed !== undefined && rule.scope !== "namespace")) {
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
                key:
                    rule.scope === "account"
                        ? `account:${r.type}:${name}`
                        : rule.scope === "region"
                          ? `region:${region}:${r.type}:${name}`
                          : `namespace:${namespace}:${name}`,
                deleteBeforeReplace: r.options.deleteBeforeReplace,
            }));
    });
}

/** Names fixed by more than one resource when the given stacks share one account: each with its holders. */
export function collisions(
    stacks: { stack: string; names: FixedName[] }[],
): { key: string; holders: string[] }[] {
    const holders = new Map<string, string[]>();
    for (const { stack, names } of stacks) {
        for (const n of names) {
            holders.set(n.key, [...(holders.get(n.key) ?? []), `${stack}: ${n.urn}`]);
        }
    }
    return [...holders.entries()]
        .filter(([, h]) => h.length > 1)
        .map(([key, h]) => ({ key, holders: h }));
}
