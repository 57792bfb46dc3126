import { componentLabel } from "../planError";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Ec2Capacity } from "../capacity/ec2Capacity";
import { EcsNetwork } from "../network/shape";
import { awsResourceName, iamRoleResourceName, logGroupName, taskFamily } from "../naming";
import { admit, allowEgress, GroupRef, outboundOnlySecurityGroup } from "../securityGroup";
import type { PublicLoadBalancer } from "../loadBalancer/loadBalancer";
import { RouteArgs, RoutePlan } from "../loadBalancer/plan";
import { nameTags } from "../tags";
import { ServiceConnectCluster } from "./cluster";
import { ecsExecPolicy, secretsReadPolicy } from "./iam";
import {
    BRIDGE_HOST_PORTS,
    Endpoint,
    LaunchType,
    NetworkMode,
    RUNTIME_PLATFORMS,
    ScalingArgs,
    ScalingPlan,
    ServiceConnectRole,
    ServicePlan,
    planEcsService,
    ResolvedServicePlan,
} from "./plan";
import { ContainerArgs, ExposeArgs } from "./types";

export const DATA_CLASSIFICATION_TAG = "data-classification";

export interface EcsServiceArgs {
    /** The cluster the service runs in; its namespace is the service's. */
    cluster: ServiceConnectCluster;
    /** The network the tasks run in (a pattern component, or `adoptNetwork`). */
    network: EcsNetwork;
    /** The task's containers; at least one. */
    containers: ContainerArgs[];
    /** How tasks run: `FARGATE`, or `EC2` on `capacity`. @default "EC2" with capacity, else "FARGATE" */
    launchType?: LaunchType;
    /** The EC2 capacity the tasks run on (same network as `network`). */
    capacity?: Ec2Capacity;
    /** `awsvpc` (own ENI and security group), or on EC2 `bridge` / `host` (the instance's). @default "awsvpc" */
    networkMode?: NetworkMode;
    /**
     * Fargate only: override whether tasks get a public IP. Refused on EC2 and where the network has
     * no internet gateway route. @default the network's (public pattern: true)
     */
    assignPublicIp?: boolean;
    /** Task CPU units; on Fargate, with memory, a size Fargate offers. @default 256 */
    cpu?: number;
    /** Task memory (MiB). @default 512 */
    memory?: number;
    /** @default 1 */
    desiredCount?: number;
    /** Ports this service offers to others through Service Connect (makes it a server). @default [] */
    expose?: ExposeArgs[];
    /**
     * Servers this service calls. For each: this service deploys after it, its security group is
     * admitted where the server's Service Connect proxy listens (its container ports; in bridge mode
     * the host port range), every container gets `<DISCOVERY_NAME>_URL`, and the tasks redeploy
     * when the list changes. @default []
     */
    calls?: EcsService[];
    /**
     * Marks the service and its task definition `data-classification`, and refuses a network
     * that gives tasks public IPs. @default false
     */
    sensitive?: boolean;
    /** The `data-classification` value for a sensitive service. @default "confidential" */
    dataClassification?: string;
    /** ECS Exec; adds only the ssmmessages permissions it needs to the task role. @default false */
    enableExecuteCommand?: boolean;
    /**
     * Customer-managed KMS keys that encrypt the containers' secrets: the execution role may
     * `kms:Decrypt` with them. AWS-managed keys need nothing. @default []
     */
    secretsKmsKeyArns?: pulumi.Input<string>[];
    /**
     * Wait until the service is steady (its tasks running and healthy) before the update goes on,
     * so services that call it start only once it runs, and a failed server fails the update.
     * @default true for a service that exposes Service Connect endpoints, else false
     */
    waitForSteadyState?: boolean;
    /**
     * networkMode `host` shares the instance's network, so the task can read the instance role's
     * credentials from the metadata service; it is refused unless this is true. @default false
     */
    allowInstanceRoleAccess?: boolean;
    /** More security groups for the tasks (ECS takes 5 in all, this service's own included). @default [] */
    securityGroupIds?: pulumi.Input<string>[];
    /** @default 30 */
    logRetentionDays?: number;
    /**
     * Route this service from a `PublicLoadBalancer`: a target group on the named port (`ip` targets
     * in awsvpc mode, `instance` in bridge mode) with health checks, a listener rule on the hosts and
     * paths given, and security group rules from the load balancer's group to that port only.
     * @default none (not reachable through a load balancer)
     */
    loadBalancer?: RouteArgs & { balancer: PublicLoadBalancer };
    /** Target tracking autoscaling of the task count. @default none (desiredCount tasks) */
    scaling?: ScalingArgs;
    /** The CPU architecture the tasks run on. @default ECS's (X86_64) */
    runtimePlatform?: (typeof RUNTIME_PLATFORMS)[number];
    /** Tags for every child; `Name` is always set from the child's name. @default {} */
    tags?: Record<string, string>;
}

