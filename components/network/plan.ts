/**
 * The network planner: which availability zones, which CIDR each subnet gets, where the NAT
 * gateways sit and which NAT each private route targets. Plain functions and data, no resources,
 * so every rule here is table-tested and every bad input is refused before anything registers.
 *
 * Default layout, for a VPC of prefix /p (AZ i is the i-th zone, 0-based):
 * - public pattern: task subnets are /(p+3) blocks, AZ i in block i;
 * - private pattern: task subnets are /(p+3) blocks, AZ i in block i; the small public subnets
 *   that hold the NAT gateways are /(p+6) blocks cut from the last /(p+3) block, AZ i in block i.
 * A subnet's CIDR depends only on the VPC CIDR and its AZ's index, so adding an AZ never moves
 * an existing subnet.
 */
import { PlanError, Problems } from "../planError";
import { contains, formatIpv4Cidr, Ipv4Cidr, overlaps, parseIpv4Cidr, subdivide } from "./cidr";
import { regionZones } from "./regions";

/** Interface endpoints a private Fargate task needs to pull from ECR and ship logs without NAT. */
export const INTERFACE_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr", "logs"] as const;

/**
 * The interface endpoint services a task or instance needs when it has no outbound internet, by
 * what it uses (AWS docs: "Amazon ECS interface VPC endpoints", "ECS Exec", "Specifying sensitive
 * data"). ECR layers also need the S3 gateway endpoint, which every endpoint set includes.
 */
export const ENDPOINTS_NEEDED = {
    images: ["ecr.api", "ecr.dkr"],
    logs: ["logs"],
    exec: ["ssmmessages"],
    ssmParameters: ["ssm"],
    secretsManager: ["secretsmanager"],
    kms: ["kms"],
    ec2Capacity: ["ecs", "ecs-agent", "ecs-telemetry"],
} as const;

/** A PrivateLink service name suffix (`ssmmessages`, `ecr.api`): lowercase letters, digits, dots and dashes. */
export const ENDPOINT_SERVICE = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/;

export type NetworkPattern = "public" | "private";

export const NAT_STRATEGIES = ["OnePerAz", "Single", "None"] as const;
export type NatStrategy = (typeof NAT_STRATEGIES)[number];

/** The most availability zones any AWS region offers today (us-east-1 has six). */
export const MAX_AZS = 6;
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";
export const DEFAULT_AZ_COUNT = 2;
/** AWS accepts VPC and subnet prefixes from /16 to /28. */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 28;

/** Bits added to the VPC prefix for a task subnet, and for a NAT subnet, in the default layout. */
const TASK_SUBNET_BITS = 3;
const NAT_SUBNET_BITS = 6;

export interface LayoutArgs {
    /** The VPC's IPv4 block, /16 to /28. @default "10.0.0.0/16" */
    cidrBlock?: string;
    /** Zone names to use, in order (1 to 6, each once). Exclusive with `azCount`. */
    availabilityZones?: string[];
    /** How many zones, taken in the Region's order, 1 to 6. @default 2 */
    azCount?: number;
    /** One CIDR per public subnet, inside the VPC. @default the planner's layout */
    publicSubnetCidrs?: string[];
}

export interface PrivateLayoutArgs extends LayoutArgs {
    /** One CIDR per private subnet, inside the VPC. @default the planner's layout */
    privateSubnetCidrs?: string[];
    /** `OnePerAz`, `Single` or `None`. @default "OnePerAz" */
    natStrategy?: string;
    /** S3 gateway and ecr.api, ecr.dkr, logs interface endpoints. @default false */
    vpcEndpoints?: boolean;
    /** More interface endpoint services; turns the endpoints on. @default [] */
    interfaceEndpoints?: string[];
    /** A public subnet in every zone, not only where a NAT gateway sits (a load balancer needs two zones). @default false */
    publicSubnetsInEveryAz?: boolean;
}

export type AzSelection = { kind: "names"; names: string[] } | { kind: "count"; count: number };

export interface SubnetPlan {
    /** Index of the subnet's availability zone in the plan's zone list. */
    readonly az: number;
    readonly cidr: string;
}

export interface PrivateSubnetPlan extends SubnetPlan {
    /** Index into `natGateways` of the NAT this subnet's default route targets; none for `None`. */
    readonly nat?: number;
}

export interface NatPlan {
    readonly az: number;
    /** Index into `publicSubnets` of the subnet that holds this NAT gateway. */
    readonly publicSubnet: number;
}

