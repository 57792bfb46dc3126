import {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    UnknownValueError,
} from "@pulumi/policy";
import { SENSITIVITY_DEFAULTS, SENSITIVITY_SCHEMA, SensitivitySettings, withDefaults } from "./settings";

export const ECS_SERVICE = "aws:ecs/service:Service";
export const ECS_TASK_SET = "aws:ecs/taskSet:TaskSet";
export const ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const TASK_RUNNERS = [ECS_SERVICE, ECS_TASK_SET];

/** `assignPublicIp` as any tool writes it: true, "true", "ENABLED". */
export function assignsPublicIp(props: Record<string, any>): boolean {
    const value = props.networkConfiguration?.assignPublicIp;
    return value === true || ["true", "enabled"].includes(String(value).trim().toLowerCase());
}

/** The tag that marks these tags sensitive, as `key=value`, or undefined. */
export function sensitiveTag(tags: Record<string, unknown> | undefined, settings: SensitivitySettings): string | undefined {
    const value = tags?.[settings.classificationTagKey];
    if (value === undefined || value === null) {
        return undefined;
    }
    const normalised = String(value).trim().toLowerCase();
    return settings.sensitiveValues.some((v) => v.toLowerCase() === normalised) ? `${settings.classificationTagKey}=${value}` : undefined;
}

/**
 * Why this workload is sensitive, or undefined: the pack's config, the stack's tags, the provider's
 * default tags, then the resource's own tags (read last: they may be unknown during preview).
 */
export function sensitivityReason(
    props: Record<string, any>,
    stackTags: ReadonlyMap<string, string>,
    settings: SensitivitySettings,
    providerProps?: Record<string, any>,
): string | undefined {
    if (settings.allTasksSensitive) {
        return "the policy pack's config marks every task sensitive (allTasksSensitive)";
    }
    const stackTag = sensitiveTag(Object.fromEntries(stackTags), settings);
    if (stackTag) {
        return `stack tag ${stackTag}`;
    }
    const defaultTag = sensitiveTag(providerProps?.defaultTags?.tags, settings);
    if (defaultTag) {
        return `provider default tag ${defaultTag}`;
    }
    const ownTag = sensitiveTag(props.tags, settings);
    return ownTag ? `tag ${ownTag}` : undefined;
}

export function publicIpMessage(type: string, name: string, reason: string): string {
    const kind = type === ECS_TASK_SET ? "ECS task set" : "ECS service";
    return (
        `${kind} "${name}" is sensitive (${reason}) but sets networkConfiguration.assignPublicIp to true, ` +
        `which gives every task a public IP reachable from the internet. Set assignPublicIp to false and ` +
        `run the tasks in private subnets behind a NAT gateway.`
    );
}

function violationOf(args: ResourceValidationArgs): string | undefined {
    if (!TASK_RUNNERS.includes(args.type) || !assignsPublicIp(args.props)) {
        return undefined;
    }
    const settings = withDefaults(SENSITIVITY_DEFAULTS, args.getConfig<Partial<SensitivitySettings>>());
    const reason = sensitivityReason(args.props, args.stackTags, settings, args.provider?.props);
    return reason ? publicIpMessage(args.type, args.name, reason) : undefined;
}

export const noPublicIpOnSensitiveTasks: ResourceValidationPolicy = {
    name: "no-public-ip-on-sensitive-tasks",
    description: "ECS services and task sets of sensitive workloads must not give tasks public IPs (assignPublicIp).",
    enforcementLevel: "mandatory",
    configSchema: SENSITIVITY_SCHEMA,
    validateResource: (args, reportViolation) => {
        const message = violationOf(args);
        if (message) {
            reportViolation(message);
        }
    },
    remediateResource: (args) => {
        if (!violationOf(args)) {
            return undefined;
        }
        return { ...args.props, networkConfiguration: { ...args.props.networkConfiguration, assignPublicIp: false } };
    },
};

