/**
 * The load balancer planner: the listeners an internet-facing Application Load Balancer gets, the
 * routes services ask for (host and path rules, target groups, health checks), and the refusals that
 * come before anything registers. Plain functions and data, no resources.
 */
import { parseIpv4Cidr } from "../network/cidr";
import { PlanError } from "../planError";

/** An ACM certificate ARN: `arn:<partition>:acm:<region>:<account>:certificate/<id>`. */
export const CERTIFICATE_ARN = /^arn:aws(-cn|-us-gov)?:acm:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/;
/** TLS 1.3 and 1.2 only, forward secrecy: AWS's recommended policy for an HTTPS listener. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** A listener takes rule priorities 1 to 50,000; each route gets the next one, in declaration order. */
export const MAX_RULE_PRIORITY = 50000;

export class LoadBalancerPlanError extends PlanError {
    constructor(component: string, problem: string) {
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

export function planLoadBalancer(label: string, input: LoadBalancerPlanInput): LoadBalancerPlan {
    const fail = (text: string): never => {
        throw new LoadBalancerPlanError(label, text);
    };
    if (input.publicSubnetAzCount < 2) {
        fail(`the network has public subnets in ${input.publicSubnetAzCount} availability zone${input.publicSubnetAzCount === 1 ? "" : "s"}, and an Application Load Balancer needs two or more; use at least two zones (azCount 2), with public subnets in each.`);
    }
    const cidrs = input.ingressCidrs ?? ["0.0.0.0/0"];
    if (cidrs.length === 0) {
        fail("ingressCidrs is empty, so nobody could reach the load balancer; list the CIDRs that may (0.0.0.0/0 for the internet).");
    }
    cidrs.forEach((c, i) => {
        const parsed = parseIpv4Cidr(c);
        if (!parsed.ok) fail(`ingressCidrs[${i}] "${c}" ${parsed.reason}; use a block such as 203.0.113.0/24, or 0.0.0.0/0 for the internet.`);
    });
    if (input.certificateArn !== undefined) {
        if (!CERTIFICATE_ARN.test(input.certificateArn)) {
            fail(`certificateArn "${input.certificateArn}" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>); copy the ARN from the ACM console or \`aws acm list-certificates\`.`);
        }
        const certRegion = input.certificateArn.split(":")[3];
        if (input.region !== undefined && certRegion !== input.region) {
            fail(`certificateArn is a certificate in ${certRegion}, but the load balancer is in ${input.region}, and a load balancer can use only certificates of its own Region; request or import the certificate in ${input.region}.`);
        }
        if (input.allowPlainHttp) {
            fail("allowPlainHttp is set, but with certificateArn port 80 only redirects to HTTPS; remove allowPlainHttp.");
        }
        return { protocol: "HTTPS", port: 443, redirectHttp: true, ingressCidrs: cidrs, ingressPorts: [443, 80] };
    }
    if (!input.allowPlainHttp) {
        fail("there is no certificateArn, and plain HTTP is served only when asked for in so many words; set certificateArn to an ACM certificate for HTTPS, or allowPlainHttp to true.");
    }
    return { protocol: "HTTP", port: 80, redirectHttp: false, ingressCidrs: cidrs, ingressPorts: [80] };
}

export interface HealthCheckArgs {
    /** The path the load balancer requests, starting with `/`. @default "/" */
    path?: string;
    /** The HTTP codes that count as healthy, such as `200` or `200-399`. @default "200-399" */
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

export interface RoutePlan {
    portName: string;
    containerPort: number;
    hosts: string[];
    paths: string[];
    healthCheck: Required<HealthCheckArgs>;
    deregistrationDelaySeconds: number;
    healthCheckGracePeriodSeconds: number;
}

const MATCHER = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

/** Checks a service's route against its port mappings; `where` is the argument's path for messages. */
export function planRoute(fail: (text: string) => never, where: string, route: RouteArgs, ports: { name: string; containerPort: number; protocol?: string }[]): RoutePlan {
    const port = ports.find((p) => p.name === route.portName);
    if (port === undefined) {
        fail(`${where}.portName "${route.portName}" names no port mapping of this task; use one of ${ports.map((p) => p.name).join(", ") || "(none: add a port mapping first)"}.`);
    }
    if ((port!.protocol ?? "tcp") !== "tcp") {
        fail(`${where}.portName "${route.portName}" is a ${port!.protocol} port; an Application Load Balancer carries HTTP over TCP.`);
    }
    const hc: Required<HealthCheckArgs> = { path: "/", matcher: "200-399", intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3, ...route.healthCheck };
    if (!hc.path.startsWith("/")) {
        fail(`${where}.healthCheck.path "${hc.path}" must start with /; write "/${hc.path}".`);
    }
    if (!MATCHER.test(hc.matcher)) {
        fail(`${where}.healthCheck.matcher "${hc.matcher}" is not a list of HTTP codes or ranges (such as 200 or 200-399).`);
    }
    const within = (field: string, value: number, min: number, max: number) => {
        if (!Number.isInteger(value) || value < min || value > max) fail(`${where}.${field} must be a whole number from ${min} to ${max} (got ${value}).`);
    };
    within("healthCheck.intervalSeconds", hc.intervalSeconds, 5, 300);
    within("healthCheck.timeoutSeconds", hc.timeoutSeconds, 2, 120);
    within("healthCheck.healthyThreshold", hc.healthyThreshold, 2, 10);
    within("healthCheck.unhealthyThreshold", hc.unhealthyThreshold, 2, 10);
    if (hc.timeoutSeconds >= hc.intervalSeconds) {
        fail(`${where}.healthCheck.timeoutSeconds ${hc.timeoutSeconds} must be below intervalSeconds ${hc.intervalSeconds}.`);
    }
    const deregistrationDelaySeconds = route.deregistrationDelaySeconds ?? 30;
    within("deregistrationDelaySeconds", deregistrationDelaySeconds, 0, 3600);
    const healthCheckGracePeriodSeconds = route.healthCheckGracePeriodSeconds ?? 60;
    within("healthCheckGracePeriodSeconds", healthCheckGracePeriodSeconds, 0, 2147483647);
    (route.paths ?? []).forEach((p, i) => {
        if (!p.startsWith("/")) fail(`${where}.paths[${i}] "${p}" must start with /; write "/${p}".`);
    });
    (route.hosts ?? []).forEach((h, i) => {
        if (!/^[A-Za-z0-9*?.-]{1,128}$/.test(h)) fail(`${where}.hosts[${i}] "${h}" is not a host name (letters, digits, -, . and the wildcards * and ?).`);
    });
    if ((route.hosts ?? []).length + (route.paths ?? []).length > 5) {
        fail(`${where} lists ${(route.hosts ?? []).length + (route.paths ?? []).length} hosts and paths; a listener rule takes at most 5 condition values, so split the route.`);
    }
    return { portName: route.portName, containerPort: port!.containerPort, hosts: route.hosts ?? [], paths: route.paths ?? [], healthCheck: hc, deregistrationDelaySeconds, healthCheckGracePeriodSeconds };
}

/**
 * The routes claimed on one listener: two services may not claim the same host and path (the
 * second would never see a request), and each route gets the next rule priority.
 */
export class RouteRegister {
    private readonly claims = new Map<string, string>();
    private next = 1;

    /** Claims a route's host and path pairs for `holder`; returns its rule priority. */
    claim(label: string, where: string, route: { hosts: string[]; paths: string[] }): number {
        const keys = (route.hosts.length > 0 ? route.hosts : ["*"]).flatMap((h) => (route.paths.length > 0 ? route.paths : ["/*"]).map((p) => `${h.toLowerCase()} ${p}`));
        for (const key of keys) {
            const holder = this.claims.get(key);
            if (holder !== undefined) {
                const [host, path] = key.split(" ");
                throw new LoadBalancerPlanError(label, `${where} claims host ${host} and path ${path}, which ${holder} already routes; give one of them another host or path.`);
            }
        }
        if (this.next > MAX_RULE_PRIORITY) {
            throw new LoadBalancerPlanError(label, `${where} would be rule ${this.next}, above the ${MAX_RULE_PRIORITY} a listener takes.`);
        }
        keys.forEach((k) => this.claims.set(k, label));
        return this.next++;
    }
}
