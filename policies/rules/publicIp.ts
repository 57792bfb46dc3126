import {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
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
    configSchema: SENSITIVITY_SCHEMA as any,
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

/** The task definition a service or task set runs: by property dependency, else by ARN or family. */
export function taskDefinitionOf(runner: PolicyResource, byArn: Map<string, PolicyResource>): PolicyResource | undefined {
    const viaDependency = runner.propertyDependencies?.taskDefinition?.find((d) => d.type === ECS_TASK_DEFINITION);
    if (viaDependency) {
        return viaDependency;
    }
    const ref = runner.props.taskDefinition;
    return typeof ref === "string" ? byArn.get(ref) ?? byArn.get(ref.replace(/:\d+$/, "")) : undefined;
}

export const noPublicIpOnSensitiveTaskDefinitions: StackValidationPolicy = {
    name: "no-public-ip-on-sensitive-task-definitions",
    description: "ECS services and task sets must not give public IPs to tasks whose task definition is tagged sensitive.",
    enforcementLevel: "mandatory",
    configSchema: SENSITIVITY_SCHEMA as any,
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const settings = withDefaults(SENSITIVITY_DEFAULTS, args.getConfig<Partial<SensitivitySettings>>());
        const byArn = new Map<string, PolicyResource>();
        for (const r of args.resources) {
            if (r.type === ECS_TASK_DEFINITION) {
                for (const key of [r.props.arn, r.props.arnWithoutRevision, r.props.family]) {
                    if (typeof key === "string") {
                        byArn.set(key, r);
                    }
                }
            }
        }
        for (const runner of args.resources) {
            if (!TASK_RUNNERS.includes(runner.type) || !assignsPublicIp(runner.props)) {
                continue;
            }
            // Sensitivity of the runner itself is the resource policy's to report; this one follows references.
            if (sensitivityReason(runner.props, args.stackTags, settings, runner.provider?.props)) {
                continue;
            }
            const taskDefinition = taskDefinitionOf(runner, byArn);
            const tag = sensitiveTag(taskDefinition?.props.tags, settings);
            if (taskDefinition && tag) {
                reportViolation(publicIpMessage(runner.type, runner.name, `its task definition "${taskDefinition.name}" carries ${tag}`), runner.urn);
            }
        }
    },
};
