/**
 * The load balancer planner: the listeners an internet-facing Application Load Balancer gets, the
 * routes services ask for (host and path rules, target groups, health checks), and the refusals that
 * come before anything registers. Plain functions and data, no resources.
 */
import { createHash } from "crypto";
import { parseIpv4Cidr } from "../network/cidr";
import { Fail, PlanError, Problems } from "../planError";

/** An ACM certificate ARN: `arn:<partition>:acm:<region>:<account>:certificate/<id>`. */
export const CERTIFICATE_ARN =
    /^arn:aws(-cn|-us-gov)?:acm:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/;
/** TLS 1.3 and 1.2 only, forward secrecy: AWS's recommended policy for an HTTPS listener. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** A listener takes rule priorities 1 to 50,000 (the lowest is evaluated first). */
export const MAX_RULE_PRIORITY = 50000;

/** An Application Load Balancer's subnets must be /27 or larger, with at least 8 free addresses (Elastic Load Balancing, ALB subnets). */
export const ALB_SUBNET_MAX_PREFIX = 27;

export class LoadBalancerPlanError extends PlanError {
    constructor(component: string, problem: string | readonly string[]) {
        super(component, problem);
        this.name = "LoadBalancerPlanError";
    }
}

export interface LoadBalancerPlanInput {
    /** The ACM certificate for HTTPS on 443. */
    certificateArn?: string;
    /** Serve plain HTTP on 80 when there is no certificate. Refused with a certificate (80 redirects then). */
    allowPlainHttp?: boolean;
    /** Who may reach the listeners. */
    ingressCidrs?: string[];
    /** In how many zones the network has public subnets. */
    publicSubnetAzCount: number;
    /** The prefix length of the smallest public subnet, where known. */
    publicSubnetPrefix?: number;
    /** The VPC's prefix length, where known. */
    vpcPrefix?: number;
    /** The load balancer's Region, when known: an ACM certificate serves only its own Region. */
    region?: string;
}

export interface LoadBalancerPlan {
    /** The listener routes attach to: HTTPS on 443, or plain HTTP on 80 when asked for in so many words. */
    protocol: "HTTPS" | "HTTP";
    port: 443 | 80;
    /** With HTTPS, port 80 answers with a redirect to 443. */
    redirectHttp: boolean;
    ingressCidrs: string[];
    /** The ports the load balancer's security group admits from `ingressCidrs`. */
    ingressPorts: number[];
}

/** The load balancer's listener and who may reach it; throws every problem at once, each naming the field and fix. */
export function planLoadBalancer(label: string, input: LoadBalancerPlanInput): LoadBalancerPlan {
    const problems = new Problems(label, (c, p) => new LoadBalancerPlanError(c, p));
    problems.check((fail) => {
        if (input.publicSubnetAzCount < 2) {
            fail(
                `the network has public subnets in ${input.publicSubnetAzCount} availability zone${input.publicSubnetAzCount === 1 ? "" : "s"}, and an Application Load Balancer needs two or more; use at least two zones (azCount 2), with public subnets in each.`,
            );
        }
    });
    problems.check((fail) => {
        const small = input.publicSubnetPrefix;
        if (small !== undefined && small > ALB_SUBNET_MAX_PREFIX) {
            const vpc =
                input.vpcPrefix !== undefined
                    ? ` (a /${input.vpcPrefix - (small - ALB_SUBNET_MAX_PREFIX)} or larger VPC gives them that in this layout)`
                    : "";
            fail(
                `the network's public subnets are /${small}, and an Application Load Balancer needs subnets of /${ALB_SUBNET_MAX_PREFIX} or larger with 8 free addresses in each; give the network a larger cidrBlock${vpc}, or public subnet CIDRs of /${ALB_SUBNET_MAX_PREFIX} or larger.`,
            );
        }
    });
    const cidrs = input.ingressCidrs ?? ["0.0.0.0/0"];
    problems.check((fail) => {
        if (cidrs.length === 0) {
            fail(
                "ingressCidrs is empty, so nobody could reach the load balancer; list the CIDRs that may (0.0.0.0/0 for the internet).",
            );
        }
    });
    cidrs.forEach((c, i) =>
        problems.check((fail) => {
            const parsed = parseIpv4Cidr(c);
            if (!parsed.ok)
                fail(
                    `ingressCidrs[${i}] "${c}" ${parsed.reason}; use a block such as 203.0.113.0/24, or 0.0.0.0/0 for the internet.`,
                );
            // Two equal rules in one group: AWS refuses the second (InvalidPermission.Duplicate).
            const first = cidrs.indexOf(c);
            if (first < i)
                fail(
                    `ingressCidrs[${i}] "${c}" repeats ingressCidrs[${first}]; AWS refuses a second identical security group rule, so list each CIDR once.`,
                );
        }),
    );
    problems.check((fail) => checkListener(fail, input));
    problems.throwIfAny();
    if (input.certificateArn !== undefined) {
        return {
            protocol: "HTTPS",
            port: 443,
            redirectHttp: true,
            ingressCidrs: cidrs,
            ingressPorts: [443, 80],
        };
    }
    return {
        protocol: "HTTP",
        port: 80,
        redirectHttp: false,
        ingressCidrs: cidrs,
        ingressPorts: [80],
    };
}

