/**
 * Plans the whole stack before a single resource registers: the network layout and its zones, the
 * cluster and namespace, the EC2 capacity, and every service with every call, by the same pure
 * planners the components run. A refusal here leaves nothing half-built, and it speaks in the
 * stack file's terms: a planner's `cidrBlock` or `containers[0].portMappings[1]` becomes the key the
 * user wrote (`ecsnet:vpcCidr`, `ecsnet:services[2].ports[1]`).
 */
import { ConfigError, ServiceConfig, StackConfig } from "./config";
import { CapacityPlan, planCapacity } from "../components/capacity/plan";
import { ENDPOINTS_NEEDED } from "../components/network/plan";
import {
    checkZonesInRegion,
    NatStrategy,
    NetworkFacts,
    networkFacts,
    NetworkPlan,
    planPrivateNetwork,
    planPublicNetwork,
    PrivateLayoutArgs,
} from "../components/network/plan";
import { defaultNamespaceName } from "../components/naming";
import { componentLabel, PlanError } from "../components/planError";
import { EndpointRegister, planCluster } from "../components/service/clusterPlan";
import {
    planEcsService,
    ResolvedServicePlan,
    ServiceDeclaration,
} from "../components/service/plan";
import { ecrRegion, imageRegistry } from "../components/service/plan";
import { ExposeArgs } from "../components/service/types";
import {
    LoadBalancerPlan,
    planLoadBalancer,
    RouteArgs,
    RouteRegister,
} from "../components/loadBalancer/plan";

/**
 * The interface endpoints beyond ecr.api, ecr.dkr and logs that the stack's services and capacity
 * call, for a network with no NAT: ssmmessages for ECS Exec, ssm / secretsmanager / kms for secrets,
 * ecs, ecs-agent and ecs-telemetry for EC2 container instances.
 */
export function interfaceEndpointsFor(config: StackConfig): string[] {
    const secrets = config.services.flatMap((s) => Object.values(s.secrets ?? {}));
    return [
        ...(config.services.some((s) => s.enableExec) ? ENDPOINTS_NEEDED.exec : []),
        ...(secrets.some((v) => v.split(":")[2] === "ssm") ? ENDPOINTS_NEEDED.ssmParameters : []),
        ...(secrets.some((v) => v.split(":")[2] === "secretsmanager")
            ? ENDPOINTS_NEEDED.secretsManager
            : []),
        ...(config.services.some((s) => (s.secretsKmsKeyArns ?? []).length > 0)
            ? ENDPOINTS_NEEDED.kms
            : []),
        ...(config.capacity.launchType === "EC2" ? ENDPOINTS_NEEDED.ec2Capacity : []),
    ];
}

/** The network component's arguments for the stack: the layout, and for the private pattern its NAT and endpoints. */
export function networkArgs(config: StackConfig): {
    pattern: "public" | "private";
    args: PrivateLayoutArgs & { natStrategy?: NatStrategy };
} {
    const { pattern, natStrategy, vpcEndpoints, ...layout } = config.network;
    if (pattern === "public") {
        return { pattern, args: layout };
    }
    // Without a NAT, everything the services call must have an endpoint.
    const interfaceEndpoints =
        natStrategy === "None" && vpcEndpoints ? interfaceEndpointsFor(config) : undefined;
    // A load balancer needs public subnets in two zones or more, not only where the NAT gateways sit.
    const publicSubnetsInEveryAz = routed(config).length > 0 ? true : undefined;
    return {
        pattern,
        args: {
            ...layout,
            natStrategy,
            vpcEndpoints,
            interfaceEndpoints,
            ...(publicSubnetsInEveryAz ? { publicSubnetsInEveryAz } : {}),
        },
    };
}

/** The services routed through the stack's load balancer: there is one only when this is not empty. */
export function routed(config: StackConfig): ServiceConfig[] {
    return config.services.filter((s) => s.loadBalancer !== undefined);
}

/** A service's load balancer route in the component's terms. */
export function routeOf(svc: ServiceConfig): RouteArgs | undefined {
    if (svc.loadBalancer === undefined) return undefined;
    const { port, ...rest } = svc.loadBalancer;
    return { portName: port, ...rest };
}

/** The namespace the stack's cluster creates. */
export function namespaceOf(config: StackConfig, stack: string): string {
    return config.cluster.namespace ?? defaultNamespaceName(stack);
}

