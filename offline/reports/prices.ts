/**
 * The list prices the cost estimate uses, per Region, in USD: on-demand prices of Amazon VPC (NAT
 * gateways, public IPv4, PrivateLink interface endpoints), Elastic Load Balancing (Application Load
 * Balancer hour and LCU-hour) and CloudWatch (vended logs, first ingestion tier), as AWS's pricing
 * pages list them. They were written down from those published figures on PRICE_TABLE_DATE without
 * a live lookup (this machine has no network): compare them with the pricing pages before you
 * budget on them. AWS changes prices without notice: the report prints the date and the Region
 * whose prices it used, and a Region missing here is priced as us-east-1, said so.
 */

/** When the table was last compared with the AWS pricing pages. */
export const PRICE_TABLE_DATE = "2026-12-02";

export interface RegionPrices {
    natGatewayHour: number;
    natGatewayGb: number;
    publicIpv4Hour: number;
    interfaceEndpointAzHour: number;
    loadBalancerHour: number;
    lcuHour: number;
    /** CloudWatch Logs ingestion of vended logs such as VPC flow logs, first tier. */
    vendedLogGb: number;
}

type Row = [
    nat: number,
    endpointAzHour: number,
    albHour: number,
    lcuHour: number,
    vendedLogGb: number,
];

/** Public IPv4 costs the same in every Region; NAT data costs what a NAT hour does. */
const ROWS: Record<string, Row> = {
    "us-east-1": [0.045, 0.01, 0.0225, 0.008, 0.5],
    "us-east-2": [0.045, 0.01, 0.0225, 0.008, 0.5],
    "us-west-1": [0.048, 0.011, 0.0252, 0.008, 0.5],
    "us-west-2": [0.045, 0.01, 0.0225, 0.008, 0.5],
    "ca-central-1": [0.05, 0.011, 0.02475, 0.0088, 0.55],
    "eu-west-1": [0.048, 0.011, 0.0252, 0.008, 0.57],
    "eu-west-2": [0.05, 0.011, 0.02646, 0.0084, 0.5985],
    "eu-central-1": [0.052, 0.012, 0.027, 0.008, 0.63],
    "eu-north-1": [0.046, 0.011, 0.02394, 0.0076, 0.5985],
    "ap-south-1": [0.056, 0.011, 0.0239, 0.008, 0.57],
    "ap-southeast-1": [0.059, 0.013, 0.0252, 0.008, 0.7],
    "ap-southeast-2": [0.059, 0.013, 0.0252, 0.008, 0.7],
    "ap-northeast-1": [0.062, 0.014, 0.0243, 0.008, 0.76],
    "sa-east-1": [0.093, 0.017, 0.034, 0.011, 0.9],
};

export const PRICED_REGIONS = Object.keys(ROWS);

/** The prices of a Region, and the Region they are really from (us-east-1 for one the table lacks). */
export function pricesOf(region: string): {
    region: string;
    prices: RegionPrices;
    priced: boolean;
} {
    const priced = region in ROWS;
    const from = priced ? region : "us-east-1";
    const [nat, endpoint, alb, lcu, logs] = ROWS[from];
    return {
        region: from,
        priced,
        prices: {
            natGatewayHour: nat,
            natGatewayGb: nat,
            publicIpv4Hour: 0.005,
            interfaceEndpointAzHour: endpoint,
            loadBalancerHour: alb,
            lcuHour: lcu,
            vendedLogGb: logs,
        },
    };
}
