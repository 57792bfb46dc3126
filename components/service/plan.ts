/**
 * The service planner: checks a service's declaration against ECS's and Service Connect's rules and
 * derives everything the component wires (port mappings, Service Connect entries, endpoint URLs,
 * the environment variables clients get). Plain functions, no resources.
 */
import type { CapacityPlan } from "../capacity/plan";
import { componentLabel, Fail, PlanError, Problems } from "../planError";
import { planRoute, RouteArgs, RoutePlan } from "../loadBalancer/plan";
import { ENDPOINTS_NEEDED } from "../network/plan";
import { NetworkFacts } from "../network/plan";
import { fargateSizeProblem } from "./fargate";
import { KMS_KEY_ARN, secretTarget } from "./iam";
import { MAX_SECURITY_GROUPS, MAX_SUBNETS } from "../limits";
import { AUTONAME_SUFFIX_LENGTH, taskFamily } from "../naming";
import type { EcsServiceArgs } from "./ecsService";
import {
    AppProtocol,
    ContainerArgs,
    ExposeArgs,
    PortMappingArgs,
    ServiceConnectTlsArgs,
} from "./types";

export const PORT_NAME = /^[a-z0-9_][a-z0-9_-]{0,63}$/;
/** ECS service and container names: ASCII letters, digits, `_` and `-`, at most 255 characters. */
export const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** ECS task definition families follow the same rule. */
export const FAMILY_MAX = 255;
/** The service is auto-named `<name>-<7 characters>`, which must stay within ECS's 255. */
export const SERVICE_NAME_MAX = 255 - AUTONAME_SUFFIX_LENGTH;

/**
 * An image reference as Docker and ECS parse it (github.com/distribution/reference, `reference.go`):
 * `[registry[:port]/]path[:tag][@digest]`, path components lowercase. Spaces, quotes and uppercase
 * repository names are not references.
 */
const IMAGE_REFERENCE = (() => {
    const alnum = "[a-z0-9]+";
    const component = `${alnum}(?:(?:[._]|__|-+)${alnum})*`;
    const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
    const tag = "[\\w][\\w.-]{0,127}";
    const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    return new RegExp(`^(?:${domain}/)?${component}(?:/${component})*(?::${tag})?(?:@${digest})?$`);
})();

