/**
 * ECS task runners (services and task sets) with every path by which their tasks, or the hosts
 * they run on, can get a public IP; and the hosts (Auto Scaling groups) with their public-IP sources.
 * One normaliser per provider family:
 * - `aws.ecs.Service` / `aws.ecs.TaskSet`: `networkConfiguration.{assignPublicIp, subnets,
 *   securityGroups}`, `capacityProviderStrategies[].capacityProvider`, `launchType`, `cluster`,
 *   `taskDefinition`, and for a task set `service`;
 * - `aws-native:ecs:Service` (`networkConfiguration.awsvpcConfiguration`) and `aws-native:ecs:TaskSet`
 *   (`networkConfiguration.awsVpcConfiguration`), with `capacityProviderStrategy[]`, `assignPublicIp`
 *   "ENABLED"/"DISABLED";
 * - capacity: `aws.ecs.ClusterCapacityProviders` (`clusterName`, `capacityProviders`,
 *   `defaultCapacityProviderStrategies`), `aws-native:ecs:ClusterCapacityProviderAssociations`
 *   (`cluster`, `defaultCapacityProviderStrategy`) and `aws-native:ecs:Cluster`'s own strategy;
 *   capacity providers' `autoScalingGroupProvider.autoScalingGroupArn`;
 * - hosts: `aws.autoscaling.Group` (`launchTemplate`, `mixedInstancesPolicy.launchTemplate.
 *   launchTemplateSpecification`, `launchConfiguration`, `vpcZoneIdentifiers`) and
 *   `aws-native:autoscaling:AutoScalingGroup` (`launchTemplate`, the same mixed policy,
 *   `launchConfigurationName`, `vpcZoneIdentifier`); launch templates' network interfaces
 *   (`associatePublicIpAddress`, a string in `@pulumi/aws`, a boolean under `launchTemplateData` in
 *   aws-native), launch configurations, and subnets' `mapPublicIpOnLaunch`.
 */
import { isKind, isNative, label, ModelResource, References } from "./resources";
import { at, flag, isUnknown, listAt, Unknown } from "./values";

export interface TaskRunnerModel {
    readonly resource: ModelResource;
    readonly kind: "ECS service" | "ECS task set";
    /** A task set's service. */
    readonly service?: ModelResource;
    readonly taskDefinition?: ModelResource;
    /** Where its awsvpc settings are: `networkConfiguration`, or aws-native's nested configuration. */
    readonly networkPath: string;
    /** The property path of assignPublicIp, for messages, and its value. */
    readonly assignPublicIpPath: string;
    readonly assignPublicIp: boolean | Unknown | undefined;
    readonly assignPublicIpText: string;
    readonly launchType: string | Unknown | undefined;
    readonly clusters: ModelResource[];
    /**
     * Its own strategy: whether it gives one (then the cluster's default does not apply, even when
     * its providers are AWS's own, FARGATE or FARGATE_SPOT, which are no resources), and the capacity
     * providers of the stack it names.
     */
    readonly strategy: { given: boolean; found: ModelResource[]; unknown: Unknown[] };
    /**
     * Whether it places tasks itself: a service with the EXTERNAL deployment controller runs its
     * tasks in task sets, each with its own launch type and network configuration.
     */
    readonly placesTasks: boolean;
}

/** How an Auto Scaling group's instances get a public IP: a reason, none, or an unknown that decides. */
export type HostPublicIp =
    { public: true; reason: string } | { public: false } | { public: Unknown };

const NETWORK = {
    service: "networkConfiguration.awsvpcConfiguration",
    taskSet: "networkConfiguration.awsVpcConfiguration",
};

export function taskRunner(r: ModelResource, refs: References): TaskRunnerModel {
    const name = label(r);
    const taskSet = isKind(r, "taskSet");
    const native = isNative(r);
    const network = native ? (taskSet ? NETWORK.taskSet : NETWORK.service) : "networkConfiguration";
    const path = `${network}.assignPublicIp`;
    const raw = at(r.props, path, name);
    const strategyField = native ? "capacityProviderStrategy" : "capacityProviderStrategies";
    const strategies = listAt(r.props, strategyField, name);
    const paths = isUnknown(strategies)
        ? [strategyField]
        : strategies.map((_, i) => `${strategyField}[${i}].capacityProvider`);
    const launchType = at(r.props, "launchType", name);
    const controller = at(r.props, "deploymentController.type", name);
    return {
        placesTasks:
            taskSet ||
            typeof controller !== "string" ||
            controller.trim().toUpperCase() !== "EXTERNAL",
        resource: r,
        kind: taskSet ? "ECS task set" : "ECS service",
        service: taskSet ? refs.follow(r, "service", "service").found[0] : undefined,
        taskDefinition: refs.follow(r, "taskDefinition", "taskDefinition").found[0],
        networkPath: network,
        assignPublicIpPath: path,
        assignPublicIp: flag(raw),
        assignPublicIpText: isUnknown(raw) ? "unknown" : JSON.stringify(raw),
        launchType: isUnknown(launchType)
            ? launchType
            : launchType === undefined || launchType === null
              ? undefined
              : String(launchType).trim().toUpperCase(),
        clusters: refs.follow(r, "cluster", "cluster").found,
        strategy: isUnknown(strategies)
            ? { given: true, found: [], unknown: [strategies] }
            : strategies.length === 0
              ? { given: false, found: [], unknown: [] }
              : { given: true, ...refs.follow(r, strategyField, "capacityProvider", paths) },
    };
}

