/**
 * A monthly estimate of the network's cost, counted from the registered resources (prices from
 * ../shared/ecs-facts.md, us-east-1). Quantities come from the resource graph, never from config.
 */
import { ecrRegion, imageRegistry } from "../../components/service/plan";
import { EngineResource, isUnknown } from "../engine/view";

export const PRICES = {
    hoursPerMonth: 730,
    natGatewayHour: 0.045,
    natGatewayGb: 0.045,
    publicIpv4Hour: 0.005,
    interfaceEndpointAzHour: 0.01,
    loadBalancerHour: 0.0225,
    lcuHour: 0.008,
    /** CloudWatch Logs ingestion of vended logs such as VPC flow logs, first tier. */
    vendedLogGb: 0.5,
};

/** What the estimate assumes of traffic it cannot count from the resources. */
export const ASSUMED = {
    /** Average load balancer capacity units in use per hour. */
    lcuPerHour: 1,
    /** GB of VPC flow log records a month, per flow log. */
    flowLogGbPerMonth: 10,
};

export interface CostItem {
    item: string;
    quantity: number;
    monthlyUsd: number;
}

export interface CostEstimate {
    monthlyUsd: number;
    items: CostItem[];
    assumptions: Record<string, string | number>;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** How many resources a list input names: its length, or while it is unknown, the resources that feed it. */
function countOf(r: EngineResource, property: string): number {
    const value = r.inputs[property];
    return Array.isArray(value) ? value.length : isUnknown(value) ? (r.propertyDependencies[property] ?? []).length : 0;
}

export function estimateCost(resources: EngineResource[], opts: { natGbPerMonth: number }): CostEstimate {
    const of = (type: string) => resources.filter((r) => r.type === type);
    const nats = of("aws:ec2/natGateway:NatGateway").length;
    const eips = of("aws:ec2/eip:Eip").length;
    const taskIps = of("aws:ecs/service:Service")
        .filter((s) => s.inputs.networkConfiguration?.assignPublicIp === true)
        .reduce((n, s) => n + Number(s.inputs.desiredCount ?? 1), 0);
    const interfaces = of("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
    // ECR's endpoints serve only images from the private ECR of their own Region.
    const idleEcr = idleEcrEndpoints(interfaces, of("aws:ecs/taskDefinition:TaskDefinition"));
    const endpointAzs = interfaces.filter((e) => !idleEcr.includes(e)).reduce((n, e) => n + countOf(e, "subnetIds"), 0);
    const idleEcrAzs = idleEcr.reduce((n, e) => n + countOf(e, "subnetIds"), 0);
    const balancers = of("aws:lb/loadBalancer:LoadBalancer").filter((lb) => lb.inputs.internal !== true);
    // An internet-facing load balancer has a public IPv4 address in each of its subnets.
    const balancerIps = balancers.reduce((n, lb) => n + countOf(lb, "subnets"), 0);
    const flowLogs = of("aws:ec2/flowLog:FlowLog").length;
    const h = PRICES.hoursPerMonth;
    const items: CostItem[] = [
        { item: "NAT gateway hours", quantity: nats, monthlyUsd: round(nats * PRICES.natGatewayHour * h) },
        { item: "NAT gateway data (GB)", quantity: nats > 0 ? opts.natGbPerMonth : 0, monthlyUsd: round((nats > 0 ? opts.natGbPerMonth : 0) * PRICES.natGatewayGb) },
        { item: "Public IPv4 addresses (Elastic IPs)", quantity: eips, monthlyUsd: round(eips * PRICES.publicIpv4Hour * h) },
        { item: "Public IPv4 addresses (task public IPs)", quantity: taskIps, monthlyUsd: round(taskIps * PRICES.publicIpv4Hour * h) },
        { item: "Interface endpoint AZ-hours", quantity: endpointAzs, monthlyUsd: round(endpointAzs * PRICES.interfaceEndpointAzHour * h) },
        ...(idleEcrAzs > 0
            ? [{ item: "ECR endpoint AZ-hours (serve no image)", quantity: idleEcrAzs, monthlyUsd: round(idleEcrAzs * PRICES.interfaceEndpointAzHour * h) }]
            : []),
        { item: "Load balancer hours", quantity: balancers.length, monthlyUsd: round(balancers.length * PRICES.loadBalancerHour * h) },
        { item: "Load balancer capacity units (LCU, assumed average)", quantity: balancers.length * ASSUMED.lcuPerHour, monthlyUsd: round(balancers.length * ASSUMED.lcuPerHour * PRICES.lcuHour * h) },
        { item: "Public IPv4 addresses (load balancer nodes)", quantity: balancerIps, monthlyUsd: round(balancerIps * PRICES.publicIpv4Hour * h) },
        { item: "Flow log ingestion (GB, assumed)", quantity: flowLogs * ASSUMED.flowLogGbPerMonth, monthlyUsd: round(flowLogs * ASSUMED.flowLogGbPerMonth * PRICES.vendedLogGb) },
    ];
    return {
        monthlyUsd: round(items.reduce((s, i) => s + i.monthlyUsd, 0)),
        items,
        assumptions: {
            region: "us-east-1 prices",
            hoursPerMonth: h,
            natGbPerMonth: opts.natGbPerMonth,
            natGatewayPerHourUsd: PRICES.natGatewayHour,
            natGatewayPerGbUsd: PRICES.natGatewayGb,
            publicIpv4PerHourUsd: PRICES.publicIpv4Hour,
            interfaceEndpointPerAzHourUsd: PRICES.interfaceEndpointAzHour,
            loadBalancerPerHourUsd: PRICES.loadBalancerHour,
            lcuPerHourUsd: PRICES.lcuHour,
            assumedLcuPerHour: ASSUMED.lcuPerHour,
            flowLogIngestionPerGbUsd: PRICES.vendedLogGb,
            assumedFlowLogGbPerMonth: ASSUMED.flowLogGbPerMonth,
            excluded: "compute (Fargate tasks, EC2 instances and their public IPs), data transfer, container logs and metrics, endpoint data processing, S3 storage of access logs",
        },
    };
}

/**
 * The ecr.api and ecr.dkr interface endpoints when no task definition pulls an image from the
 * private ECR of their Region: they serve only that registry (public.ecr.aws, Docker Hub and other
 * Regions' ECR go through the NAT or nowhere). None when an endpoint's service or an image is unknown.
 */
export function idleEcrEndpoints(interfaces: EngineResource[], taskDefinitions: EngineResource[]): EngineResource[] {
    const ecr = interfaces.filter((e) => typeof e.inputs.serviceName === "string" && /\.ecr\.(api|dkr)$/.test(e.inputs.serviceName));
    if (ecr.length === 0 || interfaces.some((e) => isUnknown(e.inputs.serviceName))) return [];
    const images: string[] = [];
    for (const t of taskDefinitions) {
        const definitions = t.inputs.containerDefinitions;
        if (typeof definitions !== "string" || isUnknown(definitions)) return [];
        for (const c of JSON.parse(definitions) as { image?: unknown }[]) {
            if (typeof c.image !== "string" || isUnknown(c.image)) return [];
            images.push(c.image);
        }
    }
    return ecr.filter((e) => {
        const region = String(e.inputs.serviceName).split(".")[2];
        return !images.some((image) => ecrRegion(imageRegistry(image)) === region);
    });
}