/** The ports of a service that Service Connect exposes, as the component's `expose`. */
export function exposeOf(service: ServiceConfig): ExposeArgs[] {
    return (service.ports ?? [])
        .filter((p) => p.serviceConnect)
        .map((p) => {
            const sc = typeof p.serviceConnect === "object" ? p.serviceConnect : {};
            return {
                portName: p.name,
                discoveryName: sc.discoveryName,
                clientAliases:
                    sc.port !== undefined || sc.dnsName !== undefined
                        ? [{ port: sc.port, dnsName: sc.dnsName }]
                        : undefined,
                idleTimeoutSeconds: sc.idleTimeoutSeconds,
                perRequestTimeoutSeconds: sc.perRequestTimeoutSeconds,
            };
        });
}

/** A service's component arguments from its stack-file entry (everything but the resources it is wired to). */
export function serviceArgs(
    svc: ServiceConfig,
    config: StackConfig,
    called: Set<string>,
): Omit<ServiceDeclaration, "namespace" | "network" | "capacity" | "calls" | "loadBalancer"> {
    return {
        networkMode: svc.networkMode,
        containers: [
            {
                name: svc.name,
                image: svc.image,
                command: svc.command,
                environment: svc.environment,
                secrets: svc.secrets,
                portMappings: (svc.ports ?? []).map((p) => ({
                    name: p.name,
                    containerPort: p.containerPort,
                    protocol: p.protocol,
                    appProtocol: p.appProtocol,
                    openToInternet: p.openToInternet,
                })),
            },
        ],
        cpu: svc.cpu,
        memory: svc.memory,
        desiredCount: svc.desiredCount,
        expose: exposeOf(svc),
        sensitive: svc.sensitive,
        enableExecuteCommand: svc.enableExec,
        secretsKmsKeyArns: svc.secretsKmsKeyArns,
        allowInstanceRoleAccess: svc.allowInstanceRoleAccess,
        // Services others call are steady before their callers start.
        waitForSteadyState: svc.waitForSteadyState ?? called.has(svc.name),
        logRetentionDays: config.logRetentionDays,
        scaling: svc.scaling,
        runtimePlatform: svc.runtimePlatform,
    };
}

/**
 * Services in the order Service Connect needs: every server before the services that call it.
 * Calls that form a cycle are refused: a client must start after its servers' names exist.
 */
export function deployOrder(services: ServiceConfig[], key = "services"): ServiceConfig[] {
    const byName = new Map(services.map((s) => [s.name, s]));
    const state = new Map<string, "visiting" | "done">();
    const order: ServiceConfig[] = [];
    const visit = (s: ServiceConfig, path: string[]) => {
        if (state.get(s.name) === "done") {
            return;
        }
        if (state.get(s.name) === "visiting") {
            const cycle = [...path.slice(path.indexOf(s.name)), s.name].join(" -> ");
            throw new ConfigError(
                `${key}: calls form a cycle (${cycle}); Service Connect starts servers before their clients, so break the cycle.`,
            );
        }
        state.set(s.name, "visiting");
        for (const target of s.calls ?? []) {
            visit(byName.get(target)!, [...path, s.name]);
        }
        state.set(s.name, "done");
        order.push(s);
    };
    services.forEach((s) => visit(s, []));
    return order;
}

export interface StackPlanContext {
    project: string;
    stack: string;
    /** The stack's Region: its zones are checked against the table in regions.ts when it knows the Region. */
    region?: string;
}

export interface StackPlan {
    network: NetworkPlan;
    facts: NetworkFacts;
    namespace: string;
    capacity?: CapacityPlan;
    /** The stack's load balancer, when a service routes through it. */
    loadBalancer?: LoadBalancerPlan;
    /** Every service, servers before their clients. */
    order: ServiceConfig[];
    services: Map<string, ResolvedServicePlan>;
}

/**
 * Plans the stack; throws a `ConfigError` in the stack file's terms: the first refusal of the network,
 * cluster, capacity or load balancer, else every service's problems at once.
 */