/**
 * An ECS service, on Fargate or on EC2 capacity, in a Service Connect namespace: task definition,
 * log group, execution and task roles, a security group that admits nothing unless a caller or
 * `openToInternet` asks (its own in awsvpc mode; the capacity's in bridge and host mode), and the
 * Service Connect configuration of a server (exposes ports), a client (calls servers), or both.
 */
export class EcsService extends pulumi.ComponentResource {
    /** The name this service was given (the ECS service's auto-name starts with it). */
    readonly serviceName: string;
    /** `server` (exposes endpoints), `client` (only calls servers) or `none`. */
    readonly role: ServiceConnectRole;
    /** The Service Connect endpoints this service exposes, with host, port and URL. */
    readonly endpoints: Endpoint[];
    /** The Cloud Map namespace its endpoints live in (the cluster's). */
    readonly namespace: string;
    /** The network the tasks run in. */
    readonly network: EcsNetwork;
    /** The ECS service. */
    readonly service: aws.ecs.Service;
    /** The task definition (family `<project>-<stack>-<name>`). */
    readonly taskDefinition: aws.ecs.TaskDefinition;
    /** The tasks' security group: the service's own (awsvpc) or its EC2 capacity's (bridge, host). */
    readonly securityGroup: aws.ec2.SecurityGroup;
    /** The tasks' security group with the component that owns it (rules on it are that owner's children). */
    readonly securityGroupRef: GroupRef;
    /** Where callers are admitted: the container ports (awsvpc), or the dynamic host port range (bridge). */
    readonly callerPortRanges: { from: number; to: number }[];
    /** The role ECS uses to pull images, write logs and read the secrets. */
    readonly executionRole: aws.iam.Role;
    /** The role the containers run as (ECS Exec permissions only when enabled). */
    readonly taskRole: aws.iam.Role;
    /** The containers' log group, `/ecs/<project>/<stack>/<name>`. */
    readonly logGroup: aws.cloudwatch.LogGroup;
    /** The URLs callers use, such as `http://internal-nginx.dev.serviceconnectns:80`; known at preview. */
    readonly endpointUrls: string[];
    /** The target group the load balancer forwards to, when the service is routed. */
    readonly targetGroup?: aws.lb.TargetGroup;
    /** The listener rule that routes the service's hosts and paths, when routed. */
    readonly listenerRule?: aws.lb.ListenerRule;
    /** Where users reach the service through the load balancer, when routed: `https://<dns or host><path>`. */
    readonly url?: pulumi.Output<string>;
    /** The autoscaling target of the task count, when scaling is set. */
    readonly scalingTarget?: aws.appautoscaling.Target;