export interface NetworkPlan {
    /** `public`: tasks get public IPs behind an internet gateway; `private`: NAT or no egress. */
    readonly pattern: NetworkPattern;
    readonly vpcCidr: string;
    readonly azs: AzSelection;
    readonly azCount: number;
    readonly publicSubnets: SubnetPlan[];
    readonly privateSubnets: PrivateSubnetPlan[];
    readonly natGateways: NatPlan[];
    readonly natStrategy?: NatStrategy;
    readonly vpcEndpoints: boolean;
    /** Interface endpoint services beyond the default three. */
    readonly interfaceEndpoints: string[];
    /** Whether the pattern needs an internet gateway (public subnets exist). */
    readonly internetGateway: boolean;
}

/** A bad argument to a network component; the message names component, field, problem and fix. */
export class NetworkPlanError extends PlanError {
    constructor(component: string, problem: string | readonly string[]) {
        super(component, problem);
        this.name = "NetworkPlanError";
    }
}

function fail(label: string, text: string): never {
    throw new NetworkPlanError(label, text);
}

/**
 * Checks a network's arguments in two stages, each collecting every problem before it throws: first
 * what stands alone (`checks`: the VPC CIDR, the zones, the pattern's own fields), then the subnets
 * (`layout`), which are cut from that VPC across those zones.
 */
function planInStages<T, L>(
    label: string,
    checks: (problems: Problems) => T,
    layout: (resolved: T) => L,
): L {
    const problems = new Problems(label, (c, p) => new NetworkPlanError(c, p));
    const resolved = checks(problems);
    problems.throwIfAny();
    const planned = problems.check(() => layout(resolved));
    problems.throwIfAny();
    return planned!;
}

/** Plans the public pattern: public task subnets behind an internet gateway. */
export function planPublicNetwork(label: string, args: LayoutArgs): NetworkPlan {
    return planInStages(
        label,
        (problems) => {
            // Callers from JavaScript or stack config can pass private-pattern fields; refuse them clearly.
            const stray = args as PrivateLayoutArgs;
            problems.check(() => {
                if (stray.vpcEndpoints) {
                    fail(
                        label,
                        "vpcEndpoints is for the private pattern (tasks here reach AWS APIs through the internet gateway); remove it or use the private pattern.",
                    );
                }
            });
            for (const field of [
                "natStrategy",
                "privateSubnetCidrs",
                "interfaceEndpoints",
            ] as const) {
                problems.check(() => {
                    if (stray[field] !== undefined) {
                        fail(
                            label,
                            `${field} is for the private pattern, which has NAT gateways and private subnets; remove it or use the private pattern.`,
                        );
                    }
                });
            }
            return {
                vpc: problems.check(() => parseVpcCidr(label, args.cidrBlock ?? DEFAULT_VPC_CIDR))!,
                azs: problems.check(() => selectAzs(label, args))!,
            };
        },
        ({ vpc, azs }) => layOutPublic(label, args, vpc, azs),
    );
}

/** The public pattern's subnets, cut from a checked VPC across checked zones. */
function layOutPublic(
    label: string,
    args: LayoutArgs,
    vpc: Ipv4Cidr,
    azs: AzSelection,
): NetworkPlan {
    const azCount = countOf(azs);
    const publicSubnets = layoutSubnets(
        label,
        "publicSubnetCidrs",
        args.publicSubnetCidrs,
        vpc,
        azCount,
        (az) => subdivideChecked(label, vpc, TASK_SUBNET_BITS, az, "public subnets"),
    );
    checkNoOverlap(label, [["publicSubnetCidrs", publicSubnets]]);
    return {
        pattern: "public",
        vpcCidr: formatIpv4Cidr(vpc),
        azs,
        azCount,
        publicSubnets: publicSubnets.map((cidr, az) => ({ az, cidr: formatIpv4Cidr(cidr) })),
        privateSubnets: [],
        natGateways: [],
        vpcEndpoints: false,
        interfaceEndpoints: [],
        internetGateway: true,
    };
}

/** Plans the private pattern: private task subnets, NAT gateways in small public subnets. */
export function planPrivateNetwork(label: string, args: PrivateLayoutArgs): NetworkPlan {
    const interfaceEndpoints = [...new Set(args.interfaceEndpoints ?? [])];
    return planInStages(
        label,
        (problems) => {
            const natStrategy = problems.check(() => parseNatStrategy(label, args.natStrategy))!;
            for (const [i, service] of interfaceEndpoints.entries()) {
                problems.check(() => {
                    if (!ENDPOINT_SERVICE.test(service)) {
                        fail(
                            label,
                            `interfaceEndpoints[${i}] "${service}" is not an endpoint service name; use the part after com.amazonaws.<region>., such as ssmmessages or ecs-agent.`,
                        );
                    }
                });
            }
            return {
                natStrategy,
                vpc: problems.check(() => parseVpcCidr(label, args.cidrBlock ?? DEFAULT_VPC_CIDR))!,
                azs: problems.check(() => selectAzs(label, args))!,
            };
        },
        ({ natStrategy, vpc, azs }) =>
            layOutPrivate(label, args, { natStrategy, vpc, azs, interfaceEndpoints }),
    );
}