/** Why a text is not an image reference, or undefined when it is one. */
export function imageReferenceProblem(image: string): string | undefined {
    if (/\s/.test(image)) return "contains whitespace";
    if (/["'`]/.test(image)) return "contains a quote";
    if (image.split(/[@]/)[0].length > 255)
        return "has a repository name longer than 255 characters";
    if (!IMAGE_REFERENCE.test(image))
        return "is not an image reference ([registry/]repository[:tag][@digest], the repository in lowercase)";
    return undefined;
}
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];
/** Private ECR registries, the only image source a VPC endpoint serves (ecr.dkr, with S3 for layers); group 2 is the Region. */
const PRIVATE_ECR = /^\d{12}\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/** The Region of a private ECR registry host, or undefined when the host is not one. */
export function ecrRegion(registry: string): string | undefined {
    return PRIVATE_ECR.exec(registry)?.[2];
}

/** The registry an image reference pulls from: its first component when that is a host, else Docker Hub. */
export function imageRegistry(image: string): string {
    const first = image.split("/")[0];
    return image.includes("/") &&
        (first.includes(".") || first.includes(":") || first === "localhost")
        ? first
        : "docker.io";
}

export class ServicePlanError extends PlanError {
    constructor(component: string, problem: string | readonly string[]) {
        super(component, problem);
        this.name = "ServicePlanError";
    }
}

export interface Endpoint {
    readonly portName: string;
    readonly discoveryName: string;
    /** The host clients use: the alias dnsName, or `<discoveryName>.<namespace>`. */
    readonly host: string;
    /** The port clients use (the alias port). */
    readonly port: number;
    /** Where the Service Connect proxy listens on the server task: the container port. */
    readonly containerPort: number;
    readonly appProtocol?: AppProtocol;
    readonly url: string;
    /** The environment variable a calling service receives the URL in. */
    readonly envName: string;
}

/** A `serviceConnectConfiguration.services` entry, in the provider's shape. */
export interface ServiceConnectServiceEntry {
    portName: string;
    discoveryName: string;
    clientAlias: { port: number; dnsName?: string }[];
    timeout?: { idleTimeoutSeconds?: number; perRequestTimeoutSeconds?: number };
    tls?: {
        issuerCertAuthority: {
            awsPcaAuthorityArn: ServiceConnectTlsArgs["issuerCertAuthorityArn"];
        };
        kmsKey?: ServiceConnectTlsArgs["kmsKey"];
        roleArn?: ServiceConnectTlsArgs["roleArn"];
    };
}

/** The ephemeral host port range ECS maps bridge-mode ports (and the Service Connect proxy) into. */
export const BRIDGE_HOST_PORTS = { from: 32768, to: 65535 };

/**
 * The URL clients use for a Service Connect endpoint: `grpc://` for grpc, `http://` for http and
 * http2, `tcp://` for plain TCP; the host is the alias dnsName, else `<discoveryName>.<namespace>`.
 */
export function serviceConnectUrl(e: {
    appProtocol?: string;
    dnsName?: string;
    discoveryName: string;
    namespace: string;
    port: number;
}): string {
    const scheme = e.appProtocol === "grpc" ? "grpc" : e.appProtocol ? "http" : "tcp";
    return `${scheme}://${e.dnsName ?? `${e.discoveryName}.${e.namespace}`}:${e.port}`;
}

export type ServiceConnectRole = "server" | "client" | "none";
export type LaunchType = "FARGATE" | "EC2";
export type NetworkMode = "awsvpc" | "bridge" | "host";

export interface ServicePlanInput {
    /** The service's name: the ECS service is auto-named from it. */
    name: string;
    /** The task definition family derived from it. */
    family: string;
    containers: ContainerArgs[];
    cpu: number;
    memory: number;
    desiredCount: number;
    logRetentionDays: number;
    expose: ExposeArgs[];
    /** The services this one calls, with the endpoints they expose. */
    calls: { label: string; endpoints: Endpoint[]; namespace: string; network: unknown }[];
    sensitive: boolean;
    securityGroupIds: number;
    /** The network the service runs in; servers it calls must run in this same one. */
    network: NetworkFacts;
    namespace: string;
    launch: {
        type: LaunchType;
        hasCapacity: boolean;
        networkMode?: string;
        assignPublicIp?: boolean;
        allowInstanceRoleAccess?: boolean;
        capacity?: CapacityPlan;
    };
    enableExecuteCommand: boolean;
    /** Customer-managed KMS keys that encrypt the secrets (plain ARNs are checked; Outputs pass). */
    secretsKmsKeyArns: unknown[];
    /** The load balancer route, with the network the load balancer sits in. */
    route?: RouteArgs & { network: unknown; listenerProtocol?: "HTTP" | "HTTPS" };
    scaling?: ScalingArgs;
    runtimePlatform?: string;
    /** The Region the service runs in, when known while planning: interface endpoints serve only its own ECR. */
    region?: string;
}

/** Target tracking autoscaling of a service's task count; any subset of the metrics. */
export interface ScalingArgs {
    /** The fewest tasks. @default the service's desiredCount */
    min?: number;
    /** The most tasks. @default 4 times min (at least 1) */
    max?: number;
    /** Keep average CPU near this percentage (ECSServiceAverageCPUUtilization). */
    cpuPercent?: number;
    /** Keep average memory near this percentage (ECSServiceAverageMemoryUtilization). */
    memoryPercent?: number;
    /** Keep requests per task near this number (ALBRequestCountPerTarget); needs a load balancer route. */
    requestsPerTarget?: number;
}

export interface ScalingPlan {
    min: number;
    max: number;
    /** Target tracking policies: the predefined metric and its target value. */
    policies: {
        metric:
            | "ECSServiceAverageCPUUtilization"
            | "ECSServiceAverageMemoryUtilization"
            | "ALBRequestCountPerTarget";
        target: number;
        suffix: string;
    }[];
}

export const RUNTIME_PLATFORMS = ["X86_64", "ARM64"] as const;

export interface ServicePlan {
    role: ServiceConnectRole;
    launchType: LaunchType;
    networkMode: NetworkMode;
    /** Whether the tasks can be reached from the internet: their own public IP, or their host's. */
    publicIp: boolean;
    serviceConnectEntries: ServiceConnectServiceEntry[];
    endpoints: Endpoint[];
    /** Where this server admits its callers: its endpoints' container ports, or in bridge mode the host port range. */
    callerPortRanges: { from: number; to: number }[];
    /** Ports admitted from 0.0.0.0/0 because the caller asked. */
    internetPorts: { port: number; protocol: "tcp" | "udp" }[];
    /** Container ports mapped to the same host port: in bridge mode, the ports open to the internet. */
    staticHostPorts: number[];
    /**
     * Environment variables every container gets: the URL of each endpoint this service calls. A new
     * server in `calls` changes the task definition, so ECS starts new tasks, which learn its name.
     */
    callEnvironment: Record<string, string>;
    /** The load balancer route, checked against the port mappings. */
    route?: RoutePlan;
    scaling?: ScalingPlan;
    runtimePlatform?: (typeof RUNTIME_PLATFORMS)[number];
}

/**
 * The task's containers, checked one by one (names, images, their share of the task's CPU and
 * memory, port mappings that ECS would refuse, secrets) with the KMS keys that decrypt the secrets;
 * returns the named port mappings, each with where it was declared.
 */
function planContainers(
    problems: Problems,
    input: ServicePlanInput,
): Map<string, PortMappingArgs & { where: string }> {
    const mappings = new Map<string, PortMappingArgs & { where: string }>();
    const containerNames = new Set<string>();
    // awsvpc and host tasks share one network namespace; a bridge container has its own.
    const portsTaken = new Map<string, string>();
    const totals = { cpu: 0, memory: 0 };
    input.containers.forEach((c, ci) =>
        problems.check((fail) => {
            if (!ECS_NAME.test(c.name)) {
                fail(
                    `containers[${ci}].name "${c.name}" is not an ECS container name (ASCII letters, digits, _ and -, 1 to 255 characters); rename it.`,
                );
            }
            if (containerNames.has(c.name)) {
                fail(
                    `containers[${ci}].name "${c.name}" is used twice; give each container its own name.`,
                );
            }
            containerNames.add(c.name);
            if (typeof c.image === "string") {
                const problem = imageReferenceProblem(c.image);
                if (problem) {
                    fail(
                        `containers[${ci}].image ${JSON.stringify(c.image)} ${problem}; write it as registry/repository:tag, such as public.ecr.aws/nginx/nginx:stable.`,
                    );
                }
            }
            for (const [field, task] of [
                ["cpu", input.cpu],
                ["memory", input.memory],
            ] as const) {
                const own = c[field];
                if (own === undefined) continue;
                if (!Number.isInteger(own) || own < (field === "cpu" ? 0 : 6)) {
                    fail(
                        `containers[${ci}].${field} must be a whole number${field === "cpu" ? ", 0 or more" : " of MiB, at least 6"} (got ${own}).`,
                    );
                }
                if (own > task) {
                    fail(
                        `containers[${ci}].${field} ${own} is above the task's ${field} ${task}; a container gets at most what its task has, so lower it or raise the task's ${field}.`,
                    );
                }
                totals[field] += own;
                if (totals[field] > task) {
                    fail(
                        `containers[${ci}].${field} brings the containers' ${field} to ${totals[field]}, above the task's ${task}; lower the containers' ${field} or raise the task's.`,
                    );
                }
            }
            (c.portMappings ?? []).forEach((p, pi) => {
                const where = `containers[${ci}].portMappings[${pi}]`;
                if (!PORT_NAME.test(p.name)) {
                    fail(
                        `${where}.name "${p.name}" breaks ECS's port name format (lowercase letters, digits, _ and -, at most 64 characters, not starting with -); use a name such as "web".`,
                    );
                }
                if (mappings.has(p.name)) {
                    fail(
                        `${where}.name "${p.name}" is used twice; give each port mapping its own name.`,
                    );
                }
                if (
                    !Number.isInteger(p.containerPort) ||
                    p.containerPort < 1 ||
                    p.containerPort > 65535
                ) {
                    fail(
                        `${where}.containerPort must be between 1 and 65535 (got ${p.containerPort}).`,
                    );
                }
                const protocol = p.protocol ?? "tcp";
                const portKey = `${input.launch.networkMode === "bridge" ? ci : "task"}/${protocol}/${p.containerPort}`;
                const holder = portsTaken.get(portKey);
                if (holder !== undefined) {
                    fail(
                        `${where}.containerPort ${p.containerPort}/${protocol} is already mapped by ${holder}; ECS refuses two mappings of one port, so map each port once.`,
                    );
                }
                portsTaken.set(portKey, where);
                mappings.set(p.name, { ...p, where });
            });
            Object.entries(c.secrets ?? {}).forEach(([name, arn]) => {
                const target = typeof arn === "string" ? secretTarget(arn) : undefined;
                if (target && "problem" in target) {
                    fail(
                        `containers[${ci}].secrets.${name} "${arn}" ${target.problem}; pass the parameter's or secret's full ARN.`,
                    );
                }
            });
        }),
    );
    input.secretsKmsKeyArns.forEach((key, i) =>
        problems.check((fail) => {
            if (typeof key === "string" && !KMS_KEY_ARN.test(key)) {
                fail(
                    `secretsKmsKeyArns[${i}] "${key}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); pass the key's ARN, not its alias.`,
                );
            }
        }),
    );
    return mappings;
}

/**
 * The Service Connect endpoints the service exposes, each checked against the task's port mappings
 * and the limits ECS and Cloud Map set (one client alias, TCP only, timeouts, DNS names), with the
 * URL and environment variable its callers get.
 */
function planEndpoints(
    problems: Problems,
    input: ServicePlanInput,
    mappings: Map<string, PortMappingArgs>,
): (Endpoint | undefined)[] {
    return input.expose.map((e, i) =>
        problems.check((fail): Endpoint => {
            const where = `expose[${i}]`;
            const mapping = mappings.get(e.portName);
            if (mapping === undefined) {
                const names = [...mappings.keys()];
                fail(
                    `${where}.portName "${e.portName}" names no port mapping of this task; use one of ${names.length > 0 ? names.join(", ") : "(none: add a named port mapping first)"}.`,
                );
            }
            if ((mapping!.protocol ?? "tcp") !== "tcp") {
                fail(
                    `${where}.portName "${e.portName}" is a ${mapping!.protocol} port; Service Connect carries TCP only.`,
                );
            }
            const discoveryName = e.discoveryName ?? e.portName;
            if (!PORT_NAME.test(discoveryName)) {
                fail(
                    `${where}.discoveryName "${discoveryName}" is not a valid Cloud Map service name (lowercase letters, digits, _ and -, at most 64 characters); pick another.`,
                );
            }
            const aliases = e.clientAliases ?? [];
            if (aliases.length > 1) {
                fail(
                    `${where}.clientAliases lists ${aliases.length} aliases; ECS accepts one per entry, so expose the port again with another discoveryName for a second alias.`,
                );
            }
            for (const field of ["idleTimeoutSeconds", "perRequestTimeoutSeconds"] as const) {
                const t = e[field];
                if (t !== undefined && (!Number.isInteger(t) || t < 0 || (t > 0 && t < 1))) {
                    fail(
                        `${where}.${field} must be 0 (off) or a whole number of seconds, at least 1 (got ${t}).`,
                    );
                }
            }
            if (e.perRequestTimeoutSeconds !== undefined && mapping!.appProtocol === undefined) {
                fail(
                    `${where}.perRequestTimeoutSeconds applies only to http, http2 and grpc ports, and port mapping "${e.portName}" has no appProtocol (plain TCP); remove the timeout or set appProtocol.`,
                );
            }
            const aliasPort = aliases[0]?.port;
            if (
                aliasPort !== undefined &&
                (!Number.isInteger(aliasPort) || aliasPort < 1 || aliasPort > 65535)
            ) {
                fail(
                    `${where}.clientAliases[0].port must be between 1 and 65535 (got ${aliasPort}).`,
                );
            }
            const aliasName = aliases[0]?.dnsName;
            if (
                aliasName !== undefined &&
                !/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(
                    aliasName,
                )
            ) {
                fail(
                    `${where}.clientAliases[0].dnsName "${aliasName}" is not a DNS name (lowercase labels of letters, digits and -, separated by dots); pick another.`,
                );
            }
            const port = aliases[0]?.port ?? mapping!.containerPort;
            const host = aliases[0]?.dnsName ?? `${discoveryName}.${input.namespace}`;
            return {
                portName: e.portName,
                discoveryName,
                host,
                port,
                containerPort: mapping!.containerPort,
                appProtocol: mapping!.appProtocol,
                url: serviceConnectUrl({
                    appProtocol: mapping!.appProtocol,
                    dnsName: aliases[0]?.dnsName,
                    discoveryName,
                    namespace: input.namespace,
                    port,
                }),
                envName: `${discoveryName.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_URL`,
            };
        }),
    );
}

/** The servers the service calls: each must expose an endpoint, in the same network and namespace. */
function checkCalls(problems: Problems, input: ServicePlanInput): void {
    input.calls.forEach((server, i) =>
        problems.check((fail) => {
            if (server.endpoints.length === 0) {
                fail(
                    `calls[${i}] names ${server.label}, which exposes no Service Connect endpoint; add expose to it or remove it from calls.`,
                );
            }
            if (server.network !== input.network) {
                fail(
                    `calls[${i}] names ${server.label}, which runs in another network (VPC); this service's security group cannot admit it there, and Service Connect traffic between VPCs needs peering this component does not build; run both services in one network.`,
                );
            }
            if (server.namespace !== input.namespace) {
                fail(
                    `calls[${i}] names ${server.label} in namespace ${server.namespace}, but this service is in ${input.namespace}; Service Connect names resolve within one namespace.`,
                );
            }
        }),
    );
}

/**
 * Plans a service in two stages, each collecting every problem before it throws (see `Problems`).
 * First what stands on its own: the name, family and sizes; where it runs (planLaunch); its
 * containers (planContainers) and the servers it calls (checkCalls). Then what reads those: the
 * endpoints it exposes (planEndpoints), what its placement allows (internet ports, host mode,
 * subnets and groups), its load balancer route and scaling, and the URLs its calls put in its
 * environment. Throws a `ServicePlanError` naming each field at fault and its fix.
 */
export function planService(label: string, input: ServicePlanInput): ServicePlan {
    const problems = new Problems(label, (c, p) => new ServicePlanError(c, p));

    problems.check((fail) => {
        if (!ECS_NAME.test(input.name) || input.name.length > SERVICE_NAME_MAX) {
            fail(
                `name "${input.name}" is not an ECS service name: ASCII letters, digits, _ and -, at most ${SERVICE_NAME_MAX} characters (ECS's 255, less the ${AUTONAME_SUFFIX_LENGTH} Pulumi's auto-name adds); rename the service.`,
            );
        }
        if (input.family.length > FAMILY_MAX) {
            fail(
                `name "${input.name}" makes the task definition family ${input.family.length} characters long (project, stack and service), above ECS's ${FAMILY_MAX}; use a shorter service name.`,
            );
        }
    });
    problems.check((fail) => {
        if (input.containers.length === 0) {
            fail("containers is empty; give the task at least one container.");
        }
    });
    const launch = problems.check((fail) => planLaunch(fail, input));
    problems.check((fail) => {
        const sizeProblem =
            launch?.launchType === "FARGATE" && fargateSizeProblem(input.cpu, input.memory);
        if (sizeProblem) {
            fail(`${sizeProblem}.`);
        }
    });
    problems.check((fail) => {
        if (!Number.isInteger(input.desiredCount) || input.desiredCount < 0) {
            fail(
                `desiredCount must be a whole number of tasks, 0 or more (got ${input.desiredCount}).`,
            );
        }
    });
    problems.check((fail) => {
        if (!LOG_RETENTION_DAYS.includes(input.logRetentionDays)) {
            fail(
                `logRetentionDays ${input.logRetentionDays} is not a retention CloudWatch Logs offers; use one of ${LOG_RETENTION_DAYS.join(", ")}.`,
            );
        }
    });
    problems.check((fail) => {
        if (
            input.runtimePlatform !== undefined &&
            !(RUNTIME_PLATFORMS as readonly string[]).includes(input.runtimePlatform)
        ) {
            fail(`runtimePlatform "${input.runtimePlatform}" is not X86_64 or ARM64.`);
        }
    });
    const mappings = planContainers(problems, input);
    checkCalls(problems, input);
    problems.throwIfAny();
    const { launchType, networkMode, publicIp } = launch!;

    const endpoints = planEndpoints(problems, input, mappings) as Endpoint[];
    const openMappings = [...mappings.values()].filter((p) => p.openToInternet);
    const internetPorts = openMappings.map((p) => ({
        port: p.containerPort,
        protocol: p.protocol ?? ("tcp" as const),
    }));
    problems.check((fail) => {
        if (openMappings.length > 0 && !publicIp) {
            const why =
                launchType === "EC2" && networkMode === "awsvpc"
                    ? "awsvpc tasks on EC2 never get a public IP"
                    : `tasks on the ${input.network.pattern} pattern get no public IP`;
            fail(
                `${openMappings[0].where}.openToInternet is set on port ${internetPorts[0].port}, but ${why}, so it would open nothing reachable; use the public pattern, or put a load balancer in front.`,
            );
        }
    });
    problems.check((fail) => {
        if (networkMode === "host" && (input.expose.length > 0 || input.calls.length > 0)) {
            fail(
                "Service Connect needs networkMode awsvpc or bridge, and this service uses host; change networkMode or drop expose and calls.",
            );
        }
    });
    problems.check((fail) => checkWayOut(fail, input));
    problems.check((fail) => checkPlacement(fail, input, networkMode));
    const route = input.route
        ? problems.check((fail) => planRouteOf(fail, input, input.route!))
        : undefined;
    // Scaling on requests reads the route: it is checked once the route passed.
    const scaling =
        input.scaling && (route !== undefined || input.route === undefined)
            ? problems.check((fail) =>
                  planScaling(fail, input.scaling!, input.desiredCount, route !== undefined),
              )
            : undefined;
    if (launchType === "EC2" && input.launch.capacity) {
        problems.check((fail) => checkFitsCapacity(fail, input, input.launch.capacity!));
    }
    const callEnvironment = problems.check((fail) => callEnvironmentOf(fail, input)) ?? {};
    problems.throwIfAny();

    return {
        role: endpoints.length > 0 ? "server" : input.calls.length > 0 ? "client" : "none",
        launchType,
        networkMode,
        publicIp,
        serviceConnectEntries: input.expose.map((e, i) => ({
            portName: e.portName,
            discoveryName: endpoints[i].discoveryName,
            clientAlias: [
                {
                    port: endpoints[i].port,
                    ...(e.clientAliases?.[0]?.dnsName
                        ? { dnsName: e.clientAliases[0].dnsName }
                        : {}),
                },
            ],
            ...(e.idleTimeoutSeconds !== undefined || e.perRequestTimeoutSeconds !== undefined
                ? {
                      timeout: {
                          idleTimeoutSeconds: e.idleTimeoutSeconds,
                          perRequestTimeoutSeconds: e.perRequestTimeoutSeconds,
                      },
                  }
                : {}),
            ...(e.tls
                ? {
                      tls: {
                          issuerCertAuthority: { awsPcaAuthorityArn: e.tls.issuerCertAuthorityArn },
                          kmsKey: e.tls.kmsKey,
                          roleArn: e.tls.roleArn,
                      },
                  }
                : {}),
        })),
        endpoints,
        // The Service Connect proxy listens on the container port, or in bridge mode on a dynamic host port.
        callerPortRanges:
            networkMode === "bridge"
                ? [BRIDGE_HOST_PORTS]
                : [...new Set(endpoints.map((e) => e.containerPort))].map((p) => ({
                      from: p,
                      to: p,
                  })),
        internetPorts,
        // A bridge task listens on a dynamic host port; a port the internet must reach is mapped 1:1
        // (so the rule on the host admits what the task listens on, one such task per instance).
        staticHostPorts: networkMode === "bridge" ? internetPorts.map((p) => p.port) : [],
        callEnvironment,
        route,
        scaling,
        runtimePlatform: input.runtimePlatform as ServicePlan["runtimePlatform"],
    };
}

/** Where the service's tasks go: no more subnets and groups than ECS accepts, extra groups only on awsvpc. */
function checkPlacement(fail: Fail, input: ServicePlanInput, networkMode: NetworkMode): void {
    const subnets = input.network.taskSubnetCount;
    if (subnets !== undefined && subnets > MAX_SUBNETS) {
        fail(
            `the network has ${subnets} task subnets, more than the ${MAX_SUBNETS} ECS accepts for a service; place the service in at most ${MAX_SUBNETS}.`,
        );
    }
    if (networkMode !== "awsvpc" && input.securityGroupIds > 0) {
        fail(
            `securityGroupIds applies to awsvpc tasks only; ${networkMode} tasks use their instance's security group (the capacity's), so add rules there.`,
        );
    }
    const groups = 1 + input.securityGroupIds;
    if (groups > MAX_SECURITY_GROUPS) {
        fail(
            `securityGroupIds brings the task to ${groups} security groups (its own plus ${input.securityGroupIds}), more than the ${MAX_SECURITY_GROUPS} ECS accepts; pass at most ${MAX_SECURITY_GROUPS - 1}.`,
        );
    }
}

/** The load balancer route, in the service's own network, checked against its port mappings. */
function planRouteOf(
    fail: Fail,
    input: ServicePlanInput,
    route: NonNullable<ServicePlanInput["route"]>,
): RoutePlan {
    if (route.network !== input.network) {
        fail(
            "loadBalancer is in another network (VPC) than the service; its target group and security group rules need one VPC, so route through a load balancer in the service's network.",
        );
    }
    return planRoute(
        fail,
        "loadBalancer",
        route,
        input.containers.flatMap((c) => c.portMappings ?? []),
        route.listenerProtocol,
    );
}

/** The URL of every endpoint the service calls, by variable name; a container may not set one itself. */
function callEnvironmentOf(fail: Fail, input: ServicePlanInput): Record<string, string> {
    const callEnvironment: Record<string, string> = {};
    const called = input.calls.flatMap((s) => s.endpoints);
    for (const e of called) {
        callEnvironment[e.envName] = e.url;
    }
    input.containers.forEach((c, ci) => {
        for (const name of Object.keys(c.environment ?? {})) {
            if (name in callEnvironment) {
                fail(
                    `containers[${ci}].environment.${name} is also set from calls (the URL of ${called.find((e) => e.envName === name)!.discoveryName}); rename your variable.`,
                );
            }
        }
    });
    return callEnvironment;
}

/**
 * An EC2 task places only on an instance that can run it: the CPU architecture its runtimePlatform
 * names, and no more CPU or memory than one instance registers with ECS (a task never spans two).
 */
function checkFitsCapacity(fail: Fail, input: ServicePlanInput, capacity: CapacityPlan): void {
    const platform =
        input.runtimePlatform === "ARM64"
            ? "arm64"
            : input.runtimePlatform === "X86_64"
              ? "x86_64"
              : undefined;
    if (platform !== undefined && platform !== capacity.architecture) {
        fail(
            `runtimePlatform ${input.runtimePlatform} cannot run on the EC2 capacity's ${capacity.instanceType} instances, whose processors are ${capacity.architecture}, so its tasks would never place; run the service on Fargate, pick a ${platform} instance type for the capacity, or change runtimePlatform.`,
        );
    }
    const { cpuUnits, memoryMiB } = capacity.registered;
    if (input.cpu > cpuUnits) {
        fail(
            `cpu ${input.cpu} is more than one ${capacity.instanceType} instance registers with ECS (${cpuUnits} units), so the task would never place; lower it or pick a larger instance type.`,
        );
    }
    if (input.memory > memoryMiB) {
        fail(
            `memory ${input.memory} MiB is more than one ${capacity.instanceType} instance offers tasks (about ${memoryMiB} MiB once the kernel and the ECS agent have theirs), so the task would never place; lower it or pick a larger instance type.`,
        );
    }
}

function planScaling(
    fail: Fail,
    args: ScalingArgs,
    desiredCount: number,
    routed: boolean,
): ScalingPlan {
    const min = args.min ?? desiredCount;
    const max = args.max ?? Math.max(1, min * 4);
    const whole = (field: string, v: number, low: number) => {
        if (!Number.isInteger(v) || v < low)
            fail(`scaling.${field} must be a whole number, ${low} or more (got ${v}).`);
    };
    whole("min", min, 0);
    whole("max", max, 1);
    if (min > max) fail(`scaling.min ${min} is above scaling.max ${max}; raise max or lower min.`);
    if (desiredCount < min || desiredCount > max)
        fail(
            `desiredCount ${desiredCount} is outside scaling's ${min} to ${max}; set desiredCount within that range.`,
        );
    const policies: ScalingPlan["policies"] = [];
    for (const [field, metric, suffix] of [
        ["cpuPercent", "ECSServiceAverageCPUUtilization", "cpu"],
        ["memoryPercent", "ECSServiceAverageMemoryUtilization", "memory"],
    ] as const) {
        const v = args[field];
        if (v === undefined) continue;
        if (!(v > 0 && v <= 100))
            fail(`scaling.${field} must be a percentage above 0 and at most 100 (got ${v}).`);
        policies.push({ metric, target: v, suffix });
    }
    if (args.requestsPerTarget !== undefined) {
        if (!routed)
            fail(
                "scaling.requestsPerTarget counts requests from the load balancer, and this service has no loadBalancer route; add one or scale on cpuPercent or memoryPercent.",
            );
        if (!(args.requestsPerTarget >= 1))
            fail(`scaling.requestsPerTarget must be 1 or more (got ${args.requestsPerTarget}).`);
        policies.push({
            metric: "ALBRequestCountPerTarget",
            target: args.requestsPerTarget,
            suffix: "requests",
        });
    }
    if (policies.length === 0)
        fail("scaling names no metric; set cpuPercent, memoryPercent or requestsPerTarget.");
    return { min, max, policies };
}

/**
 * Without outbound internet (natStrategy None), every AWS API a task or its agent calls must have a
 * VPC endpoint, and images can come only from private ECR: no endpoint serves public.ecr.aws or
 * Docker Hub.
 */
function checkWayOut(fail: Fail, input: ServicePlanInput): void {
    if (input.network.outboundInternet) {
        return;
    }
    input.containers.forEach((c, ci) => {
        if (typeof c.image !== "string") return;
        const registry = imageRegistry(c.image);
        const region = ecrRegion(registry);
        if (region === undefined) {
            fail(
                `containers[${ci}].image "${c.image}" comes from ${registry}, which no VPC endpoint serves, and the network has no outbound internet (no NAT); copy the image to a private ECR repository, or give the network a NAT gateway.`,
            );
        }
        if (input.region !== undefined && region !== input.region) {
            fail(
                `containers[${ci}].image "${c.image}" comes from the ECR registry of ${region}, and the network has no outbound internet (no NAT): its ECR endpoints serve only ${input.region}'s registry; replicate the repository to ${input.region} (ECR cross-Region replication) and use that image, or give the network a NAT gateway.`,
            );
        }
    });
    const secrets = input.containers
        .flatMap((c) => Object.values(c.secrets ?? {}))
        .filter((v): v is string => typeof v === "string");
    const needs: [string, readonly string[]][] = [
        ["pulling images from ECR", ENDPOINTS_NEEDED.images],
        ["sending logs to CloudWatch Logs", ENDPOINTS_NEEDED.logs],
        ...(input.enableExecuteCommand
            ? [["ECS Exec", ENDPOINTS_NEEDED.exec] as [string, readonly string[]]]
            : []),
        ...(secrets.some((v) => v.split(":")[2] === "ssm")
            ? [
                  ["SSM parameter secrets", ENDPOINTS_NEEDED.ssmParameters] as [
                      string,
                      readonly string[],
                  ],
              ]
            : []),
        ...(secrets.some((v) => v.split(":")[2] === "secretsmanager")
            ? [
                  ["Secrets Manager secrets", ENDPOINTS_NEEDED.secretsManager] as [
                      string,
                      readonly string[],
                  ],
              ]
            : []),
        ...(input.secretsKmsKeyArns.length > 0
            ? [["decrypting secrets with KMS", ENDPOINTS_NEEDED.kms] as [string, readonly string[]]]
            : []),
        // The ECS agent's endpoints are the capacity's to check (Ec2Capacity refuses without them).
    ];
    const have = new Set(input.network.vpcEndpointServices);
    const missing = needs.flatMap(([why, services]) =>
        services.filter((s) => !have.has(s)).map((s) => ({ why, service: s })),
    );
    if (!have.has("s3")) {
        missing.unshift({ why: "ECR image layers (stored in S3)", service: "s3" });
    }
    if (missing.length > 0) {
        const list = missing.map((m) => `${m.service} (${m.why})`).join(", ");
        fail(
            `the network has no outbound internet (no NAT) and no VPC endpoint for ${list}; add those endpoints to the network (vpcEndpoints and interfaceEndpoints), or give it a NAT gateway.`,
        );
    }
}

/**
 * Launch type and network mode rules: Fargate is awsvpc only and takes its public IP from the
 * network; on EC2 `assignPublicIp` does not exist, an awsvpc task's ENI never gets a public IP (so on
 * the public pattern it has no way out), and bridge/host tasks share their host's public IP.
 */
function planLaunch(
    fail: Fail,
    input: ServicePlanInput,
): { launchType: LaunchType; networkMode: NetworkMode; publicIp: boolean } {
    const { type, hasCapacity, assignPublicIp } = input.launch;
    const networkMode = (input.launch.networkMode ?? "awsvpc") as NetworkMode;
    if (!["awsvpc", "bridge", "host"].includes(networkMode)) {
        fail(`networkMode "${networkMode}" is not awsvpc, bridge or host.`);
    }
    if (type === "FARGATE") {
        if (hasCapacity) {
            fail(
                "capacity is set but launchType is FARGATE; drop capacity, or set launchType EC2 to run on it.",
            );
        }
        if (networkMode !== "awsvpc") {
            fail(
                `networkMode ${networkMode} is not available on Fargate, which runs every task in awsvpc mode; use awsvpc, or EC2 capacity for ${networkMode}.`,
            );
        }
        const publicIp = assignPublicIp ?? input.network.tasksGetPublicIp;
        if (publicIp && !input.network.tasksGetPublicIp) {
            fail(
                `assignPublicIp is true but the ${input.network.pattern} pattern's subnets have no internet gateway route, so the address would never be reachable; use the public pattern.`,
            );
        }
        if (input.sensitive && publicIp) {
            fail(
                `sensitive is true but the network gives tasks public IPs (the ${input.network.pattern} pattern); run the service on a private network, or clear sensitive if its data is not sensitive.`,
            );
        }
        return { launchType: type, networkMode, publicIp };
    }
    if (!hasCapacity) {
        fail("launchType is EC2 but no capacity is given; pass an Ec2Capacity, or use FARGATE.");
    }
    if (assignPublicIp !== undefined) {
        fail(
            "assignPublicIp is a Fargate-only setting; on EC2, bridge and host tasks use their instance's public IP and awsvpc tasks never get one, so remove it.",
        );
    }
    if (networkMode === "host" && !input.launch.allowInstanceRoleAccess) {
        fail(
            "networkMode host shares the instance's network, so every container can read the instance role's credentials from the instance metadata service (the hop limit only stops bridge containers); use awsvpc or bridge, or set allowInstanceRoleAccess to true if the instance role's permissions are acceptable to this task.",
        );
    }
    const hostPublic = input.network.hostsGetPublicIp;
    if (input.sensitive && hostPublic) {
        fail(
            `sensitive is true but the EC2 capacity's instances get public IPs (the ${input.network.pattern} pattern), so the host is reachable from the internet; run the capacity on a private network, or clear sensitive if its data is not sensitive.`,
        );
    }
    if (networkMode === "awsvpc" && hostPublic) {
        fail(
            "networkMode awsvpc on EC2 in public subnets leaves tasks no outbound internet path (a task's ENI never gets a public IP on EC2); use the private pattern (outbound through NAT), or networkMode bridge or host to share the instance's public IP.",
        );
    }
    return { launchType: type, networkMode, publicIp: networkMode !== "awsvpc" && hostPublic };
}

/**
 * What planning a service needs: its arguments, with the cluster, network, capacity and the servers
 * it calls reduced to the facts the planner reads. `planStack` builds it from a stack file; the
 * component from its own arguments, so both judge a service by the same rules.
 */
export interface ServiceDeclaration extends Omit<
    EcsServiceArgs,
    "cluster" | "network" | "capacity" | "calls" | "loadBalancer"
> {
    /** The cluster's Service Connect namespace. */
    namespace: string;
    network: NetworkFacts;
    capacity?: { network: NetworkFacts; plan: CapacityPlan };
    calls?: {
        serviceName: string;
        endpoints: Endpoint[];
        namespace: string;
        network: NetworkFacts;
    }[];
    /** The load balancer route, with the network the load balancer sits in. */
    loadBalancer?: RouteArgs & { network: NetworkFacts; listenerProtocol?: "HTTP" | "HTTPS" };
    /** The Region, when known while planning. */
    region?: string;
}

/** A service's plan with its defaults resolved. */
export interface ResolvedServicePlan extends ServicePlan {
    cpu: number;
    memory: number;
    desiredCount: number;
    logRetentionDays: number;
}

/** Plans a service from its declaration; throws a `ServicePlanError` naming the service, the field and the fix. */
export function planEcsService(
    name: string,
    project: string,
    stack: string,
    args: ServiceDeclaration,
): ResolvedServicePlan {
    const label = componentLabel("EcsService", name);
    if (args.capacity && args.capacity.network !== args.network) {
        throw new ServicePlanError(
            label,
            "capacity runs in another network than the service's; pass the capacity's network as network.",
        );
    }
    const resolved = {
        cpu: args.cpu ?? 256,
        memory: args.memory ?? 512,
        desiredCount: args.desiredCount ?? 1,
        logRetentionDays: args.logRetentionDays ?? 30,
    };
    const plan = planService(label, {
        name,
        family: taskFamily(project, stack, name),
        containers: args.containers,
        ...resolved,
        expose: args.expose ?? [],
        calls: (args.calls ?? []).map((s) => ({
            label: componentLabel("EcsService", s.serviceName),
            endpoints: s.endpoints,
            namespace: s.namespace,
            network: s.network,
        })),
        sensitive: args.sensitive ?? false,
        securityGroupIds: args.securityGroupIds?.length ?? 0,
        network: args.network,
        namespace: args.namespace,
        launch: {
            type: args.launchType ?? (args.capacity ? "EC2" : "FARGATE"),
            hasCapacity: args.capacity !== undefined,
            networkMode: args.networkMode,
            assignPublicIp: args.assignPublicIp,
            allowInstanceRoleAccess: args.allowInstanceRoleAccess,
            capacity: args.capacity?.plan,
        },
        enableExecuteCommand: args.enableExecuteCommand ?? false,
        secretsKmsKeyArns: args.secretsKmsKeyArns ?? [],
        route: args.loadBalancer,
        scaling: args.scaling,
        runtimePlatform: args.runtimePlatform,
        region: args.region,
    });
    return { ...plan, ...resolved };
}
