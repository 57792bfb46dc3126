/**
 * A monthly estimate of the network's cost, counted from the registered resources at the list prices
 * of the stack's Region (prices.ts, with the table's date). Quantities come from the resource graph,
 * never from config; each says what it counts (gateways, addresses, endpoint-AZs, ...).
 */
import { ecrRegion, imageRegistry } from "../../components/service/plan";
import { EngineResource, isUnknown } from "../engine/view";
import { PRICE_TABLE_DATE, pricesOf } from "./prices";
import { isKind, Kind } from "../../policies/model/resources";

export const HOURS_PER_MONTH = 730;

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
    /** What one of the quantity is: `gateway`, `GB`, `address`, `endpoint-AZ`, ... */
    unit: string;
    /** The price of one unit for a month. */
    unitMonthlyUsd: number;
    monthlyUsd: number;
}

export interface CostEstimate {
    monthlyUsd: number;
    /** The Region whose prices were used (us-east-1 when the stack's Region is not in the table). */
    pricesRegion: string;
    /** The date the price table was last compared with AWS's pricing pages. */
    pricesDate: string;
    items: CostItem[];
    assumptions: Record<string, string | number>;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** `2 gateways`, `1 address`, `100 GB`. */
export function quantityText(i: Pick<CostItem, "quantity" | "unit">): string {
    const unit =
        i.quantity === 1 || /\bGB\b/.test(i.unit)
            ? i.unit
            : /s$/.test(i.unit)
              ? `${i.unit}es`
              : `${i.unit}s`;
    return `${i.quantity} ${unit}`;
}

/** A price: cents from a dollar up, else as many decimals as it has (up to 4): `$32.85`, `$0.045`. */
export function usdText(n: number): string {
    const decimals = String(Number(n.toFixed(4))).split(".")[1]?.length ?? 0;
    return `$${n.toFixed(n >= 1 ? 2 : Math.max(2, decimals))}`;
}

/** How many resources a list input names: its length, or while it is unknown, the resources that feed it. */
function countOf(r: EngineResource, property: string): number {
    const value = r.inputs[property];
    return Array.isArray(value)
        ? value.length
        : isUnknown(value)
          ? (r.propertyDependencies[property] ?? []).length
          : 0;
}

export function estimateCost(
    resources: EngineResource[],
    opts: { natGbPerMonth: number; region: string },
): CostEstimate {
    const of = (kind: Kind) => resources.filter((r) => isKind(r, kind));
    const nats = of("natGateway").length;
    const eips = of("elasticIp").length;
    const taskIps = of("service")
        .filter((s) => s.inputs.networkConfiguration?.assignPublicIp === true)
        .reduce((n, s) => n + Number(s.inputs.desiredCount ?? 1), 0);
    const interfaces = of("vpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
    // ECR's endpoints serve only images from the private ECR of their own Region.
    const idleEcr = idleEcrEndpoints(interfaces, of("taskDefinition"));
    const endpointAzs = interfaces
        .filter((e) => !idleEcr.includes(e))
        .reduce((n, e) => n + countOf(e, "subnetIds"), 0);
    const idleEcrAzs = idleEcr.reduce((n, e) => n + countOf(e, "subnetIds"), 0);
    const balancers = of("loadBalancer").filter((lb) => lb.inputs.internal !== true);
    // An internet-facing load balancer has a public IPv4 address in each of its subnets.
    const balancerIps = balancers.reduce((n, lb) => n + countOf(lb, "subnets"), 0);
    const flowLogs = of("flowLog").length;
    const { region, priced, prices } = pricesOf(opts.region);
    const h = HOURS_PER_MONTH;
    const line = (
        item: string,
        quantity: number,
        unit: string,
        unitMonthlyUsd: number,
    ): CostItem => ({
        item,
        quantity,
        unit,
        unitMonthlyUsd: Math.round(unitMonthlyUsd * 1e6) / 1e6,
        monthlyUsd: round(quantity * unitMonthlyUsd),
    });
    const natGb = nats > 0 ? opts.natGbPerMonth : 0;
    const items: CostItem[] = [
        line("NAT gateways", nats, "gateway", prices.natGatewayHour * h),
        line("NAT gateway data processed", natGb, "GB", prices.natGatewayGb),
        line("Public IPv4: Elastic IPs", eips, "address", prices.publicIpv4Hour * h),
        line("Public IPv4: task public IPs", taskIps, "address", prices.publicIpv4Hour * h),
        line("Interface endpoints", endpointAzs, "endpoint-AZ", prices.interfaceEndpointAzHour * h),
        ...(idleEcrAzs > 0
            ? [
                  line(
                      "ECR interface endpoints (serve no image)",
                      idleEcrAzs,
                      "endpoint-AZ",
                      prices.interfaceEndpointAzHour * h,
                  ),
              ]
            : []),
        line("Load balancers", balancers.length, "load balancer", prices.loadBalancerHour * h),
        line(
            "Load balancer capacity (assumed average)",
            balancers.length * ASSUMED.lcuPerHour,
            "LCU",
            prices.lcuHour * h,
        ),
        line("Public IPv4: load balancer nodes", balancerIps, "address", prices.publicIpv4Hour * h),
        line(
            "Flow log ingestion (assumed)",
            flowLogs * ASSUMED.flowLogGbPerMonth,
            "GB",
            prices.vendedLogGb,
        ),
    ];
    return {
        monthlyUsd: round(items.reduce((s, i) => s + i.monthlyUsd, 0)),
        pricesRegion: region,
        pricesDate: PRICE_TABLE_DATE,
        items,
        assumptions: {
            prices: priced
                ? `${region} list prices of ${PRICE_TABLE_DATE}`
                : `${opts.region} is not in the price table (offline/reports/prices.ts): us-east-1 list prices of ${PRICE_TABLE_DATE}`,
            hoursPerMonth: h,
            natGbPerMonth: opts.natGbPerMonth,
            assumedLcuPerHour: ASSUMED.lcuPerHour,
            assumedFlowLogGbPerMonth: ASSUMED.flowLogGbPerMonth,
            excluded:
                "compute (Fargate tasks, EC2 instances and their public IPs), data transfer, container logs and metrics, endpoint data processing, S3 storage of access logs",
        },
    };
}

/**
 * The ecr.api and ecr.dkr interface endpoints when no task definition pulls an image from the
 * private ECR of their Region: they serve only that registry (public.ecr.aws, Docker Hub and other
 * Regions' ECR go through the NAT or nowhere). None when an endpoint's service or an image is unknown.
 */
export function idleEcrEndpoints(
    interfaces: EngineResource[],
    taskDefinitions: EngineResource[],
): EngineResource[] {
    const ecr = interfaces.filter(
        (e) =>
            typeof e.inputs.serviceName === "string" &&
            /\.ecr\.(api|dkr)$/.test(e.inputs.serviceName),
    );
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
