import {
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { isKind, isNative, label, References } from "../model/resources";
import { isUnknown, Unknown } from "../model/values";
import {
    capacityOf,
    clusterCapacity,
    hostPublicIp,
    hostsOf,
    taskRunner,
    TaskRunnerModel,
} from "../model/workloads";
import { sensitivityOf } from "./sensitivity";
import {
    SENSITIVITY_DEFAULTS,
    SENSITIVITY_SCHEMA,
    SensitivitySettings,
    withDefaults,
} from "./settings";
import { reportUndecided, waivable } from "./waivers";

const isRunner = (r: { type: string }) => isKind(r, "service") || isKind(r, "taskSet");

export function publicIpMessage(runner: TaskRunnerModel, reason: string): string {
    return (
        `${runner.kind} "${runner.resource.name}" is sensitive (${reason}) but sets ${runner.assignPublicIpPath} to ${runner.assignPublicIpText}, ` +
        `which gives every task a public IP reachable from the internet. Set ${runner.assignPublicIpPath} to ${isNative(runner.resource) ? '"DISABLED"' : "false"} and ` +
        `run the tasks in private subnets behind a NAT gateway.`
    );
}

export function hostMessage(
    runner: TaskRunnerModel,
    reason: string,
    via: string,
    hosts: string,
): string {
    return (
        `${runner.kind} "${runner.resource.name}" is sensitive (${reason}) but runs on ${via} whose instances get public IPs ` +
        `(${hosts}), so its hosts are reachable from the internet. Launch the instances in private subnets with ` +
        `associatePublicIpAddress "false" and reach the internet through a NAT gateway.`
    );
}

const settingsOf = (args: { getConfig<T extends object>(): T }) =>
    withDefaults(SENSITIVITY_DEFAULTS, args.getConfig<Partial<SensitivitySettings>>());

/**
 * What the resource policy decides from the runner alone: its own public IP with its own
 * classification (own tags, defaults, stack tags, config). A task set whose own tags do not classify
 * it takes its service's classification, which only the stack policy can see.
 */
function ownVerdict(
    args: ResourceValidationArgs,
): { runner: TaskRunnerModel; reason: string } | undefined {
    if (!isRunner(args)) {
        return undefined;
    }
    const runner = taskRunner(args, new References([]));
    if (runner.assignPublicIp !== true) {
        return undefined;
    }
    const s = sensitivityOf(runner, args.stackTags, settingsOf(args), "resource");
    if (s.sensitive !== true || (isKind(args, "taskSet") && s.level !== "own")) {
        return undefined;
    }
    return { runner, reason: s.reason };
}

export const noPublicIpOnSensitiveTasks: ResourceValidationPolicy = waivable({
    name: "no-public-ip-on-sensitive-tasks",
    description:
        "ECS services and task sets of sensitive workloads must not give tasks public IPs (assignPublicIp).",
    enforcementLevel: "mandatory",
    configSchema: SENSITIVITY_SCHEMA,
    validateResource: (args, reportViolation) => {
        const v = ownVerdict(args);
        if (v) {
            reportViolation(publicIpMessage(v.runner, v.reason));
        }
    },
    remediateResource: (args) => {
        const v = ownVerdict(args);
        if (!v) {
            return undefined;
        }
        const props = args.props as Record<string, any>;
        if (isNative(args)) {
            const key = isKind(args, "taskSet") ? "awsVpcConfiguration" : "awsvpcConfiguration";
            const network = props.networkConfiguration ?? {};
            return {
                ...props,
                networkConfiguration: {
                    ...network,
                    [key]: { ...network[key], assignPublicIp: "DISABLED" },
                },
            };
        }
        return {
            ...props,
            networkConfiguration: { ...props.networkConfiguration, assignPublicIp: false },
        };
    },
});

export const noPublicIpOnSensitiveTasksByReference: StackValidationPolicy = waivable({
    name: "no-public-ip-on-sensitive-tasks-by-reference",
    description:
        "Sensitive ECS tasks must not get a public IP by any path: assignPublicIp with a sensitivity that other resources carry (task definition, a task set's service), or EC2 hosts with public IPs (capacity providers, the cluster's default strategy, launchType EC2).",
    enforcementLevel: "mandatory",
    configSchema: SENSITIVITY_SCHEMA,
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const settings = settingsOf(args);
        const refs = new References(args.resources);
        let capacity: ReturnType<typeof clusterCapacity> | undefined;
        for (const r of args.resources.filter(isRunner)) {
            const runner = taskRunner(r, refs);
            const s = sensitivityOf(runner, args.stackTags, settings);
            if (s.sensitive === false) {
                continue;
            }
            const undecided = (question: string, waitingFor: Unknown[]) =>
                reportUndecided(
                    reportViolation,
                    noPublicIpOnSensitiveTasksByReference,
                    question,
                    waitingFor,
                    r.urn,
                );
            const who = `${runner.kind} "${r.name}"`;
            // The direct path, unless the resource policy already judged it from the runner alone.
            if (runner.assignPublicIp === true) {
                if (isUnknown(s.sensitive)) {
                    undecided(
                        `whether ${who}, which sets ${runner.assignPublicIpPath}, is sensitive`,
                        [s.sensitive],
                    );
                } else if (
                    !ownVerdict({
                        ...r,
                        getConfig: args.getConfig,
                        stackTags: args.stackTags,
                    } as unknown as ResourceValidationArgs)
                ) {
                    reportViolation(publicIpMessage(runner, s.reason), r.urn);
                }
            } else if (isUnknown(runner.assignPublicIp) && s.sensitive === true) {
                undecided(`whether sensitive ${who} gives its tasks public IPs`, [
                    runner.assignPublicIp,
                ]);
            }
            // The hosts' path: EC2 capacity whose instances get public IPs.
            if (!runner.placesTasks) {
                continue;
            }
            capacity ??= clusterCapacity(refs);
            const { unknown } = capacityOf(runner, capacity);
            if (unknown.length > 0 && s.sensitive === true) {
                undecided(`which EC2 capacity sensitive ${who} runs on`, unknown);
            }
            for (const { via, group } of hostsOf(runner, capacity, refs)) {
                const host = hostPublicIp(group, refs);
                if (host.public === false) {
                    continue;
                }
                if ("reason" in host === false) {
                    s.sensitive === true &&
                        undecided(
                            `whether the hosts of sensitive ${who} (${label(group)}) get public IPs`,
                            [host.public as Unknown],
                        );
                } else if (isUnknown(s.sensitive)) {
                    undecided(`whether ${who}, whose hosts get public IPs, is sensitive`, [
                        s.sensitive,
                    ]);
                } else if ("reason" in host) {
                    reportViolation(hostMessage(runner, s.reason, via, host.reason), r.urn);
                }
            }
        }
    },
});
