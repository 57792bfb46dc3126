/**
 * What `Analyze` saw, for `AnalyzeStack`. In a preview the engine hands `AnalyzeStack` each new
 * resource's Create-preview outputs, where everything the provider computes is unknown: an input the
 * program left unset that the provider computes (a security group's `ingress`, a service's
 * `launchType`), and any list or map holding one unknown value (a nested block is a list to the
 * provider, so `networkConfiguration` with unknown subnet ids is unknown as a whole). The same
 * resource's inputs, which `Analyze` received earlier in the same deployment and in this same pack
 * process, still say what the program asked for: nothing (the input is unset), or the list with only
 * its unknown element unknown. The engine starts one analyzer per deployment, calls `Analyze` as it
 * steps each resource, and `AnalyzeStack` once at the end (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go: `generateSteps` "Send the resource off to any Analyzers",
 * then `AnalyzeResources`).
 *
 * So where an output is unknown as a whole, the stack rules read the input instead. That is sound
 * for what the rules ask: a computed `ingress` also lists rules that other resources add (which the
 * rules read from those resources), and an unset `launchType` is decided by the placement rules
 * from the strategy, as AWS decides it. Without a record (every resource policy of the pack turned
 * off) the output stays unknown, and a verdict that needs it waits, advisory.
 */
import type {
    PolicyResource,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { UNKNOWN_SENTINEL } from "./values";

/** The policy SDK's handle on a proxied value's plain target (@pulumi/policy proxy.js). */
const PROXY_TARGET = "__getSpecialProxyTarget";

const seen = new Map<string, Record<string, unknown>>();
/** Whether `AnalyzeStack` ran since the last `Analyze`: the next `Analyze` starts another deployment's records. */
let stackAnalyzed = false;

function plain(props: unknown): Record<string, unknown> {
    const target = (props as Record<string, unknown> | undefined)?.[PROXY_TARGET];
    return (target ?? props ?? {}) as Record<string, unknown>;
}

/** Records the inputs `Analyze` gave a resource (the latest wins: a later deployment re-analyzes it). */
export function recordAnalyzed(urn: string, props: unknown): void {
    // The CLI starts a pack per deployment; a process that serves another (the offline plan's tests
    // share one) forgets the last one's inputs when its first resource arrives.
    if (stackAnalyzed) {
        seen.clear();
        stackAnalyzed = false;
    }
    seen.set(urn, plain(props));
}

/**
 * Inputs the AWS provider computes when the program leaves them unset (Optional+Computed), of the
 * types the rules read, where "unset" means what the rules already take it to mean: no inline rules
 * or routes or entries (the stack's rule, route and entry resources add theirs), no launch type
 * (the strategy decides), no public-IP setting (the subnet decides), an internet-facing load
 * balancer. Taken from `@pulumi/aws`'s types (input optional, output not); a test keeps each in
 * that set. Left out on purpose, so they stay unknown: what AWS fills with something the rules
 * would otherwise miss (an instance's or load balancer's default security group, a default subnet,
 * an IPAM-allocated CIDR).
 */
export const COMPUTED_WHEN_UNSET: Record<string, readonly string[]> = {
    "aws:ec2/securityGroup:SecurityGroup": ["ingress", "egress"],
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ["ingress", "egress"],
    "aws:ec2/networkAcl:NetworkAcl": ["ingress", "egress", "subnetIds"],
    "aws:ec2/routeTable:RouteTable": ["routes"],
    "aws:ec2/managedPrefixList:ManagedPrefixList": ["entries"],
    "aws:ecs/service:Service": ["launchType", "platformVersion"],
    "aws:ec2/instance:Instance": ["associatePublicIpAddress", "networkInterfaces"],
    "aws:ec2/launchTemplate:LaunchTemplate": ["metadataOptions"],
    "aws:autoscaling/group:Group": ["launchTemplate", "mixedInstancesPolicy"],
    "aws:lb/loadBalancer:LoadBalancer": ["internal", "ipAddressType", "subnetMappings"],
};

/**
 * A resource's outputs with every wholly unknown property replaced by the input `Analyze` saw for
 * it; an input the program left unset is absent where `COMPUTED_WHEN_UNSET` says what unset means,
 * and stays unknown elsewhere (an id, an ARN, an address: only the provider knows them). The outputs
 * as they are when nothing was recorded.
 */
export function withAnalyzedInputs(
    r: { urn: string; type: string },
    props: unknown,
): Record<string, unknown> {
    const outputs = plain(props);
    const inputs = seen.get(r.urn);
    return inputs === undefined ? outputs : mergeAnalyzed(r.type, outputs, inputs);
}

/** Outputs with each wholly unknown property read from the inputs (see `withAnalyzedInputs`). */
export function mergeAnalyzed(
    type: string,
    outputs: Record<string, unknown>,
    inputs: Record<string, unknown>,
): Record<string, unknown> {
    const unset = COMPUTED_WHEN_UNSET[type] ?? [];
    const merged: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(outputs)) {
        if (value !== UNKNOWN_SENTINEL) merged[key] = value;
        else if (inputs[key] !== undefined) merged[key] = inputs[key];
        else if (!unset.includes(key)) merged[key] = value;
    }
    return merged;
}

/**
 * A policy that takes part in the preview's bookkeeping: a resource policy records what it is
 * given; a stack policy reads every resource through `withAnalyzedInputs`.
 */
export function previewAware<P extends ResourceValidationPolicy | StackValidationPolicy>(
    policy: P,
): P {
    if ("validateResource" in policy) {
        const validate = policy.validateResource as (args: any, report: any) => unknown;
        return {
            ...policy,
            validateResource: (args: any, report: any) => {
                recordAnalyzed(args.urn, args.props);
                return validate(args, report);
            },
        };
    }
    const validate = (policy as StackValidationPolicy).validateStack as (
        args: any,
        report: any,
    ) => unknown;
    return {
        ...policy,
        validateStack: (args: any, report: any) => {
            stackAnalyzed = true;
            for (const r of args.resources as PolicyResource[]) {
                (r as { props: Record<string, unknown> }).props = withAnalyzedInputs(r, r.props);
            }
            return validate(args, report);
        },
    };
}