    constructor(name: string, args: EcsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const label = componentLabel("EcsService", name);
        const calls = args.calls ?? [];
        const plan = planEcsService(name, pulumi.getProject(), pulumi.getStack(), {
            ...args,
            namespace: args.cluster.namespaceName,
            calls: calls.map((s) => ({
                serviceName: s.serviceName,
                endpoints: s.endpoints,
                namespace: s.namespace,
                network: s.network,
            })),
            loadBalancer: args.loadBalancer && {
                ...args.loadBalancer,
                network: args.loadBalancer.balancer.network,
                listenerProtocol: args.loadBalancer.balancer.plan.protocol,
            },
            // The default provider's Region; a service given its own provider is checked at deploy time.
            region:
                opts?.provider === undefined && opts?.providers === undefined
                    ? args.cluster.defaultProviderRegion
                    : undefined,
        });
        const priority =
            plan.route && args.loadBalancer
                ? args.loadBalancer.balancer.routes.claim(label, "loadBalancer", plan.route)
                : undefined;
        args.cluster.claimEndpoints(label, plan.endpoints);
        super("ecsnet:ecs:EcsService", name, {}, opts);

        this.serviceName = name;
        this.network = args.network;
        this.role = plan.role;
        this.endpoints = plan.endpoints;
        this.endpointUrls = plan.endpoints.map((e) => e.url);
        this.namespace = args.cluster.namespaceName;
        const tags = args.sensitive
            ? { ...args.tags, [DATA_CLASSIFICATION_TAG]: args.dataClassification ?? "confidential" }
            : args.tags;
        const region = args.cluster.awsContext.region;
        const [project, stack] = [pulumi.getProject(), pulumi.getStack()];

        // A fixed name, known at preview, so the task definition that names it is known too. It is
        // unique in the account and Region, so a replacement must delete the old group first.
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            {
                name: logGroupName(project, stack, name),
                retentionInDays: plan.logRetentionDays,
                tags: nameTags(`${name}-logs`, tags),
            },
            { parent: this, deleteBeforeReplace: true },
        );

        const roles = createRoles(this, name, args, tags);
        this.executionRole = roles.executionRole;
        this.taskRole = roles.taskRole;
        const iam = roles.dependsOn;

        const awsvpc = plan.networkMode === "awsvpc";
        this.securityGroupRef = awsvpc
            ? outboundOnlySecurityGroup(this, name, {
                  vpcId: args.network.vpcId,
                  description: `Tasks of ECS service ${name}`,
                  egressDescription: "Outbound: image pulls, AWS APIs, called services",
                  tags,
              })
            : args.capacity!.securityGroupRef;
        this.securityGroup = this.securityGroupRef.group;
        this.callerPortRanges = plan.callerPortRanges;
        const ingress = admitTraffic(this, name, plan, calls);

        this.taskDefinition = createTaskDefinition(this, name, args, plan, {
            logGroupName: this.logGroup.name,
            region,
            tags,
        });

        // The load balancer route: target group, listener rule, and the load balancer's group to the task port only.
        const lb = args.loadBalancer?.balancer;
        const routed =
            plan.route && lb
                ? createRoute(this, name, plan.route, lb, {
                      priority: priority!,
                      ports:
                          plan.networkMode === "bridge"
                              ? BRIDGE_HOST_PORTS
                              : { from: plan.route.containerPort, to: plan.route.containerPort },
                      targetType: awsvpc ? "ip" : "instance",
                      tags,
                  })
                : undefined;
        this.targetGroup = routed?.targetGroup;
        this.listenerRule = routed?.listenerRule;
        this.url = routed?.url;
        this.service = createService(this, name, args, plan, {
            routed,
            tags,
            // Servers first (their names exist before a client task starts), the client admitted on
            // their ports, the roles able to do their work, a way out to pull the image; and on
            // destroy the service goes before the cluster and the namespace.
            dependsOn: [
                args.cluster.cluster,
                args.cluster.namespace,
                ...(args.capacity ? [args.capacity.association] : []),
                ...calls.map((s) => s.service),
                ...ingress,
                ...iam,
                ...(routed?.dependsOn ?? []),
                ...args.network.outboundReady,
            ],
        });