export function planStack(config: StackConfig, ctx: StackPlanContext): StackPlan {
    const key = (k: string) => `${ctx.project}:${k}`;
    const rootKeys: Record<string, string> = {
        cidrBlock: "vpcCidr",
        azCount: "azCount",
        availabilityZones: "availabilityZones",
        natStrategy: "natStrategy",
        vpcEndpoints: "vpcEndpoints",
        namespaceName: "namespace",
        namespaceType: "namespaceType",
        instanceType: "instanceType",
        minSize: "capacityMinSize",
        maxSize: "capacityMaxSize",
        logRetentionDays: "logRetentionDays",
        launchType: "launchType",
        certificateArn: "certificateArn",
        allowPlainHttp: "allowPlainHttp",
        ingressCidrs: "loadBalancerCidrs",
    };
    const root = (token: string) => {
        const [, head, rest] = /^([A-Za-z]+)(.*)$/.exec(token) ?? [];
        return head in rootKeys ? key(rootKeys[head]) + rest : undefined;
    };

    const { pattern, args } = networkArgs(config);
    const label =
        pattern === "public"
            ? componentLabel("PublicSubnetNetwork", ctx.stack)
            : componentLabel("PrivateSubnetNetwork", ctx.stack);
    // Every part is planned, so one pass fixes them all; a part that needs a refused one waits for it.
    const refused: string[] = [];
    const network = refusalOf(refused, () => {
        const planned = inStackTerms(root, () =>
            pattern === "public" ? planPublicNetwork(label, args) : planPrivateNetwork(label, args),
        );
        if (ctx.region !== undefined) {
            inStackTerms(root, () => checkZonesInRegion(label, planned.azs, ctx.region!));
        }
        return planned;
    });
    const namespace = namespaceOf(config, ctx.stack);
    // A dns namespace gets the stack's VPC, as buildStack passes it.
    refusalOf(refused, () =>
        inStackTerms(root, () =>
            planCluster(ctx.stack, {
                namespaceName: namespace,
                namespaceType: config.cluster.namespaceType,
                vpcId: "the stack's VPC",
            }),
        ),
    );
    const lbServices = routed(config);
    const { certificateArn, allowPlainHttp, ingressCidrs } = config.loadBalancer;
    refusalOf(refused, () => {
        if (lbServices.length === 0 && (certificateArn !== undefined || allowPlainHttp)) {
            const field = certificateArn !== undefined ? "certificateArn" : "allowPlainHttp";
            throw new ConfigError(
                `${key(field)} is set, but no service routes through the load balancer; give a service a loadBalancer entry (${key("services")}[].loadBalancer), or remove ${field}.`,
            );
        }
    });
    // The rest is cut from the network and placed in it.
    if (network === undefined) refuseAll(refused);
    const facts = networkFacts(network!);
    const ec2 = config.capacity.launchType === "EC2";
    const capacity = ec2
        ? refusalOf(refused, () =>
              inStackTerms(root, () =>
                  planCapacity(componentLabel("Ec2Capacity", ctx.stack), {
                      ...config.capacity,
                      network: facts,
                  }),
              ),
          )
        : undefined;
    const loadBalancer =
        lbServices.length > 0
            ? refusalOf(refused, () =>
                  inStackTerms(root, () =>
                      planLoadBalancer(componentLabel("PublicLoadBalancer", ctx.stack), {
                          certificateArn,
                          allowPlainHttp,
                          ingressCidrs,
                          publicSubnetAzCount: facts.publicSubnetAzCount ?? 0,
                          publicSubnetPrefix: facts.publicSubnetPrefix,
                          vpcPrefix: facts.vpcPrefix,
                          region: ctx.region,
                      }),
                  ),
              )
            : undefined;
    const routes = new RouteRegister();

    const order = deployOrder(config.services, key("services"));
    const called = new Set(config.services.flatMap((s) => s.calls ?? []));
    const register = new EndpointRegister(namespace);
    const services = new Map<string, ResolvedServicePlan>();
    for (const svc of order) {
        const waits =
            (svc.calls ?? []).some((target) => !services.has(target)) ||
            (ec2 && capacity === undefined) ||
            (svc.loadBalancer !== undefined && loadBalancer === undefined);
        if (waits) continue;
        const index = config.services.indexOf(svc);
        const plan = refusalOf(refused, () =>
            inStackTerms(serviceKeys(key(`services[${index}]`), svc, root), () => {
                const planned = planEcsService(svc.name, ctx.project, ctx.stack, {
                    ...serviceArgs(svc, config, called),
                    namespace,
                    network: facts,
                    capacity: capacity ? { network: facts, plan: capacity } : undefined,
                    calls: (svc.calls ?? []).map((target) => ({
                        serviceName: target,
                        endpoints: services.get(target)!.endpoints,
                        namespace,
                        network: facts,
                    })),
                    loadBalancer: svc.loadBalancer && {
                        ...routeOf(svc)!,
                        network: facts,
                        listenerProtocol: loadBalancer?.protocol,
                    },
                    region: ctx.region,
                });
                register.claim(componentLabel("EcsService", svc.name), planned.endpoints);
                if (planned.route)
                    routes.claim(
                        componentLabel("EcsService", svc.name),
                        "loadBalancer",
                        planned.route,
                    );
                return planned;
            }),
        );
        if (plan) services.set(svc.name, plan);
    }
    refuseAll(refused);
    return { network: network!, facts, namespace, capacity, loadBalancer, order, services };
}