/** HTTPS with an ACM certificate of the load balancer's Region, or plain HTTP asked for in so many words. */
function checkListener(fail: Fail, input: LoadBalancerPlanInput): void {
    if (input.certificateArn !== undefined) {
        if (!CERTIFICATE_ARN.test(input.certificateArn)) {
            fail(
                `certificateArn "${input.certificateArn}" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>); copy the ARN from the ACM console or \`aws acm list-certificates\`.`,
            );
        }
        const certRegion = input.certificateArn.split(":")[3];
        if (input.region !== undefined && certRegion !== input.region) {
            fail(
                `certificateArn is a certificate in ${certRegion}, but the load balancer is in ${input.region}, and a load balancer can use only certificates of its own Region; request or import the certificate in ${input.region}.`,
            );
        }
        if (input.allowPlainHttp) {
            fail(
                "allowPlainHttp is set, but with certificateArn port 80 only redirects to HTTPS; remove allowPlainHttp.",
            );
        }
    } else if (!input.allowPlainHttp) {
        fail(
            "there is no certificateArn, and plain HTTP is served only when asked for in so many words; set certificateArn to an ACM certificate for HTTPS, or allowPlainHttp to true.",
        );
    }
}

export interface HealthCheckArgs {
    /** The path the load balancer requests, starting with `/`. @default "/", or the gRPC health method on a grpc port */
    path?: string;
    /** The codes that count as healthy: HTTP 200-499 (such as `200-399`), or gRPC 0-99 on a grpc port. @default "200-399", or "0" on a grpc port */
    matcher?: string;
    /** Seconds between checks, 5 to 300. @default 15 */
    intervalSeconds?: number;
    /** Seconds to wait for an answer, 2 to 120, below the interval. @default 5 */
    timeoutSeconds?: number;
    /** Successes before a target is healthy, 2 to 10. @default 2 */
    healthyThreshold?: number;
    /** Failures before a target is unhealthy, 2 to 10. @default 3 */
    unhealthyThreshold?: number;
}

export interface RouteArgs {
    /** The name of the port mapping the load balancer sends traffic to (an HTTP port of the task). */
    portName: string;
    /** Host headers this route matches, such as `app.example.com`. @default any host */
    hosts?: string[];
    /** Path patterns this route matches, such as `/api/*`. @default any path */
    paths?: string[];
    /** How the load balancer checks a target. @default GET / expecting 200-399 every 15 s */
    healthCheck?: HealthCheckArgs;
    /** Seconds a draining target keeps its connections, 0 to 3600. @default 30 */
    deregistrationDelaySeconds?: number;
    /** Seconds ECS ignores failing health checks of a new task, 0 to 2147483647. @default 60 */
    healthCheckGracePeriodSeconds?: number;
}

/** The target group's protocol version, from the port mapping's appProtocol. */
export type ProtocolVersion = "HTTP1" | "HTTP2" | "GRPC";

export interface RoutePlan {
    portName: string;
    containerPort: number;
    /** HTTP1, or HTTP2 / GRPC for a port whose appProtocol is http2 / grpc (both need an HTTPS listener). */
    protocolVersion: ProtocolVersion;
    hosts: string[];
    paths: string[];
    healthCheck: Required<HealthCheckArgs>;
    deregistrationDelaySeconds: number;
    healthCheckGracePeriodSeconds: number;
}

/** A matcher: codes and ranges separated by commas (`200`, `200-399`, `0,12`). */
const MATCHER = /^\d{1,3}(-\d{1,3})?(,\d{1,3}(-\d{1,3})?)*$/;
/**
 * The codes an Application Load Balancer's matcher takes (Elastic Load Balancing API, Matcher): HTTP
 * codes 200 to 499, or gRPC codes 0 to 99 when the protocol version is GRPC.
 */
