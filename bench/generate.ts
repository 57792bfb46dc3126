/**
 * Stacks for the benchmark: N Service Connect services on the private pattern, half servers and
 * half clients, client i calling server i mod S and, for every other client, server (i+1) mod S.
 */
import { ServiceConfig } from "../stack/config";

export function benchServices(count: number): ServiceConfig[] {
    const servers = Math.max(1, Math.floor(count / 2));
    const services: ServiceConfig[] = [];
    for (let i = 0; i < servers; i++) {
        const name = `api-${i}`;
        services.push({
            name,
            image: "public.ecr.aws/nginx/nginx:stable",
            ports: [{ name, containerPort: 80, appProtocol: "http", serviceConnect: true }],
        });
    }
    for (let i = 0; i < count - servers; i++) {
        const calls = [`api-${i % servers}`];
        if (i % 2 === 1 && servers > 1) {
            calls.push(`api-${(i + 1) % servers}`);
        }
        services.push({ name: `client-${i}`, image: "public.ecr.aws/nginx/nginx:stable", calls });
    }
    return services;
}

/** The stack config (fully qualified keys) of a benchmark stack. */
export function benchConfig(count: number): Record<string, unknown> {
    return {
        "ecsnet:pattern": "private",
        "ecsnet:vpcCidr": "10.0.0.0/16",
        "ecsnet:azCount": 3,
        "ecsnet:availabilityZones": [],
        "ecsnet:natStrategy": "OnePerAz",
        "ecsnet:vpcEndpoints": false,
        "ecsnet:namespace": "serviceconnectns",
        "ecsnet:namespaceType": "http",
        "ecsnet:containerInsights": true,
        "ecsnet:logRetentionDays": 30,
        "ecsnet:launchType": "FARGATE",
        "ecsnet:instanceType": "t3.small",
        "ecsnet:capacityMinSize": 1,
        "ecsnet:capacityMaxSize": 3,
        "ecsnet:certificateArn": "",
        "ecsnet:allowPlainHttp": false,
        "ecsnet:loadBalancerCidrs": ["0.0.0.0/0"],
        "ecsnet:accessLogs": true,
        "ecsnet:flowLogs": false,
        "ecsnet:services": benchServices(count),
    };
}