/**
 * What the stack would deploy that works but is likely a mistake, in the stack file's terms: the
 * program logs each with `pulumi.log.warn`, so `pulumi preview` and the offline plan show it.
 * - ECR interface endpoints that serve no image: they reach only the private ECR of the stack's own
 *   Region, and with a NAT gateway every other registry is pulled through the NAT anyway.
 * - A `$NAME_URL` in a service's command or environment that no call provides: the variable a
 *   client gets is named after the server port's discovery name, not the server's service name.
 */
export function stackAdvice(config: StackConfig, plan: StackPlan, ctx: StackPlanContext): string[] {
    const key = (k: string) => `${ctx.project}:${k}`;
    const advice: string[] = [];
    const ecrEndpoints = plan.facts.vpcEndpointServices.filter((s) =>
        (ENDPOINTS_NEEDED.images as readonly string[]).includes(s),
    );
    if (ctx.region !== undefined && plan.facts.outboundInternet && ecrEndpoints.length > 0) {
        const own = config.services.filter((s) => ecrRegion(imageRegistry(s.image)) === ctx.region);
        if (own.length === 0) {
            const registries =
                [...new Set(config.services.map((s) => imageRegistry(s.image)))].join(", ") ||
                "no service";
            advice.push(
                `${key("vpcEndpoints")} pays for the ${ecrEndpoints.join(" and ")} interface endpoints in ${plan.network.azCount} zones, but no service pulls from ${ctx.region}'s private ECR (the images come from ${registries}), and those endpoints serve nothing else; the pulls go through the NAT gateways either way. Move the images to ECR in ${ctx.region}, or turn ${key("vpcEndpoints")} off.`,
            );
        }
    }
    const providers = new Map<string, string>();
    for (const [name, p] of plan.services)
        for (const e of p.endpoints) providers.set(e.envName, `${name}'s port "${e.portName}"`);
    config.services.forEach((svc, i) => {
        const own = new Set([
            ...Object.keys(plan.services.get(svc.name)?.callEnvironment ?? {}),
            ...Object.keys(svc.environment ?? {}),
            ...Object.keys(svc.secrets ?? {}),
        ]);
        const texts: [string, string][] = [
            ...(svc.command ?? []).map((c): [string, string] => ["command", c]),
            ...Object.entries(svc.environment ?? {}).map(([k, v]): [string, string] => [
                `environment.${k}`,
                v,
            ]),
        ];
        const reported = new Set<string>();
        for (const [where, text] of texts) {
            for (const [, variable] of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*_URL)\b/g)) {
                if (own.has(variable) || reported.has(variable)) continue;
                reported.add(variable);
                const given = Object.keys(plan.services.get(svc.name)?.callEnvironment ?? {});
                const provider = providers.get(variable);
                const fix = provider
                    ? `${provider} provides it: add that service to ${key(`services[${i}].calls`)}`
                    : given.length > 0
                      ? `use ${given.map((g) => `$${g}`).join(" or ")}, which its calls provide`
                      : "it calls no server; list the server in calls";
                advice.push(
                    `${key(`services[${i}].${where}`)} refers to $${variable}, which no call provides (a called server's URL arrives in <DISCOVERY NAME>_URL, named after the server port's discovery name, not the service); ${fix}.`,
                );
            }
        }
    });
    return advice;
}

/**
 * How a service's planner paths read in the stack file: the one container is the service entry,
 * its port mappings are `ports`, and `expose[k]` is the k-th port with `serviceConnect`.
 */