const MATCHER_CODES: Record<ProtocolVersion, { from: number; to: number; example: string }> = {
    HTTP1: { from: 200, to: 499, example: "200 or 200-399" },
    HTTP2: { from: 200, to: 499, example: "200 or 200-399" },
    GRPC: { from: 0, to: 99, example: "0 (OK) or 0-2" },
};
/** The gRPC health checking protocol's method: what a gRPC service answers health checks on. */
export const GRPC_HEALTH_PATH = "/grpc.health.v1.Health/Check";

/** Why a matcher is refused for a protocol version, or undefined when it is accepted. */
export function matcherProblem(matcher: string, version: ProtocolVersion): string | undefined {
    const { from, to, example } = MATCHER_CODES[version];
    const kind = version === "GRPC" ? "gRPC" : "HTTP";
    if (!MATCHER.test(matcher))
        return `is not a list of ${kind} codes or ranges (such as ${example})`;
    for (const part of matcher.split(",")) {
        const [low, high = low] = part.split("-").map(Number);
        if (low < from || high > to || low > high)
            return `has ${part}, but a ${version === "GRPC" ? "GRPC target group" : "load balancer"} takes ${kind} codes ${from} to ${to} (such as ${example})`;
    }
    return undefined;
}

/**
 * Checks a service's route against its port mappings; `where` is the argument's path for messages.
 * `listenerProtocol`, when known, is the load balancer's: HTTP/2 and gRPC targets need HTTPS.
 */
export function planRoute(
    fail: Fail,
    where: string,
    route: RouteArgs,
    ports: { name: string; containerPort: number; protocol?: string; appProtocol?: string }[],
    listenerProtocol?: "HTTP" | "HTTPS",
): RoutePlan {
    const port = ports.find((p) => p.name === route.portName);
    if (port === undefined) {
        fail(
            `${where}.portName "${route.portName}" names no port mapping of this task; use one of ${ports.map((p) => p.name).join(", ") || "(none: add a port mapping first)"}.`,
        );
    }
    if ((port!.protocol ?? "tcp") !== "tcp") {
        fail(
            `${where}.portName "${route.portName}" is a ${port!.protocol} port; an Application Load Balancer carries HTTP over TCP.`,
        );
    }
    const protocolVersion: ProtocolVersion =
        port!.appProtocol === "grpc" ? "GRPC" : port!.appProtocol === "http2" ? "HTTP2" : "HTTP1";
    if (protocolVersion !== "HTTP1" && listenerProtocol === "HTTP") {
        fail(
            `${where}.portName "${route.portName}" speaks ${port!.appProtocol}, which an Application Load Balancer forwards only from an HTTPS listener, and this one serves plain HTTP; set certificateArn for HTTPS, or route an http port.`,
        );
    }
    // gRPC targets answer the gRPC health checking protocol with gRPC status codes (0 is OK).
    const defaults =
        protocolVersion === "GRPC"
            ? { path: GRPC_HEALTH_PATH, matcher: "0" }
            : { path: "/", matcher: "200-399" };
    const hc: Required<HealthCheckArgs> = {
        ...defaults,
        intervalSeconds: 15,
        timeoutSeconds: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        ...route.healthCheck,
    };
    if (!hc.path.startsWith("/")) {
        fail(`${where}.healthCheck.path "${hc.path}" must start with /; write "/${hc.path}".`);
    }
    const badMatcher = matcherProblem(hc.matcher, protocolVersion);
    if (badMatcher) {
        fail(`${where}.healthCheck.matcher "${hc.matcher}" ${badMatcher}.`);
    }
    const within = (field: string, value: number, min: number, max: number) => {
        if (!Number.isInteger(value) || value < min || value > max)
            fail(`${where}.${field} must be a whole number from ${min} to ${max} (got ${value}).`);
    };
    within("healthCheck.intervalSeconds", hc.intervalSeconds, 5, 300);
    within("healthCheck.timeoutSeconds", hc.timeoutSeconds, 2, 120);
    within("healthCheck.healthyThreshold", hc.healthyThreshold, 2, 10);
    within("healthCheck.unhealthyThreshold", hc.unhealthyThreshold, 2, 10);
    if (hc.timeoutSeconds >= hc.intervalSeconds) {
        fail(
            `${where}.healthCheck.timeoutSeconds ${hc.timeoutSeconds} must be below intervalSeconds ${hc.intervalSeconds}.`,
        );
    }
    const deregistrationDelaySeconds = route.deregistrationDelaySeconds ?? 30;
    within("deregistrationDelaySeconds", deregistrationDelaySeconds, 0, 3600);
    const healthCheckGracePeriodSeconds = route.healthCheckGracePeriodSeconds ?? 60;
    within("healthCheckGracePeriodSeconds", healthCheckGracePeriodSeconds, 0, 2147483647);
    (route.paths ?? []).forEach((p, i) => {
        if (!p.startsWith("/"))
            fail(`${where}.paths[${i}] "${p}" must start with /; write "/${p}".`);
    });
    (route.hosts ?? []).forEach((h, i) => {
        if (!/^[A-Za-z0-9*?.-]{1,128}$/.test(h))
            fail(
                `${where}.hosts[${i}] "${h}" is not a host name (letters, digits, -, . and the wildcards * and ?).`,
            );
    });
    if ((route.hosts ?? []).length + (route.paths ?? []).length > 5) {
        fail(
            `${where} lists ${(route.hosts ?? []).length + (route.paths ?? []).length} hosts and paths; a listener rule takes at most 5 condition values, so split the route.`,
        );
    }
    return {
        portName: route.portName,
        containerPort: port!.containerPort,
        protocolVersion,
        hosts: route.hosts ?? [],
        paths: route.paths ?? [],
        healthCheck: hc,
        deregistrationDelaySeconds,
        healthCheckGracePeriodSeconds,
    };
}