        if (plan.scaling) {
            this.scalingTarget = createScaling(this, name, plan.scaling, {
                resourceId: pulumi.interpolate`service/${args.cluster.clusterName}/${this.service.name}`,
                requestLabel:
                    lb && this.targetGroup
                        ? pulumi.interpolate`${lb.loadBalancer.arnSuffix}/${this.targetGroup.arnSuffix}`
                        : undefined,
            });
        }

        this.registerOutputs({
            url: this.url,
            serviceName: this.service.name,
            role: this.role,
            endpointUrls: this.endpointUrls,
            securityGroupId: this.securityGroup.id,
            taskDefinitionArn: this.taskDefinition.arn,
            executionRoleArn: this.executionRole.arn,
            taskRoleArn: this.taskRole.arn,
            logGroupName: this.logGroup.name,
        });
    }
}

/**
 * The service's security group rules: the internet on the ports the caller opened, and this client
 * on each server's Service Connect ports, and nowhere else. One rule per distinct group, protocol,
 * ports and source: services on one capacity share its group. Release 0.1 named these rules
 * `<service>-internet-<protocol>-<port>` and `<client>-to-<server>-<ports>`, children of the service
 * and of the client: the aliases keep live stacks' rules.
 */
function admitTraffic(
    component: EcsService,
    name: string,
    plan: ResolvedServicePlan,
    calls: EcsService[],
): pulumi.Resource[] {
    const ingress = plan.internetPorts.map((p) =>
        admit(component.securityGroupRef, {
            protocol: p.protocol,
            from: p.port,
            to: p.port,
            source: { internet: true },
            formerly: [{ name: `${name}-internet-${p.protocol}-${p.port}`, parent: component }],
        }),
    );
    for (const server of calls) {
        for (const { from, to } of server.callerPortRanges) {
            const formerly = [
                {
                    name: `${name}-to-${server.serviceName}-${from === to ? from : `${from}-${to}`}`,
                    parent: component,
                },
            ];
            ingress.push(
                admit(server.securityGroupRef, {
                    protocol: "tcp",
                    from,
                    to,
                    source: { group: component.securityGroupRef },
                    formerly,
                }),
            );
        }
    }
    return ingress;
}

/** The task definition: the planned sizes, network mode and platform, the roles, and the containers. */
function createTaskDefinition(
    component: EcsService,
    name: string,
    args: EcsServiceArgs,
    plan: ResolvedServicePlan,
    facts: {
        logGroupName: pulumi.Input<string>;
        region: pulumi.Input<string>;
        tags: Record<string, string> | undefined;
    },
): aws.ecs.TaskDefinition {
    const [project, stack] = [pulumi.getProject(), pulumi.getStack()];
    const containerDefinitions = pulumi.jsonStringify(
        containerDefinitionsOf(name, args.containers, plan, facts.logGroupName, facts.region),
    );
    return new aws.ecs.TaskDefinition(
        `${name}-task`,
        {
            family: taskFamily(project, stack, name),
            requiresCompatibilities: [plan.launchType],
            networkMode: plan.networkMode,
            cpu: String(plan.cpu),
            memory: String(plan.memory),
            executionRoleArn: component.executionRole.arn,
            taskRoleArn: component.taskRole.arn,
            containerDefinitions,
            ...(plan.runtimePlatform
                ? {
                      runtimePlatform: {
                          cpuArchitecture: plan.runtimePlatform,
                          operatingSystemFamily: "LINUX",
                      },
                  }
                : {}),
            tags: nameTags(`${name}-task`, facts.tags),
        },
        { parent: component },
    );
}

/**
 * The ECS service: where its tasks run (Fargate, or the capacity's provider), their subnets and
 * groups, Service Connect, the load balancer's target group, and deployments that roll back.
 */