/** The capacity providers associated with each cluster, and each cluster's default strategy. */
export interface ClusterCapacity {
    readonly associated: ModelResource[];
    readonly defaults: ModelResource[];
    /** Whether the cluster has a default strategy at all (its providers may be FARGATE, no resource). */
    readonly hasDefault: boolean;
    readonly unknown: Unknown[];
}

export function clusterCapacity(refs: References): Map<ModelResource, ClusterCapacity> {
    const out = new Map<ModelResource, ClusterCapacity>();
    const entry = (c: ModelResource) => {
        let e = out.get(c);
        if (!e) {
            e = { associated: [], defaults: [], hasDefault: false, unknown: [] };
            out.set(c, e);
        }
        return e as {
            associated: ModelResource[];
            defaults: ModelResource[];
            hasDefault: boolean;
            unknown: Unknown[];
        };
    };
    const collect = (
        owner: ModelResource,
        clusters: ModelResource[],
        providersField: string,
        defaultsField: string,
    ) => {
        const defaults = listAt(owner.props, defaultsField, label(owner));
        const defaultPaths = isUnknown(defaults)
            ? [defaultsField]
            : defaults.map((_, i) => `${defaultsField}[${i}].capacityProvider`);
        const d =
            isUnknown(defaults) || defaults.length > 0
                ? refs.follow(owner, defaultsField, "capacityProvider", defaultPaths)
                : { found: [], unknown: [] };
        const a = refs.follow(owner, providersField, "capacityProvider");
        for (const c of clusters) {
            const e = entry(c);
            e.defaults.push(...d.found);
            e.hasDefault ||= isUnknown(defaults) || defaults.length > 0;
            e.associated.push(...a.found, ...d.found);
            e.unknown.push(...d.unknown);
        }
    };
    for (const assoc of refs.all("clusterCapacityProviders")) {
        const field = isNative(assoc) ? "cluster" : "clusterName";
        collect(
            assoc,
            refs.follow(assoc, field, "cluster").found,
            "capacityProviders",
            isNative(assoc)
                ? "defaultCapacityProviderStrategy"
                : "defaultCapacityProviderStrategies",
        );
    }
    for (const cluster of refs.all("cluster").filter(isNative)) {
        collect(cluster, [cluster], "capacityProviders", "defaultCapacityProviderStrategy");
    }
    return out;
}

/**
 * Whether the runner's tasks launch as EC2 tasks on any container instance of its clusters: it says
 * `launchType: "EC2"`, or it says neither a launch type nor a strategy and its clusters have no
 * default strategy, which ECS then launches as EC2 (CreateService: "If a launchType is specified,
 * the capacityProviderStrategy parameter must be omitted. If no capacityProviderStrategy or
 * launchType is specified, the defaultCapacityProviderStrategy for the cluster is used"; a cluster
 * without one launches EC2 tasks).
 */
export function launchesAsEc2(
    runner: TaskRunnerModel,
    capacity: Map<ModelResource, ClusterCapacity>,
): boolean {
    if (runner.launchType === "EC2") return true;
    if (runner.launchType !== undefined || runner.strategy.given) return false;
    if (runner.clusters.length === 0) return false;
    return runner.clusters.every((c) => {
        const e = capacity.get(c);
        return e === undefined || (!e.hasDefault && e.unknown.length === 0);
    });
}

/**
 * The capacity providers a runner's tasks can land on: its own strategy; else, without a launch
 * type, its cluster's default strategy; with `launchType: "EC2"`, any capacity of the cluster.
 */
export function capacityOf(
    runner: TaskRunnerModel,
    capacity: Map<ModelResource, ClusterCapacity>,
): { providers: ModelResource[]; unknown: Unknown[] } {
    if (runner.strategy.given) {
        return { providers: runner.strategy.found, unknown: runner.strategy.unknown };
    }
    if (isUnknown(runner.launchType)) {
        return { providers: [], unknown: [runner.launchType] };
    }
    if (runner.launchType !== undefined && runner.launchType !== "EC2") {
        return { providers: [], unknown: [] };
    }
    const clusters = runner.clusters
        .map((c) => capacity.get(c))
        .filter((c): c is ClusterCapacity => c !== undefined);
    const ec2 = launchesAsEc2(runner, capacity);
    const providers = clusters.flatMap((c) => (ec2 ? c.associated : c.defaults));
    return { providers: [...new Set(providers)], unknown: clusters.flatMap((c) => c.unknown) };
}