export const CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider";
export const CLUSTER_CAPACITY_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders";
export const AUTOSCALING_GROUP = "aws:autoscaling/group:Group";
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration";
export const SUBNET = "aws:ec2/subnet:Subnet";
export const ECS_CLUSTER = "aws:ecs/cluster:Cluster";

/**
 * Follows references between resources: first through the engine's property dependencies (which
 * exist at preview, when ids are unknown), then by matching the value against ids, ARNs and names.
 * That index is built only when a reference is not in the property dependencies, and skips values
 * that are unknown: an unknown id matches nothing, and reading it must not switch the policy off.
 */
export class References {
    private index?: Map<string, PolicyResource[]>;

    constructor(private readonly resources: PolicyResource[]) {}

    private byValue(): Map<string, PolicyResource[]> {
        if (this.index === undefined) {
            this.index = new Map();
            for (const r of this.resources) {
                for (const field of ["id", "arn", "arnWithoutRevision", "name", "family"]) {
                    const key = knownOrUndefined(() => r.props[field]);
                    if (typeof key === "string" && key.length > 0) {
                        const list = this.index.get(key);
                        if (list) {
                            list.push(r);
                        } else {
                            this.index.set(key, [r]);
                        }
                    }
                }
            }
        }
        return this.index;
    }

    /** The resources of `type` that `from.props[property]` refers to. */
    follow(from: PolicyResource, property: string, type: string, value?: () => unknown): PolicyResource[] {
        const viaDependency = (from.propertyDependencies?.[property] ?? []).filter((d) => d.type === type);
        if (viaDependency.length > 0) {
            return viaDependency;
        }
        const raw = value ? value() : from.props[property];
        const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === "string");
        const index = values.length > 0 ? this.byValue() : undefined;
        return values.flatMap((v) => (index!.get(v) ?? index!.get(v.replace(/:\d+$/, "")) ?? []).filter((r) => r.type === type));
    }
}

/** A value, or undefined when reading it raises the SDK's UnknownValueError (it is unknown at preview). */
export function knownOrUndefined<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) {
            return undefined;
        }
        throw e;
    }
}

/** The task definition a service or task set runs. */
export function taskDefinitionOf(runner: PolicyResource, refs: References): PolicyResource | undefined {
    return refs.follow(runner, "taskDefinition", ECS_TASK_DEFINITION)[0];
}

function truthy(value: unknown): boolean | undefined {
    if (value === undefined || value === null || value === "") {
        return undefined;
    }
    return value === true || String(value).trim().toLowerCase() === "true";
}

/** How an Auto Scaling group's instances get a public IP, or undefined when they do not. */
export function publicHostReason(group: PolicyResource, refs: References): string | undefined {
    const template = refs.follow(group, "launchTemplate", LAUNCH_TEMPLATE, () => group.props.launchTemplate?.id ?? group.props.launchTemplate?.name)[0];
    // Launch templates store associatePublicIpAddress as a string ("true"): compare parsed, not `=== true`.
    const fromTemplate = truthy(template?.props.networkInterfaces?.[0]?.associatePublicIpAddress);
    if (fromTemplate !== undefined) {
        return fromTemplate ? `launch template "${template!.name}" sets associatePublicIpAddress "${template!.props.networkInterfaces[0].associatePublicIpAddress}"` : undefined;
    }
    const configuration = refs.follow(group, "launchConfiguration", LAUNCH_CONFIGURATION)[0];
    const fromConfiguration = truthy(configuration?.props.associatePublicIpAddress);
    if (fromConfiguration !== undefined) {
        return fromConfiguration ? `launch configuration "${configuration!.name}" sets associatePublicIpAddress` : undefined;
    }
    // Unset: the subnet decides, through mapPublicIpOnLaunch.
    const subnets = refs.follow(group, "vpcZoneIdentifiers", SUBNET);
    const mapping = subnets.find((s) => truthy(s.props.mapPublicIpOnLaunch));
    return mapping ? `its subnet "${mapping.name}" maps public IPs on launch and the launch template leaves associatePublicIpAddress unset` : undefined;
}