function createService(
    component: EcsService,
    name: string,
    args: EcsServiceArgs,
    plan: ResolvedServicePlan,
    wiring: {
        routed?: { targetGroup: aws.lb.TargetGroup };
        dependsOn: pulumi.Input<pulumi.Resource>[];
        tags: Record<string, string> | undefined;
    },
): aws.ecs.Service {
    const awsvpc = plan.networkMode === "awsvpc";
    const routedContainer = plan.route
        ? args.containers.find((c) =>
              (c.portMappings ?? []).some((p) => p.name === plan.route!.portName),
          )
        : undefined;
    const serviceConnect =
        plan.role === "none"
            ? undefined
            : {
                  enabled: true,
                  namespace: args.cluster.namespaceArn,
                  ...(plan.serviceConnectEntries.length > 0
                      ? { services: plan.serviceConnectEntries }
                      : {}),
              };
    return new aws.ecs.Service(
        `${name}`,
        {
            cluster: args.cluster.clusterArn,
            taskDefinition: component.taskDefinition.arn,
            desiredCount: plan.desiredCount,
            ...(plan.launchType === "FARGATE"
                ? { launchType: "FARGATE" }
                : {
                      capacityProviderStrategies: [
                          { capacityProvider: args.capacity!.capacityProviderName, weight: 1 },
                      ],
                  }),
            networkConfiguration: awsvpc
                ? {
                      subnets: args.network.taskSubnetIds,
                      securityGroups: [
                          component.securityGroup.id,
                          ...(args.securityGroupIds ?? []),
                      ],
                      ...(plan.launchType === "FARGATE" ? { assignPublicIp: plan.publicIp } : {}),
                  }
                : undefined,
            serviceConnectConfiguration: serviceConnect,
            enableExecuteCommand: args.enableExecuteCommand ?? false,
            ...(wiring.routed && routedContainer
                ? {
                      loadBalancers: [
                          {
                              targetGroupArn: wiring.routed.targetGroup.arn,
                              containerName: routedContainer.name,
                              containerPort: plan.route!.containerPort,
                          },
                      ],
                      healthCheckGracePeriodSeconds: plan.route!.healthCheckGracePeriodSeconds,
                  }
                : {}),
            deploymentCircuitBreaker: { enable: true, rollback: true },
            // A server's clients are created after it: waiting here means they start only once it runs.
            waitForSteadyState: args.waitForSteadyState ?? plan.role === "server",
            propagateTags: "TASK_DEFINITION",
            enableEcsManagedTags: true,
            tags: nameTags(name, wiring.tags),
        },
        {
            parent: component,
            // Discovery names are unique in the namespace: the old service must go before its replacement.
            deleteBeforeReplace: plan.endpoints.length > 0,
            // Autoscaling owns the task count once it is on.
            ...(plan.scaling ? { ignoreChanges: ["desiredCount"] } : {}),
            dependsOn: wiring.dependsOn,
        },
    );
}

/**
 * A service's load balancer route: its target group with health checks, the listener rule on its
 * hosts and paths, and the two security group hops (the load balancer's group to the task ports, the
 * task group from the load balancer's only). Returns what the ECS service must wait for.
 */