/**
 * Where a runner's tasks can land on EC2, each with how: the Auto Scaling groups behind its capacity
 * providers, and, when it launches as EC2 (`launchesAsEc2`), every container instance that joins its
 * clusters by user data (`groupsJoining`). Each host once, the first way found.
 */
export function hostsOf(
    runner: TaskRunnerModel,
    capacity: Map<ModelResource, ClusterCapacity>,
    refs: References,
): { group: ModelResource; via: string }[] {
    const hosts = capacityOf(runner, capacity).providers.flatMap((p) =>
        groupsOf(p, refs).map((group) => ({ group, via: `EC2 capacity provider "${p.name}"` })),
    );
    if (launchesAsEc2(runner, capacity)) {
        for (const cluster of runner.clusters) {
            for (const group of groupsJoining(cluster, refs)) {
                hosts.push({
                    group,
                    via: `${runner.launchType === "EC2" ? "launchType EC2" : "no launch type or strategy (EC2, as the cluster has no default strategy)"} on cluster "${cluster.name}", which places tasks on any container instance, including ${label(group)}'s`,
                });
            }
        }
    }
    return hosts.filter((h, i) => hosts.findIndex((x) => x.group === h.group) === i);
}

/** The Auto Scaling groups behind a capacity provider. */
export function groupsOf(provider: ModelResource, refs: References): ModelResource[] {
    return refs.follow(provider, "autoScalingGroupProvider", "autoScalingGroup", [
        "autoScalingGroupProvider.autoScalingGroupArn",
    ]).found;
}

/**
 * The container instances' sources whose instances join `cluster` by their user data
 * (`ECS_CLUSTER=<name>`, the way the ECS agent is told its cluster): Auto Scaling groups (through a
 * launch template or configuration) and single EC2 instances (their own user data, or their launch
 * template's). With `launchType: "EC2"`, tasks land on them too.
 */
export function groupsJoining(cluster: ModelResource, refs: References): ModelResource[] {
    const name = at(cluster.props, isNative(cluster) ? "clusterName" : "name", label(cluster));
    if (typeof name !== "string" || name === "") {
        return [];
    }
    const pattern = new RegExp(
        `ECS_CLUSTER=["']?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?(\\s|$)`,
        "m",
    );
    const says = (data: unknown) => {
        if (typeof data !== "string") return false;
        const text = /^[A-Za-z0-9+/=\s]+$/.test(data)
            ? Buffer.from(data, "base64").toString("utf8")
            : data;
        return pattern.test(text);
    };
    const joins = (template: ModelResource) =>
        // A launch template keeps its user data under launchTemplateData in aws-native; a launch
        // configuration, of either provider, at its top level.
        says(
            at(
                template.props,
                isNative(template) && isKind(template, "launchTemplate")
                    ? "launchTemplateData.userData"
                    : "userData",
                label(template),
            ),
        );
    const instances = refs
        .all("instance")
        .filter(
            (i) =>
                says(at(i.props, "userData", label(i))) ||
                says(at(i.props, "userDataBase64", label(i))) ||
                instanceTemplatesOf(i, refs).some(joins),
        );
    return [
        ...refs
            .all("autoScalingGroup")
            .filter((g) => [...templatesOf(g, refs), ...configurationsOf(g, refs)].some(joins)),
        ...instances,
    ];
}

/** The launch template an EC2 instance launches from, when it names one. */
function instanceTemplatesOf(instance: ModelResource, refs: References): ModelResource[] {
    return refs.follow(instance, "launchTemplate", "launchTemplate", [
        isNative(instance) ? "launchTemplate.launchTemplateId" : "launchTemplate.id",
        isNative(instance) ? "launchTemplate.launchTemplateName" : "launchTemplate.name",
    ]).found;
}

