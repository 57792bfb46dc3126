/**
 * Builds the stack from a typed StackConfig: network -> cluster -> services (servers before the
 * clients that call them) -> outputs. index.ts hands it the config; tests and the offline plan run
 * the same code.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, ServiceConfig, StackConfig } from "./config";
import { Ec2Capacity, EcsNetwork, EcsService, ExposeArgs, PrivateSubnetNetwork, PublicSubnetNetwork, ServiceConnectCluster } from "./components";
import { ENDPOINTS_NEEDED } from "./components/network/endpoints";
import { defaultNamespaceName } from "./components/naming";

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
        ...(secrets.some((v) => v.split(":")[2] === "secretsmanager") ? ENDPOINTS_NEEDED.secretsManager : []),
        ...(config.services.some((s) => (s.secretsKmsKeyArns ?? []).length > 0) ? ENDPOINTS_NEEDED.kms : []),
        ...(config.capacity.launchType === "EC2" ? ENDPOINTS_NEEDED.ec2Capacity : []),
    ];
}

export function buildNetwork(name: string, config: StackConfig): EcsNetwork & pulumi.Resource {
    const { pattern, natStrategy, vpcEndpoints, ...layout } = config.network;
    if (pattern === "public") {
        return new PublicSubnetNetwork(name, layout);
    }
    // Without a NAT, everything the services call must have an endpoint.
    const interfaceEndpoints = natStrategy === "None" && vpcEndpoints ? interfaceEndpointsFor(config) : undefined;
    return new PrivateSubnetNetwork(name, { ...layout, natStrategy, vpcEndpoints, interfaceEndpoints });
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
            throw new ConfigError(`${key}: calls form a cycle (${cycle}); Service Connect starts servers before their clients, so break the cycle.`);
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

function exposeOf(service: ServiceConfig): ExposeArgs[] {
    return (service.ports ?? [])
        .filter((p) => p.serviceConnect)
        .map((p) => {
            const sc = typeof p.serviceConnect === "object" ? p.serviceConnect : {};
            return {
                portName: p.name,
                discoveryName: sc.discoveryName,
                clientAliases: sc.port !== undefined || sc.dnsName !== undefined ? [{ port: sc.port, dnsName: sc.dnsName }] : undefined,
                idleTimeoutSeconds: sc.idleTimeoutSeconds,
                perRequestTimeoutSeconds: sc.perRequestTimeoutSeconds,
            };
        });
}

/** The command a user runs to check a client reaches a server through Service Connect. */
export function execCheckCommand(region: string, cluster: string, service: string, container: string, url: string): string {
    const task = `$(aws ecs list-tasks --region ${region} --cluster ${cluster} --service-name ${service} --query 'taskArns[0]' --output text)`;
    return `aws ecs execute-command --region ${region} --cluster ${cluster} --task ${task} --container ${container} --interactive --command "curl -sS ${url}"`;
}

/** Builds the whole stack from its config and returns the stack outputs. */
export function buildStack(config: StackConfig) {
    const name = pulumi.getStack();
    const network = buildNetwork(name, config);
    const cluster = new ServiceConnectCluster(name, {
        namespaceName: config.cluster.namespace ?? defaultNamespaceName(name),
        namespaceType: config.cluster.namespaceType,
        vpcId: config.cluster.namespaceType === "dns" ? network.vpcId : undefined,
        containerInsights: config.cluster.containerInsights,
    });

    const capacity =
        config.capacity.launchType === "EC2"
            ? new Ec2Capacity(name, { cluster, network, instanceType: config.capacity.instanceType, minSize: config.capacity.minSize, maxSize: config.capacity.maxSize })
            : undefined;

    const called = new Set(config.services.flatMap((s) => s.calls ?? []));
    const services = new Map<string, EcsService>();
    for (const svc of deployOrder(config.services, `${pulumi.getProject()}:services`)) {
        services.set(
            svc.name,
            new EcsService(svc.name, {
                cluster,
                network,
                capacity,
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
                calls: (svc.calls ?? []).map((target) => services.get(target)!),
                sensitive: svc.sensitive,
                enableExecuteCommand: svc.enableExec,
                secretsKmsKeyArns: svc.secretsKmsKeyArns,
                allowInstanceRoleAccess: svc.allowInstanceRoleAccess,
                // Services others call are steady before their callers start.
                waitForSteadyState: svc.waitForSteadyState ?? called.has(svc.name),
                logRetentionDays: config.logRetentionDays,
            }),
        );
    }

    const all = [...services.values()];
    const checks: Record<string, pulumi.Output<string>> = {};
    for (const svc of config.services.filter((s) => s.enableExec)) {
        for (const target of svc.calls ?? []) {
            for (const url of services.get(target)!.endpointUrls) {
                checks[`${svc.name} -> ${target}`] = pulumi
                    .all([cluster.awsContext.region, cluster.clusterName, services.get(svc.name)!.service.name])
                    .apply(([region, c, s]) => execCheckCommand(region, c, s, svc.name, url));
            }
        }
    }
    return {
        pattern: network.pattern,
        launchType: config.capacity.launchType,
        vpcId: network.vpcId,
        taskSubnetIds: network.taskSubnetIds,
        clusterName: cluster.clusterName,
        namespace: cluster.namespaceName,
        serviceNames: Object.fromEntries(all.map((s) => [s.serviceName, s.service.name])),
        serviceConnectEndpoints: Object.fromEntries(all.filter((s) => s.endpointUrls.length > 0).map((s) => [s.serviceName, s.endpointUrls])),
        execCheckCommands: checks,
    };
}