/** The private pattern's subnets and NAT gateways, cut from a checked VPC across checked zones. */
function layOutPrivate(
    label: string,
    args: PrivateLayoutArgs,
    resolved: {
        natStrategy: NatStrategy;
        vpc: Ipv4Cidr;
        azs: AzSelection;
        interfaceEndpoints: string[];
    },
): NetworkPlan {
    const { natStrategy, vpc, azs, interfaceEndpoints } = resolved;
    const azCount = countOf(azs);

    const natAzs =
        natStrategy === "OnePerAz" ? range(azCount) : natStrategy === "Single" ? [0] : [];
    if (
        natAzs.length === 0 &&
        !args.publicSubnetsInEveryAz &&
        args.publicSubnetCidrs !== undefined
    ) {
        fail(
            label,
            "publicSubnetCidrs has no use with natStrategy None (public subnets only hold NAT gateways); remove it or choose OnePerAz or Single.",
        );
    }
    const privateCidrs = layoutSubnets(
        label,
        "privateSubnetCidrs",
        args.privateSubnetCidrs,
        vpc,
        azCount,
        (az) => subdivideChecked(label, vpc, TASK_SUBNET_BITS, az, "private subnets"),
    );
    // Public subnets hold the NAT gateways, and with publicSubnetsInEveryAz a load balancer too.
    const publicAzs = args.publicSubnetsInEveryAz ? range(azCount) : natAzs;
    const natBlock =
        publicAzs.length > 0
            ? subdivideChecked(
                  label,
                  vpc,
                  TASK_SUBNET_BITS,
                  2 ** TASK_SUBNET_BITS - 1,
                  "private subnets",
              )
            : undefined;
    const publicCidrs = layoutSubnets(
        label,
        "publicSubnetCidrs",
        args.publicSubnetCidrs,
        vpc,
        publicAzs.length,
        (i) =>
            subdivideChecked(
                label,
                natBlock!,
                NAT_SUBNET_BITS - TASK_SUBNET_BITS,
                publicAzs[i],
                args.publicSubnetsInEveryAz ? "public subnets" : "NAT subnets",
            ),
        args.publicSubnetsInEveryAz
            ? `publicSubnetsInEveryAz places one in each of ${azCount} zones`
            : `natStrategy ${natStrategy} places ${natAzs.length} NAT gateway${natAzs.length === 1 ? "" : "s"}`,
    );
    checkNoOverlap(label, [
        ["privateSubnetCidrs", privateCidrs],
        ["publicSubnetCidrs", publicCidrs],
    ]);
    return {
        pattern: "private",
        vpcCidr: formatIpv4Cidr(vpc),
        azs,
        azCount,
        publicSubnets: publicCidrs.map((cidr, i) => ({
            az: publicAzs[i],
            cidr: formatIpv4Cidr(cidr),
        })),
        privateSubnets: privateCidrs.map((cidr, az) => ({
            az,
            cidr: formatIpv4Cidr(cidr),
            nat: natStrategy === "OnePerAz" ? az : natStrategy === "Single" ? 0 : undefined,
        })),
        natGateways: natAzs.map((az) => ({ az, publicSubnet: publicAzs.indexOf(az) })),
        natStrategy,
        vpcEndpoints: (args.vpcEndpoints ?? false) || interfaceEndpoints.length > 0,
        interfaceEndpoints,
        internetGateway: publicAzs.length > 0,
    };
}

/**
 * Resolves the plan's zones against the zones the region offers. Explicit names must exist there;
 * a count takes the first `count` zones in the region's order.
 */
export function resolveAvailabilityZones(
    label: string,
    azs: AzSelection,
    regionZones: string[],
    region?: string,
): string[] {
    const where = region ?? "the region";
    const offered = regionZones.length > 0 ? regionZones.join(", ") : "none";
    if (azs.kind === "count") {
        if (azs.count > regionZones.length) {
            fail(
                label,
                `azCount asks for ${azs.count} availability zones but ${where} has ${regionZones.length} (${offered}); lower azCount or use another region.`,
            );
        }
        return regionZones.slice(0, azs.count);
    }
    const missing = azs.names.filter((n) => !regionZones.includes(n));
    if (missing.length > 0) {
        fail(
            label,
            `availabilityZones names ${missing.join(", ")}, which ${where} does not offer (available: ${offered}); list zones from that set.`,
        );
    }
    return azs.names;
}