/** Whether an EC2 instance gets a public IP: its own setting, its interfaces', its launch template's, else its subnet's. */
function instancePublicIp(instance: ModelResource, refs: References): HostPublicIp {
    const own = flag(at(instance.props, "associatePublicIpAddress", label(instance)));
    if (own === true)
        return { public: true, reason: `${label(instance)} sets associatePublicIpAddress` };
    if (isUnknown(own)) return { public: own };
    const nics = listAt(instance.props, "networkInterfaces", label(instance));
    if (isUnknown(nics)) return { public: nics };
    for (const [i, nic] of nics.entries()) {
        const f = isUnknown(nic)
            ? nic
            : flag(
                  at(nic, "associatePublicIpAddress", `${label(instance)} networkInterfaces[${i}]`),
              );
        if (f === true)
            return {
                public: true,
                reason: `${label(instance)} networkInterfaces[${i}] sets associatePublicIpAddress`,
            };
        if (isUnknown(f)) return { public: f };
    }
    if (own === false) return { public: false };
    for (const template of instanceTemplatesOf(instance, refs)) {
        const interfaces = listAt(
            template.props,
            isNative(template) ? "launchTemplateData.networkInterfaces" : "networkInterfaces",
            label(template),
        );
        if (isUnknown(interfaces)) return { public: interfaces };
        for (const nic of interfaces) {
            const f = isUnknown(nic)
                ? nic
                : flag(at(nic, "associatePublicIpAddress", label(template)));
            if (f === true)
                return {
                    public: true,
                    reason: `${label(template)}, which ${label(instance)} launches from, sets associatePublicIpAddress`,
                };
            if (isUnknown(f)) return { public: f };
        }
    }
    // Unset: its subnet decides, through mapPublicIpOnLaunch.
    for (const subnet of refs.follow(instance, "subnetId", "subnet").found) {
        const f = flag(at(subnet.props, "mapPublicIpOnLaunch", label(subnet)));
        if (f === true)
            return {
                public: true,
                reason: `its ${label(subnet)} maps public IPs on launch and ${label(instance)} leaves associatePublicIpAddress unset`,
            };
        if (isUnknown(f)) return { public: f };
    }
    return { public: false };
}

/** The launch configurations an Auto Scaling group launches its instances with. */
function configurationsOf(group: ModelResource, refs: References): ModelResource[] {
    return refs.follow(
        group,
        isNative(group) ? "launchConfigurationName" : "launchConfiguration",
        "launchConfiguration",
    ).found;
}

function templatesOf(group: ModelResource, refs: References): ModelResource[] {
    const native = isNative(group);
    const direct = refs.follow(
        group,
        "launchTemplate",
        "launchTemplate",
        native
            ? ["launchTemplate.launchTemplateId", "launchTemplate.launchTemplateName"]
            : ["launchTemplate.id", "launchTemplate.name"],
    ).found;
    const mixed = refs.follow(group, "mixedInstancesPolicy", "launchTemplate", [
        "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId",
        "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateName",
    ]).found;
    return [...direct, ...mixed];
}

/** Whether the instances of an Auto Scaling group, or one EC2 instance, get public IPs, and through what. */
export function hostPublicIp(group: ModelResource, refs: References): HostPublicIp {
    if (isKind(group, "instance")) return instancePublicIp(group, refs);
    const native = isNative(group);
    const unknowns: Unknown[] = [];
    let explicitlyPrivate = false;
    for (const template of templatesOf(group, refs)) {
        const interfaces = listAt(
            template.props,
            isNative(template) ? "launchTemplateData.networkInterfaces" : "networkInterfaces",
            label(template),
        );
        if (isUnknown(interfaces)) {
            unknowns.push(interfaces);
            continue;
        }
        for (const [i, nic] of interfaces.entries()) {
            const value = isUnknown(nic)
                ? nic
                : at(nic, "associatePublicIpAddress", `${label(template)} networkInterfaces[${i}]`);
            const f = flag(value);
            if (f === true) {
                return {
                    public: true,
                    reason: `${label(template)} sets associatePublicIpAddress ${JSON.stringify(value)}`,
                };
            }
            if (isUnknown(f)) {
                unknowns.push(f);
            } else if (f === false) {
                explicitlyPrivate = true;
            }
        }
    }
    const configurations = configurationsOf(group, refs);
    for (const configuration of configurations) {
        const f = flag(at(configuration.props, "associatePublicIpAddress", label(configuration)));
        if (f === true) {
            return {
                public: true,
                reason: `${label(configuration)} sets associatePublicIpAddress`,
            };
        }
        if (isUnknown(f)) {
            unknowns.push(f);
        } else if (f === false) {
            explicitlyPrivate = true;
        }
    }
    if (unknowns.length > 0) {
        return { public: unknowns[0] };
    }
    if (explicitlyPrivate) {
        return { public: false };
    }
    // Unset: each subnet decides, through mapPublicIpOnLaunch.
    const field = native ? "vpcZoneIdentifier" : "vpcZoneIdentifiers";
    const subnets = refs.follow(group, field, "subnet");
    for (const subnet of subnets.found) {
        const f = flag(at(subnet.props, "mapPublicIpOnLaunch", label(subnet)));
        if (f === true) {
            return {
                public: true,
                reason: `its ${label(subnet)} maps public IPs on launch and the launch template leaves associatePublicIpAddress unset`,
            };
        }
        if (isUnknown(f)) {
            return { public: f };
        }
    }
    return { public: false };
}
