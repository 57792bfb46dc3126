/**
 * Builds the stack from a typed StackConfig: network -> cluster -> services (servers before the
 * clients that call them) -> outputs. index.ts hands it the config; tests and the offline plan run
 * the same code.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "./config";
import {
    Ec2Capacity,
    EcsNetwork,
    EcsService,
    PrivateSubnetNetwork,
    PublicLoadBalancer,
    PublicSubnetNetwork,
    ServiceConnectCluster,
    VpcFlowLogs,
} from "../components";
import { flowLogGroupName } from "../components/naming";
import { namespaceOf, networkArgs, planStack, routeOf, serviceArgs, stackAdvice } from "./plan";

export function buildNetwork(name: string, config: StackConfig): EcsNetwork & pulumi.Resource {
    const { pattern, args } = networkArgs(config);
    return pattern === "public"
        ? new PublicSubnetNetwork(name, args)
        : new PrivateSubnetNetwork(name, args);
}

/** The command a user runs to check a client reaches a server through Service Connect. */
export function execCheckCommand(
    region: string,
    cluster: string,
    service: string,
    container: string,
    url: string,
): string {
    const task = `$(aws ecs list-tasks --region ${region} --cluster ${cluster} --service-name ${service} --query 'taskArns[0]' --output text)`;
    return `aws ecs execute-command --region ${region} --cluster ${cluster} --task ${task} --container ${container} --interactive --command "curl -sS ${url}"`;
}

/**
 * One turn of the event loop. The SDK answers each registration through promise chains, four per
 * output property of the resource (@pulumi/pulumi runtime/rpc.js `transferProperties`); a program
 * that registers every service before yielding holds all of them at once: 935 MB at the peak of a
 * 500-service evaluation. Yielding between services lets each one's registrations be answered before
 * the next is built (353 MB, and 8.0 s became 4.6 s, as the collector has less to trace). Under a real
 * engine the turn costs nothing: nothing waits for a registration to finish, RPCs in flight go on.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Builds the whole stack from its config and resolves to the stack outputs (a program may export a
 * promise: the language host awaits it, @pulumi/pulumi cmd/run/run.js `return await invokeResult`).
 */
export async function buildStack(config: StackConfig) {
    const name = pulumi.getStack();
    // Everything is planned, and every refusal made, before the first resource registers.
    const context = { project: pulumi.getProject(), stack: name, region: aws.config.region };
    const plan = planStack(config, context);
    // Shown by `pulumi preview` (and the offline plan) under Diagnostics.
    for (const advice of stackAdvice(config, plan, context)) void pulumi.log.warn(advice);
    const network = buildNetwork(name, config);
    const cluster = new ServiceConnectCluster(name, {
        namespaceName: namespaceOf(config, name),
        namespaceType: config.cluster.namespaceType,
        vpcId: config.cluster.namespaceType === "dns" ? network.vpcId : undefined,
        containerInsights: config.cluster.containerInsights,
    });

    const capacity =
        config.capacity.launchType === "EC2"
            ? new Ec2Capacity(name, {
                  cluster,
                  network,
                  instanceType: config.capacity.instanceType,
                  minSize: config.capacity.minSize,
                  maxSize: config.capacity.maxSize,
              })
            : undefined;

    if (config.flowLogs) {
        new VpcFlowLogs(name, {
            vpcId: network.vpcId,
            logGroupName: flowLogGroupName(pulumi.getProject(), name),
            retentionDays: config.logRetentionDays,
        });
    }
    const { certificateArn, allowPlainHttp, ingressCidrs, accessLogs } = config.loadBalancer;
    const balancer = plan.loadBalancer
        ? new PublicLoadBalancer(name, {
              network,
              certificateArn,
              allowPlainHttp,
              ingressCidrs,
              accessLogs,
          })
        : undefined;

    const called = new Set(config.services.flatMap((s) => s.calls ?? []));
    const services = new Map<string, EcsService>();
    for (const svc of plan.order) {
        await nextTurn();
        const route = routeOf(svc);
        services.set(
            svc.name,
            new EcsService(svc.name, {
                ...serviceArgs(svc, config, called),
                cluster,
                network,
                capacity,
                calls: (svc.calls ?? []).map((target) => services.get(target)!),
                ...(route && balancer ? { loadBalancer: { ...route, balancer } } : {}),
            }),
        );
    }

    const all = [...services.values()];
    const checks: Record<string, pulumi.Output<string>> = {};
    for (const svc of config.services.filter((s) => s.enableExec)) {
        for (const target of svc.calls ?? []) {
            for (const url of services.get(target)!.endpointUrls) {
                checks[`${svc.name} -> ${target}`] = pulumi
                    .all([
                        cluster.awsContext.region,
                        cluster.clusterName,
                        services.get(svc.name)!.service.name,
                    ])
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
        serviceConnectEndpoints: Object.fromEntries(
            all
                .filter((s) => s.endpointUrls.length > 0)
                .map((s) => [s.serviceName, s.endpointUrls]),
        ),
        execCheckCommands: checks,
        ...(balancer
            ? {
                  loadBalancerDnsName: balancer.dnsName,
                  serviceUrls: Object.fromEntries(
                      all.filter((s) => s.url).map((s) => [s.serviceName, s.url!]),
                  ),
              }
            : {}),
    };
}