/**
 * Checks the plan's zones against the Region's, from the table in regions.ts, before anything
 * registers. A Region the table lacks is left to the deploy-time check (`lookUpZones`).
 */
export function checkZonesInRegion(label: string, azs: AzSelection, region: string): void {
    const known = regionZones(region);
    if (known === undefined) {
        return;
    }
    if (azs.kind === "count") {
        resolveAvailabilityZones(label, azs, known.names.slice(0, known.count), region);
        return;
    }
    resolveAvailabilityZones(label, azs, known.names, region);
    if (azs.names.length > known.count) {
        fail(
            label,
            `availabilityZones lists ${azs.names.length} zones but an account in ${region} has ${known.count}; list at most ${known.count}.`,
        );
    }
}

/** What services and capacity need to know about a network, as its plan fixes it. */
export interface NetworkFacts {
    /** `public`: tasks get public IPs behind an internet gateway; `private`: NAT or no egress. */
    readonly pattern: NetworkPattern;
    /** Whether tasks placed here get a public IP (Fargate `assignPublicIp`). */
    readonly tasksGetPublicIp: boolean;
    /** Whether EC2 instances launched in the task subnets get a public IP (and so bridge/host tasks on them). */
    readonly hostsGetPublicIp: boolean;
    /** How many task subnets there are, where that is known when the program runs. */
    readonly taskSubnetCount?: number;
    /** Whether the task subnets route to the internet (an internet gateway, or a NAT gateway). */
    readonly outboundInternet: boolean;
    /** The AWS services the VPC reaches through VPC endpoints (`s3`, `ecr.api`, `logs`, ...). */
    readonly vpcEndpointServices: readonly string[];
    /** In how many zones the network has public subnets (a load balancer needs two). @default 0 */
    readonly publicSubnetAzCount?: number;
    /** The prefix length of the smallest public subnet, where known (a load balancer needs /27 or larger). */
    readonly publicSubnetPrefix?: number;
    /** The VPC's prefix length, where known. */
    readonly vpcPrefix?: number;
}

/** The facts a network plan fixes; both pattern components expose exactly these. */
export function networkFacts(plan: NetworkPlan): NetworkFacts {
    const isPublic = plan.pattern === "public";
    return {
        pattern: plan.pattern,
        tasksGetPublicIp: isPublic,
        hostsGetPublicIp: isPublic,
        taskSubnetCount: isPublic ? plan.publicSubnets.length : plan.privateSubnets.length,
        outboundInternet: isPublic || plan.natGateways.length > 0,
        vpcEndpointServices: plan.vpcEndpoints
            ? ["s3", ...new Set([...INTERFACE_ENDPOINT_SERVICES, ...plan.interfaceEndpoints])]
            : [],
        publicSubnetAzCount: new Set(plan.publicSubnets.map((s) => s.az)).size,
        ...(plan.publicSubnets.length > 0
            ? {
                  publicSubnetPrefix: Math.max(
                      ...plan.publicSubnets.map((s) => Number(s.cidr.split("/")[1])),
                  ),
              }
            : {}),
        vpcPrefix: Number(plan.vpcCidr.split("/")[1]),
    };
}

function parseNatStrategy(label: string, value: string | undefined): NatStrategy {
    if (value === undefined) {
        return "OnePerAz";
    }
    if (!(NAT_STRATEGIES as readonly string[]).includes(value)) {
        fail(
            label,
            `natStrategy "${value}" is not one of ${NAT_STRATEGIES.join(", ")}; use one of those (OnePerAz for AZ redundancy, Single for a cheap stack).`,
        );
    }
    return value as NatStrategy;
}

function parseVpcCidr(label: string, text: string): Ipv4Cidr {
    const parsed = parseIpv4Cidr(text);
    if (!parsed.ok) {
        fail(
            label,
            `cidrBlock "${text}" ${parsed.reason}; use a block such as ${DEFAULT_VPC_CIDR}.`,
        );
    }
    const { prefix } = parsed.cidr;
    if (prefix < MIN_PREFIX || prefix > MAX_PREFIX) {
        fail(
            label,
            `cidrBlock ${text} has prefix /${prefix}, outside the /${MIN_PREFIX} to /${MAX_PREFIX} AWS allows for a VPC; use a prefix in that range.`,
        );
    }
    return parsed.cidr;
}