function createRoute(
    parent: EcsService,
    name: string,
    route: RoutePlan,
    lb: PublicLoadBalancer,
    opts: {
        priority: number;
        ports: { from: number; to: number };
        targetType: "ip" | "instance";
        tags: Record<string, string> | undefined;
    },
) {
    const ingress = admit(parent.securityGroupRef, {
        protocol: "tcp",
        ...opts.ports,
        source: { group: lb.securityGroupRef },
    });
    const egress = allowEgress(lb.securityGroupRef, {
        protocol: "tcp",
        ...opts.ports,
        destination: parent.securityGroupRef,
    });
    // `<name>-tg` unless AWS would refuse its auto-name (32 of [A-Za-z0-9-]).
    const targetGroupName = awsResourceName("aws:lb/targetGroup:TargetGroup", name, "tg");
    const targetGroup = new aws.lb.TargetGroup(
        targetGroupName,
        {
            port: route.containerPort,
            protocol: "HTTP",
            // HTTP/2 or gRPC to the targets for http2 and grpc ports (HTTP1, AWS's default, is left unset).
            ...(route.protocolVersion !== "HTTP1"
                ? { protocolVersion: route.protocolVersion }
                : {}),
            targetType: opts.targetType,
            vpcId: lb.vpcId,
            deregistrationDelay: route.deregistrationDelaySeconds,
            healthCheck: {
                enabled: true,
                protocol: "HTTP",
                path: route.healthCheck.path,
                matcher: route.healthCheck.matcher,
                interval: route.healthCheck.intervalSeconds,
                timeout: route.healthCheck.timeoutSeconds,
                healthyThreshold: route.healthCheck.healthyThreshold,
                unhealthyThreshold: route.healthCheck.unhealthyThreshold,
            },
            tags: nameTags(targetGroupName, opts.tags),
        },
        { parent },
    );
    // A rule needs a condition: with neither hosts nor paths, it matches every path.
    const conditions = [
        ...(route.hosts.length > 0 ? [{ hostHeader: { values: route.hosts } }] : []),
        ...(route.paths.length > 0 || route.hosts.length === 0
            ? [{ pathPattern: { values: route.paths.length > 0 ? route.paths : ["/*"] } }]
            : []),
    ];
    const listenerRule = new aws.lb.ListenerRule(
        `${name}-route`,
        {
            listenerArn: lb.listener.arn,
            priority: opts.priority,
            conditions,
            actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            tags: nameTags(`${name}-route`, opts.tags),
        },
        { parent },
    );
    const path = (route.paths[0] ?? "/").replace(/\*.*$/, "");
    const url =
        route.hosts.length > 0
            ? pulumi.output(
                  `${lb.plan.protocol === "HTTPS" ? "https" : "http"}://${route.hosts[0]}${path}`,
              )
            : pulumi.interpolate`${lb.url}${path}`;
    return { targetGroup, listenerRule, url, dependsOn: [ingress, egress, listenerRule] };
}

/** The autoscaling target of a service's task count and one target tracking policy per metric. */
function createScaling(
    parent: EcsService,
    name: string,
    scaling: ScalingPlan,
    on: { resourceId: pulumi.Output<string>; requestLabel?: pulumi.Output<string> },
): aws.appautoscaling.Target {
    const target = new aws.appautoscaling.Target(
        `${name}-scaling`,
        {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: on.resourceId,
            minCapacity: scaling.min,
            maxCapacity: scaling.max,
        },
        { parent },
    );
    for (const policy of scaling.policies) {
        new aws.appautoscaling.Policy(
            `${name}-scale-${policy.suffix}`,
            {
                policyType: "TargetTrackingScaling",
                serviceNamespace: target.serviceNamespace,
                scalableDimension: target.scalableDimension,
                resourceId: target.resourceId,
                targetTrackingScalingPolicyConfiguration: {
                    targetValue: policy.target,
                    predefinedMetricSpecification: {
                        predefinedMetricType: policy.metric,
                        ...(policy.metric === "ALBRequestCountPerTarget"
                            ? { resourceLabel: on.requestLabel }
                            : {}),
                    },
                    scaleOutCooldown: 60,
                    scaleInCooldown: 300,
                },
            },
            { parent },
        );
    }
    return target;
}

/**
 * The execution role (pull images, write logs, read the containers' secrets) and the task role (ECS
 * Exec when enabled), with the policies the service must wait for before it starts tasks.
 */