/** Priorities per specificity tier: tier t takes t * TIER_WIDTH + 1 to (t + 1) * TIER_WIDTH. */
const TIER_WIDTH = 160;
/** Where in its tier a route starts looking for a free priority: a hash of its hosts and paths. */
const TIER_SLOTS = 150;

/** How specific a path pattern is: 0 for an exact path, else 1 + the characters its wildcard leaves free (1 to 99), 100 for any path. */
function pathRank(path: string | undefined): number {
    if (path === undefined) return 100;
    const wildcard = path.search(/[*?]/);
    if (wildcard < 0) return 0;
    return 1 + (98 - Math.min(wildcard, 98));
}

/**
 * A route's specificity tier, 0 the most specific: exact hosts before wildcard hosts before any host,
 * then within each, exact paths before longer literal prefixes before shorter ones, and "any path"
 * last. A route is as broad as its broadest host and path.
 */
export function routeTier(route: { hosts: string[]; paths: string[] }): number {
    const hostRank = route.hosts.length === 0 ? 2 : route.hosts.some((h) => /[*?]/.test(h)) ? 1 : 0;
    const paths = route.paths.length === 0 ? [undefined] : route.paths;
    return hostRank * 101 + Math.max(...paths.map(pathRank));
}

/**
 * The routes claimed on one listener: two services may not claim the same host and path (the
 * second would never see a request), and each route gets a rule priority derived from what it
 * matches, never from its position: the tier orders a more specific route ahead of a broader one
 * (an `/api/*` route is evaluated before a catch-all `/*`, whatever the order services are
 * declared in), and a hash of its hosts and paths places it in the tier. Adding, removing or
 * reordering other routes leaves its priority where it is; only a hash collision in one tier (about
 * 1 in 150) moves the later claimant to the next free priority.
 */
export class RouteRegister {
    private readonly claims = new Map<string, string>();
    private readonly priorities = new Set<number>();

    /** Claims a route's host and path pairs for `label`; returns its rule priority. */
    claim(label: string, where: string, route: { hosts: string[]; paths: string[] }): number {
        const keys = (route.hosts.length > 0 ? route.hosts : ["*"]).flatMap((h) =>
            (route.paths.length > 0 ? route.paths : ["/*"]).map((p) => `${h.toLowerCase()} ${p}`),
        );
        for (const key of keys) {
            const holder = this.claims.get(key);
            if (holder !== undefined) {
                const [host, path] = key.split(" ");
                throw new LoadBalancerPlanError(
                    label,
                    `${where} claims host ${host} and path ${path}, which ${holder} already routes; give one of them another host or path.`,
                );
            }
        }
        const tier = routeTier(route);
        const digest = createHash("sha256")
            .update([...keys].sort().join("\n"))
            .digest();
        const start = digest.readUInt32BE(0) % TIER_SLOTS;
        let priority: number | undefined;
        for (let i = 0; i < TIER_WIDTH && priority === undefined; i++) {
            const candidate = tier * TIER_WIDTH + 1 + ((start + i) % TIER_WIDTH);
            if (!this.priorities.has(candidate)) priority = candidate;
        }
        if (priority === undefined || priority > MAX_RULE_PRIORITY) {
            throw new LoadBalancerPlanError(
                label,
                `${where} finds no free rule priority among the ${TIER_WIDTH} of its specificity; split the load balancer's routes across two load balancers.`,
            );
        }
        keys.forEach((k) => this.claims.set(k, label));
        this.priorities.add(priority);
        return priority;
    }
}