function selectAzs(label: string, args: LayoutArgs): AzSelection {
    const { azCount, availabilityZones } = args;
    if (azCount !== undefined && availabilityZones !== undefined) {
        fail(
            label,
            `set either azCount or availabilityZones, not both (got azCount ${azCount} and availabilityZones [${availabilityZones.join(", ")}]); drop one.`,
        );
    }
    if (availabilityZones !== undefined) {
        if (availabilityZones.length === 0 || availabilityZones.length > MAX_AZS) {
            fail(
                label,
                `availabilityZones must list between 1 and ${MAX_AZS} zones (got ${availabilityZones.length}); list fewer or more zones.`,
            );
        }
        const seen = new Set<string>();
        for (const zone of availabilityZones) {
            if (seen.has(zone)) {
                fail(label, `availabilityZones lists ${zone} twice; list each zone once.`);
            }
            seen.add(zone);
        }
        return { kind: "names", names: [...availabilityZones] };
    }
    const count = azCount ?? DEFAULT_AZ_COUNT;
    if (!Number.isInteger(count)) {
        fail(
            label,
            `azCount must be a whole number (got ${count}); use an integer between 1 and ${MAX_AZS}.`,
        );
    }
    if (count < 1) {
        fail(
            label,
            `azCount must be between 1 and ${MAX_AZS} (got ${count}); raise it or list availabilityZones.`,
        );
    }
    if (count > MAX_AZS) {
        fail(
            label,
            `azCount must be between 1 and ${MAX_AZS} (got ${count}); lower it or list availabilityZones.`,
        );
    }
    return { kind: "count", count };
}

function countOf(azs: AzSelection): number {
    return azs.kind === "count" ? azs.count : azs.names.length;
}

function subdivideChecked(
    label: string,
    parent: Ipv4Cidr,
    bits: number,
    index: number,
    what: string,
): Ipv4Cidr {
    const prefix = parent.prefix + bits;
    if (prefix > MAX_PREFIX) {
        fail(
            label,
            `cidrBlock is too small for the default layout: ${what} would be /${prefix}, below AWS's /${MAX_PREFIX} minimum for a subnet; use a larger VPC (a /22 or larger fits every layout; a load balancer needs /27 subnets, which the planner checks) or list subnet CIDRs explicitly.`,
        );
    }
    return subdivide(parent, prefix, index);
}

/** Explicit CIDRs (validated) when given, else the default layout. */
function layoutSubnets(
    label: string,
    field: string,
    explicit: string[] | undefined,
    vpc: Ipv4Cidr,
    count: number,
    defaultFor: (index: number) => Ipv4Cidr,
    countReason?: string,
): Ipv4Cidr[] {
    if (explicit === undefined) {
        return range(count).map(defaultFor);
    }
    if (explicit.length !== count) {
        const why =
            countReason ??
            `there ${count === 1 ? "is 1 availability zone" : `are ${count} availability zones`}`;
        fail(
            label,
            `${field} lists ${explicit.length} CIDR${explicit.length === 1 ? "" : "s"} but ${why}; list exactly ${count}, one per subnet.`,
        );
    }
    const vpcText = formatIpv4Cidr(vpc);
    return explicit.map((text, i) => {
        const parsed = parseIpv4Cidr(text);
        if (!parsed.ok) {
            fail(
                label,
                `${field}[${i}] "${text}" ${parsed.reason}; use a block inside ${vpcText}.`,
            );
        }
        if (parsed.cidr.prefix > MAX_PREFIX) {
            fail(
                label,
                `${field}[${i}] ${text} is smaller than AWS's /${MAX_PREFIX} minimum for a subnet; use a prefix of /${MAX_PREFIX} or shorter.`,
            );
        }
        if (!contains(vpc, parsed.cidr)) {
            fail(
                label,
                `${field}[${i}] ${text} is outside cidrBlock ${vpcText}; pick a block inside the VPC.`,
            );
        }
        return parsed.cidr;
    });
}

function checkNoOverlap(label: string, groups: [string, Ipv4Cidr[]][]): void {
    const all = groups.flatMap(([field, cidrs]) =>
        cidrs.map((cidr, i) => ({ name: `${field}[${i}]`, cidr })),
    );
    for (let a = 0; a < all.length; a++) {
        for (let b = a + 1; b < all.length; b++) {
            if (overlaps(all[a].cidr, all[b].cidr)) {
                fail(
                    label,
                    `${all[b].name} ${formatIpv4Cidr(all[b].cidr)} overlaps ${all[a].name} ${formatIpv4Cidr(all[a].cidr)}; give each subnet its own block.`,
                );
            }
        }
    }
}

function range(n: number): number[] {
    return Array.from({ length: n }, (_, i) => i);
}