function serviceKeys(
    base: string,
    svc: ServiceConfig,
    root: (token: string) => string | undefined,
): (token: string) => string | undefined {
    const exposed = (svc.ports ?? []).flatMap((p, j) => (p.serviceConnect ? [j] : []));
    const fields: Record<string, string> = {
        name: "name",
        cpu: "cpu",
        memory: "memory",
        desiredCount: "desiredCount",
        sensitive: "sensitive",
        networkMode: "networkMode",
        allowInstanceRoleAccess: "allowInstanceRoleAccess",
        waitForSteadyState: "waitForSteadyState",
        secretsKmsKeyArns: "secretsKmsKeyArns",
        enableExecuteCommand: "enableExec",
        calls: "calls",
        scaling: "scaling",
        runtimePlatform: "runtimePlatform",
        containers: "",
    };
    const exposeFields: Record<string, string> = {
        portName: ".name",
        discoveryName: ".serviceConnect.discoveryName",
        clientAliases: ".serviceConnect",
        "clientAliases[0].port": ".serviceConnect.port",
        "clientAliases[0].dnsName": ".serviceConnect.dnsName",
        idleTimeoutSeconds: ".serviceConnect.idleTimeoutSeconds",
        perRequestTimeoutSeconds: ".serviceConnect.perRequestTimeoutSeconds",
        tls: ".serviceConnect",
    };
    return (token) => {
        let m = /^containers\[0\](.*)$/.exec(token);
        if (m) {
            return base + m[1].replace(/^\.portMappings/, ".ports");
        }
        m = /^expose\[(\d+)\](?:\.([A-Za-z]+(?:\[0\]\.[A-Za-z]+)?))?(.*)$/.exec(token);
        if (m) {
            const port = exposed[Number(m[1])];
            return port === undefined
                ? undefined
                : `${base}.ports[${port}]${m[2] === undefined ? ".serviceConnect" : (exposeFields[m[2]] ?? `.${m[2]}`)}${m[3]}`;
        }
        m = /^loadBalancer(?:\.portName)?(.*)$/.exec(token);
        if (m) {
            return token.startsWith("loadBalancer.portName")
                ? `${base}.loadBalancer.port${m[1]}`
                : `${base}.loadBalancer${m[1]}`;
        }
        m = /^([A-Za-z]+)(.*)$/.exec(token);
        if (m && m[1] in fields) {
            return `${base}${fields[m[1]] ? `.${fields[m[1]]}` : ""}${m[2]}`;
        }
        return root(token);
    };
}

/** Runs a step; its refusal of the stack file is recorded in `refused` and nothing is returned. */
function refusalOf<T>(refused: string[], step: () => T): T | undefined {
    try {
        return step();
    } catch (e) {
        if (!ConfigError.isConfigError(e)) throw e;
        refused.push(e.message);
        return undefined;
    }
}

/** Throws every refusal of the stack file in one `ConfigError`, when there is one. */
function refuseAll(refused: string[]): void {
    if (refused.length === 1) throw new ConfigError(refused[0]);
    if (refused.length > 1)
        throw new ConfigError(
            `${refused.length} components refuse the stack file, fix each:\n${refused.map((r) => `- ${r.replace(/\n/g, "\n  ")}`).join("\n")}`,
        );
}

/** A path or field name in a planner's message: `cidrBlock`, `containers[0].portMappings[1].name`. */
const PATH = /\b[A-Za-z][A-Za-z0-9]*(?:\[\d+\])*(?:\.[A-Za-z_][A-Za-z0-9_-]*(?:\[\d+\])*)*/g;

/**
 * Runs a planner and restates its refusal in the stack file's keys. Quoted values are left as they
 * are; a plain lowercase word is a key only where the message starts with it (`cpu 384 ...`), so
 * prose such as "a service name" stays prose.
 */
function inStackTerms<T>(translate: (token: string) => string | undefined, planner: () => T): T {
    try {
        return planner();
    } catch (e) {
        if (!PlanError.isPlanError(e)) {
            throw e;
        }
        const translated = e.problems.map((problem) => {
            let first = true;
            return problem
                .split(/("(?:[^"\\]|\\.)*")/)
                .map((part, i) =>
                    i % 2 === 1
                        ? part
                        : part.replace(PATH, (token, offset: number) => {
                              const atStart = first && i === 0 && offset === 0;
                              first = false;
                              const pathLike =
                                  atStart || /[[.]/.test(token) || /^[a-z]+[A-Z]/.test(token);
                              return (pathLike && translate(token)) || token;
                          }),
                )
                .join("");
        });
        // One problem per stack-file key: a key that feeds two arguments (a service's name is its
        // container's name too) would otherwise be refused twice for one mistake.
        const keyOf = (p: string) => /^[\w-]+:\S+/.exec(p)?.[0] ?? p;
        const problems = translated.filter(
            (p, i) => translated.findIndex((q) => keyOf(q) === keyOf(p)) === i,
        );
        throw new ConfigError(
            problems.length === 1
                ? `${problems[0]} (refused by ${e.component})`
                : `${PlanError.list(problems)}\n(refused by ${e.component})`,
        );
    }
}