function createRoles(
    component: EcsService,
    name: string,
    args: EcsServiceArgs,
    tags: Record<string, string> | undefined,
): { executionRole: aws.iam.Role; taskRole: aws.iam.Role; dependsOn: pulumi.Resource[] } {
    const label = componentLabel("EcsService", name);
    const parent = { parent: component };
    const executionName = iamRoleResourceName(name, "execution");
    const executionRole = new aws.iam.Role(
        executionName,
        {
            assumeRolePolicy: args.cluster.executionRoleTrustPolicy,
            description: `ECS execution role of ${name}: pull images, write logs`,
            tags: nameTags(executionName, tags),
        },
        parent,
    );
    // The service starts tasks only once their roles can do what the tasks need.
    const iam: pulumi.Resource[] = [
        new aws.iam.RolePolicyAttachment(
            `${name}-execution-managed`,
            { role: executionRole.name, policyArn: args.cluster.taskExecutionPolicyArn },
            parent,
        ),
    ];
    const secretArns = args.containers.flatMap((c) => Object.values(c.secrets ?? {}));
    if (secretArns.length > 0) {
        iam.push(
            new aws.iam.RolePolicy(
                `${name}-execution-secrets`,
                {
                    role: executionRole.id,
                    // ARNs known only at deploy time are checked here; plain ones were checked by the planner.
                    policy: pulumi
                        .all([pulumi.all(secretArns), pulumi.all(args.secretsKmsKeyArns ?? [])])
                        .apply(([arns, keys]) => {
                            try {
                                return JSON.stringify(secretsReadPolicy(arns, keys));
                            } catch (e) {
                                throw new pulumi.ResourceError(
                                    `${label}: secrets: ${(e as Error).message}; pass SSM parameter or Secrets Manager secret ARNs.`,
                                    component,
                                );
                            }
                        }),
                },
                parent,
            ),
        );
    }
    const taskRoleName = iamRoleResourceName(name, "task");
    const taskRole = new aws.iam.Role(
        taskRoleName,
        {
            assumeRolePolicy: args.cluster.taskRoleTrustPolicy,
            description: `ECS task role of ${name}`,
            tags: nameTags(taskRoleName, tags),
        },
        parent,
    );
    if (args.enableExecuteCommand) {
        iam.push(
            new aws.iam.RolePolicy(
                `${name}-task-exec`,
                { role: taskRole.id, policy: JSON.stringify(ecsExecPolicy()) },
                parent,
            ),
        );
    }
    return { executionRole, taskRole, dependsOn: iam };
}

/**
 * The task's container definitions, as ECS takes them (pure: it creates nothing): each container's
 * ports (awsvpc: no host port; host: the container port; bridge: a dynamic one, except a port open
 * to the internet, which must be where the rule admits it), its environment with the URLs of the
 * servers it calls, its secrets, and its log configuration.
 */
export function containerDefinitionsOf(
    name: string,
    containers: ContainerArgs[],
    plan: Pick<ServicePlan, "networkMode" | "staticHostPorts" | "callEnvironment">,
    logGroupName: pulumi.Input<string>,
    region: pulumi.Input<string>,
) {
    return containers.map((c) => ({
        name: c.name,
        image: c.image,
        essential: c.essential ?? true,
        ...(c.cpu !== undefined ? { cpu: c.cpu } : {}),
        ...(c.memory !== undefined ? { memory: c.memory } : {}),
        ...(c.command !== undefined ? { command: c.command } : {}),
        portMappings: (c.portMappings ?? []).map((p) => ({
            name: p.name,
            containerPort: p.containerPort,
            // awsvpc: none; host: the container port itself; bridge: a dynamic host port,
            // except a port open to the internet, which must be where the rule admits it.
            ...(plan.networkMode === "host" || plan.staticHostPorts.includes(p.containerPort)
                ? { hostPort: p.containerPort }
                : plan.networkMode === "bridge"
                  ? { hostPort: 0 }
                  : {}),
            protocol: p.protocol ?? "tcp",
            ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}),
        })),
        environment: Object.entries({ ...c.environment, ...plan.callEnvironment })
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([envName, value]) => ({ name: envName, value })),
        secrets: Object.entries(c.secrets ?? {}).map(([envName, valueFrom]) => ({
            name: envName,
            valueFrom,
        })),
        logConfiguration: {
            logDriver: "awslogs",
            options: {
                "awslogs-group": logGroupName,
                "awslogs-region": region,
                "awslogs-stream-prefix": name,
            },
        },
    }));
}
