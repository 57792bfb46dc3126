/**
 * A monthly estimate of the network's cost, counted from the registered resources (prices from
 * ../shared/ecs-facts.md, us-east-1). Quantities come from the resource graph, never from config.
 */
import { EngineResource, isUnknown } from "./engine";

export const PRICES = {
    hoursPerMonth: 730,
    natGatewayHour: 0.045,
    natGatewayGb: 0.045,
    publicIpv4Hour: 0.005,
    interfaceEndpointAzHour: 0.01,
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
    const endpointAzs = of("aws:ec2/vpcEndpoint:VpcEndpoint")
        .filter((e) => e.inputs.vpcEndpointType === "Interface")
        .reduce((n, e) => n + countOf(e, "subnetIds"), 0);
    const h = PRICES.hoursPerMonth;
    const items: CostItem[] = [
        { item: "NAT gateway hours", quantity: nats, monthlyUsd: round(nats * PRICES.natGatewayHour * h) },
        { item: "NAT gateway data (GB)", quantity: nats > 0 ? opts.natGbPerMonth : 0, monthlyUsd: round((nats > 0 ? opts.natGbPerMonth : 0) * PRICES.natGatewayGb) },
        { item: "Public IPv4 addresses (Elastic IPs)", quantity: eips, monthlyUsd: round(eips * PRICES.publicIpv4Hour * h) },
        { item: "Public IPv4 addresses (task public IPs)", quantity: taskIps, monthlyUsd: round(taskIps * PRICES.publicIpv4Hour * h) },
        { item: "Interface endpoint AZ-hours", quantity: endpointAzs, monthlyUsd: round(endpointAzs * PRICES.interfaceEndpointAzHour * h) },
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
            excluded: "compute (Fargate tasks, EC2 instances and their public IPs), data transfer, CloudWatch, endpoint data processing",
        },
    };
}