/** The capacity providers a runner's tasks land on: its own strategy, else its cluster's default. */
function capacityProvidersOf(runner: PolicyResource, refs: References, associations: PolicyResource[]): PolicyResource[] {
    const strategies: any[] = runner.props.capacityProviderStrategies ?? [];
    if (strategies.length > 0) {
        return refs.follow(runner, "capacityProviderStrategies", CAPACITY_PROVIDER, () => strategies.map((s) => s.capacityProvider));
    }
    if (String(runner.props.launchType ?? "").toUpperCase() !== "EC2" && runner.props.launchType !== undefined) {
        return [];
    }
    const clusters = refs.follow(runner, "cluster", ECS_CLUSTER);
    return associations.filter((a) => clusters.some((c) => refs.follow(a, "clusterName", ECS_CLUSTER).includes(c))).flatMap((a) =>
        refs.follow(a, "defaultCapacityProviderStrategies", CAPACITY_PROVIDER, () => (a.props.defaultCapacityProviderStrategies ?? []).map((s: any) => s.capacityProvider)),
    );
}

export function ec2PublicIpMessage(type: string, name: string, reason: string, provider: string, hosts: string): string {
    const kind = type === ECS_TASK_SET ? "ECS task set" : "ECS service";
    return (
        `${kind} "${name}" is sensitive (${reason}) but runs on EC2 capacity provider "${provider}" whose instances get public IPs ` +
        `(${hosts}), so its hosts are reachable from the internet. Launch the instances in private subnets with ` +
        `associatePublicIpAddress "false" and reach the internet through a NAT gateway.`
    );
}

export const noPublicIpOnSensitiveTasksByReference: StackValidationPolicy = {
    name: "no-public-ip-on-sensitive-tasks-by-reference",
    description: "Sensitive ECS tasks must not get a public IP through references: a sensitive task definition behind assignPublicIp, or EC2 capacity whose instances get public IPs.",
    enforcementLevel: "mandatory",
    configSchema: SENSITIVITY_SCHEMA,
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const settings = withDefaults(SENSITIVITY_DEFAULTS, args.getConfig<Partial<SensitivitySettings>>());
        const refs = new References(args.resources);
        // Collected once: the clusters' capacity provider associations (a handful, whatever the stack size).
        const associations = args.resources.filter((r) => r.type === CLUSTER_CAPACITY_PROVIDERS);
        for (const runner of args.resources.filter((r) => TASK_RUNNERS.includes(r.type))) {
            const own = sensitivityReason(runner.props, args.stackTags, settings, runner.provider?.props);
            const taskDefinition = taskDefinitionOf(runner, refs);
            const tag = sensitiveTag(taskDefinition?.props.tags, settings);
            const viaTaskDefinition = taskDefinition && tag ? `its task definition "${taskDefinition.name}" carries ${tag}` : undefined;
            // assignPublicIp with the runner's own sensitivity is the resource policy's to report.
            if (assignsPublicIp(runner.props) && !own && viaTaskDefinition) {
                reportViolation(publicIpMessage(runner.type, runner.name, viaTaskDefinition), runner.urn);
            }
            const reason = own ?? viaTaskDefinition;
            if (!reason) {
                continue;
            }
            for (const provider of capacityProvidersOf(runner, refs, associations)) {
                for (const group of refs.follow(provider, "autoScalingGroupProvider", AUTOSCALING_GROUP, () => provider.props.autoScalingGroupProvider?.autoScalingGroupArn)) {
                    const hosts = publicHostReason(group, refs);
                    if (hosts) {
                        reportViolation(ec2PublicIpMessage(runner.type, runner.name, reason, provider.name, hosts), runner.urn);
                    }
                }
            }
        }
    },
};
