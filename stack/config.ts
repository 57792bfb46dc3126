/**
 * The one place that reads `pulumi.Config`. `parseStackConfig` is pure: it turns the raw string
 * values Pulumi hands a program into a typed StackConfig, and refuses values of the wrong shape
 * with a message that names the key, the field, the problem and the fix. What the values mean
 * (a CIDR that fits, a cpu/memory pair Fargate offers) is the components' to judge.
 */
import * as pulumi from "@pulumi/pulumi";
import { NAT_STRATEGIES, NatStrategy, NetworkPattern } from "../components/network/plan";
import type { HealthCheckArgs } from "../components/loadBalancer/plan";
import type { ScalingArgs } from "../components/service/plan";

/** Every key Pulumi.yaml declares; the CLI fills in their defaults before the program runs. */
export const DECLARED_KEYS = [
    "pattern",
    "vpcCidr",
    "azCount",
    "availabilityZones",
    "natStrategy",
    "vpcEndpoints",
    "namespace",
    "namespaceType",
    "containerInsights",
    "logRetentionDays",
    "launchType",
    "instanceType",
    "capacityMinSize",
    "capacityMaxSize",
    "certificateArn",
    "allowPlainHttp",
    "loadBalancerCidrs",
    "accessLogs",
    "flowLogs",
] as const;
/** Keys read from stack files that Pulumi's project schema cannot type (lists of objects). */
export const STRUCTURED_KEYS = ["services"] as const;

export interface ServiceConnectPortConfig {
    discoveryName?: string;
    port?: number;
    dnsName?: string;
    idleTimeoutSeconds?: number;
    perRequestTimeoutSeconds?: number;
}

export interface PortConfig {
    name: string;
    containerPort: number;
    protocol?: "tcp" | "udp";
    appProtocol?: "http" | "http2" | "grpc";
    /** Expose this port to other services through Service Connect (`true` for the defaults). */
    serviceConnect?: boolean | ServiceConnectPortConfig;
    /** Admit this port from 0.0.0.0/0: only for public workloads, and only when asked. */
    openToInternet?: boolean;
}

export interface ServiceConfig {
    name: string;
    image: string;
    command?: string[];
    cpu?: number;
    memory?: number;
    desiredCount?: number;
    sensitive?: boolean;
    enableExec?: boolean;
    calls?: string[];
    ports?: PortConfig[];
    environment?: Record<string, string>;
    secrets?: Record<string, string>;
    /** Customer-managed KMS key ARNs that encrypt the secrets (the execution role may decrypt with them). */
    secretsKmsKeyArns?: string[];
    /** EC2 launch type only: awsvpc (default), bridge or host. */
    networkMode?: "awsvpc" | "bridge" | "host";
    /** Host mode only: accept that tasks can use the instance role. */
    allowInstanceRoleAccess?: boolean;
    /** Wait for the service to be steady before going on. Default: on for services others call. */
    waitForSteadyState?: boolean;
    /** Route this service from the stack's load balancer. */
    loadBalancer?: RouteConfig;
    /** Target tracking autoscaling. */
    scaling?: ScalingArgs;
    /** X86_64 or ARM64. */
    runtimePlatform?: "X86_64" | "ARM64";
}

export interface RouteConfig {
    /** The name of the port the load balancer sends traffic to. */
    port: string;
    hosts?: string[];
    paths?: string[];
    healthCheck?: HealthCheckArgs;
    deregistrationDelaySeconds?: number;
    healthCheckGracePeriodSeconds?: number;
}

export interface StackConfig {
    network: {
        pattern: NetworkPattern;
        cidrBlock: string;
        azCount?: number;
        availabilityZones?: string[];
        natStrategy?: NatStrategy;
        vpcEndpoints: boolean;
    };
    cluster: {
        /** The namespace name; undefined means one per stack (`<stack>.serviceconnectns`). */
        namespace?: string;
        namespaceType: "http" | "dns";
        containerInsights: boolean;
    };
    logRetentionDays: number;
    capacity: {
        launchType: "FARGATE" | "EC2";
        instanceType: string;
        minSize: number;
        maxSize: number;
    };
    /** The stack's load balancer, created when a service sets `loadBalancer`. */
    loadBalancer: {
        certificateArn?: string;
        allowPlainHttp: boolean;
        ingressCidrs: string[];
        accessLogs: boolean;
    };
    flowLogs: boolean;
    services: ServiceConfig[];
}

const CONFIG_ERROR = Symbol.for("ecsnet.ConfigError");

/** A stack configuration value of the wrong shape; the message names key, field, problem and fix. */
export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
        Object.defineProperty(this, CONFIG_ERROR, { value: true });
    }

    /** Whether `e` is a refusal of the stack file; a brand, since the offline plan loads the program afresh (another copy of this class). */
    static isConfigError(e: unknown): e is ConfigError {
        return (
            typeof e === "object" &&
            e !== null &&
            (e as Record<symbol, unknown>)[CONFIG_ERROR] === true
        );
    }
}

type Raw = Record<string, string | undefined>;

/** Reads this stack's configuration through `pulumi.Config`. */
export function loadStackConfig(): StackConfig {
    const config = new pulumi.Config();
    const raw: Raw = {};
    for (const key of [...DECLARED_KEYS, ...STRUCTURED_KEYS]) {
        raw[key] = config.get(key);
    }
    return parseStackConfig(raw, pulumi.getProject());
}

export function parseStackConfig(raw: Raw, project: string): StackConfig {
    const key = (k: string) => `${project}:${k}`;
    const required = (k: string): string => {
        const v = raw[k];
        if (v === undefined) {
            throw new ConfigError(
                `${key(k)} is not set; run under the Pulumi CLI (which applies Pulumi.yaml's defaults) or set it in the stack file.`,
            );
        }
        return v;
    };
    const integer = (k: string): number => {
        const v = required(k);
        if (!/^-?[0-9]+$/.test(v)) {
            throw new ConfigError(`${key(k)} must be an integer (got "${v}"); set a whole number.`);
        }
        return Number(v);
    };
    const boolean = (k: string): boolean => {
        const v = required(k);
        if (v !== "true" && v !== "false") {
            throw new ConfigError(`${key(k)} must be true or false (got "${v}").`);
        }
        return v === "true";
    };
    const oneOf = <T extends string>(k: string, allowed: readonly T[]): T => {
        const v = required(k);
        if (!(allowed as readonly string[]).includes(v)) {
            throw new ConfigError(
                `${key(k)} must be one of ${allowed.join(", ")} (got "${v}"); set one of those.`,
            );
        }
        return v as T;
    };

    const pattern = oneOf("pattern", ["private", "public"] as const);
    const zones = parseJson(key("availabilityZones"), required("availabilityZones"));
    if (!Array.isArray(zones) || !zones.every((z) => typeof z === "string")) {
        throw new ConfigError(
            `${key("availabilityZones")} must be a list of zone names (got ${JSON.stringify(zones)}); list names such as us-east-1a, or leave it empty to use azCount.`,
        );
    }
    const natStrategy = oneOf("natStrategy", NAT_STRATEGIES);
    const vpcEndpoints = boolean("vpcEndpoints");
    if (pattern === "public" && (vpcEndpoints || natStrategy !== "OnePerAz")) {
        const field = vpcEndpoints ? "vpcEndpoints" : "natStrategy";
        throw new ConfigError(
            `${key(field)} applies to the private pattern only, but ${key("pattern")} is public; remove ${field} from the stack file or set pattern to private.`,
        );
    }
    const servicesRaw = raw.services === undefined ? [] : parseJson(key("services"), raw.services);

    return {
        network: {
            pattern,
            cidrBlock: required("vpcCidr"),
            ...(zones.length > 0 ? { availabilityZones: zones } : { azCount: integer("azCount") }),
            ...(pattern === "private" ? { natStrategy } : {}),
            vpcEndpoints,
        },
        cluster: {
            ...(required("namespace") !== "" ? { namespace: required("namespace") } : {}),
            namespaceType: oneOf("namespaceType", ["http", "dns"] as const),
            containerInsights: boolean("containerInsights"),
        },
        logRetentionDays: integer("logRetentionDays"),
        capacity: {
            launchType: oneOf("launchType", ["FARGATE", "EC2"] as const),
            instanceType: required("instanceType"),
            minSize: integer("capacityMinSize"),
            maxSize: integer("capacityMaxSize"),
        },
        loadBalancer: {
            ...(required("certificateArn") !== ""
                ? { certificateArn: required("certificateArn") }
                : {}),
            allowPlainHttp: boolean("allowPlainHttp"),
            ingressCidrs: list(str)(
                key("loadBalancerCidrs"),
                parseJson(key("loadBalancerCidrs"), required("loadBalancerCidrs")),
            ),
            accessLogs: boolean("accessLogs"),
        },
        flowLogs: boolean("flowLogs"),
        services: parseServices(key("services"), servicesRaw),
    };
}

function parseJson(key: string, text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new ConfigError(
            `${key} is not valid structured config (got ${JSON.stringify(text)}); write it as a YAML list or map in the stack file.`,
        );
    }
}

// ---- services: a small schema walker with exact, path-naming messages ----

type Check<T> = (path: string, value: unknown) => T;

function describe(value: unknown): string {
    return JSON.stringify(value) ?? String(value);
}

const str: Check<string> = (path, v) => {
    if (typeof v !== "string" || v.length === 0) {
        throw new ConfigError(`${path} must be a non-empty string (got ${describe(v)}).`);
    }
    return v;
};
const int: Check<number> = (path, v) => {
    if (typeof v !== "number" || !Number.isInteger(v)) {
        throw new ConfigError(
            `${path} must be an integer (got ${describe(v)}); write a number without quotes.`,
        );
    }
    return v;
};
const bool: Check<boolean> = (path, v) => {
    if (typeof v !== "boolean") {
        throw new ConfigError(`${path} must be true or false (got ${describe(v)}).`);
    }
    return v;
};
const literal =
    <T extends string>(...allowed: T[]): Check<T> =>
    (path, v) => {
        if (typeof v !== "string" || !(allowed as string[]).includes(v)) {
            throw new ConfigError(
                `${path} must be one of ${allowed.join(", ")} (got ${describe(v)}).`,
            );
        }
        return v as T;
    };
const list =
    <T>(item: Check<T>): Check<T[]> =>
    (path, v) => {
        if (!Array.isArray(v)) {
            throw new ConfigError(`${path} must be a list (got ${describe(v)}).`);
        }
        return v.map((x, i) => item(`${path}[${i}]`, x));
    };
/** Any string, the empty one included (ECS accepts an environment variable set to ""). */
const text: Check<string> = (path, v) => {
    if (typeof v !== "string") {
        throw new ConfigError(
            `${path} must be a string (got ${describe(v)}); quote it if YAML reads it as a number or boolean.`,
        );
    }
    return v;
};
const stringMap =
    (value: Check<string>): Check<Record<string, string>> =>
    (path, v) => {
        if (typeof v !== "object" || v === null || Array.isArray(v)) {
            throw new ConfigError(
                `${path} must be a map of names to strings (got ${describe(v)}).`,
            );
        }
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(`${path}.${k}`, x)]));
    };

type Shape = Record<string, { check: Check<unknown>; required?: boolean }>;

function record<T>(shape: Shape): Check<T> {
    return (path, v) => {
        if (typeof v !== "object" || v === null || Array.isArray(v)) {
            throw new ConfigError(`${path} must be a map of fields (got ${describe(v)}).`);
        }
        const known = Object.keys(shape);
        for (const field of Object.keys(v)) {
            if (!known.includes(field)) {
                throw new ConfigError(
                    `${path} has an unknown field "${field}"; the fields are ${known.join(", ")}.`,
                );
            }
        }
        const out: Record<string, unknown> = {};
        for (const [field, spec] of Object.entries(shape)) {
            const value = (v as Record<string, unknown>)[field];
            if (value === undefined) {
                if (spec.required) {
                    throw new ConfigError(`${path}.${field} is required; add it.`);
                }
                continue;
            }
            out[field] = spec.check(`${path}.${field}`, value);
        }
        return out as T;
    };
}

const serviceConnectPort = record<ServiceConnectPortConfig>({
    discoveryName: { check: str },
    port: { check: int },
    dnsName: { check: str },
    idleTimeoutSeconds: { check: int },
    perRequestTimeoutSeconds: { check: int },
});

const port = record<PortConfig>({
    name: { check: str, required: true },
    containerPort: { check: int, required: true },
    protocol: { check: literal("tcp", "udp") },
    appProtocol: { check: literal("http", "http2", "grpc") },
    serviceConnect: { check: (p, v) => (typeof v === "boolean" ? v : serviceConnectPort(p, v)) },
    openToInternet: { check: bool },
});

const healthCheck = record<HealthCheckArgs>({
    path: { check: str },
    matcher: { check: str },
    intervalSeconds: { check: int },
    timeoutSeconds: { check: int },
    healthyThreshold: { check: int },
    unhealthyThreshold: { check: int },
});

const route = record<RouteConfig>({
    port: { check: str, required: true },
    hosts: { check: list(str) },
    paths: { check: list(str) },
    healthCheck: { check: healthCheck },
    deregistrationDelaySeconds: { check: int },
    healthCheckGracePeriodSeconds: { check: int },
});

const scaling = record<ScalingArgs>({
    min: { check: int },
    max: { check: int },
    cpuPercent: { check: int },
    memoryPercent: { check: int },
    requestsPerTarget: { check: int },
});

const service = record<ServiceConfig>({
    name: { check: str, required: true },
    image: { check: str, required: true },
    command: { check: list(str) },
    cpu: { check: int },
    memory: { check: int },
    desiredCount: { check: int },
    sensitive: { check: bool },
    enableExec: { check: bool },
    calls: { check: list(str) },
    ports: { check: list(port) },
    environment: { check: stringMap(text) },
    secrets: { check: stringMap(str) },
    secretsKmsKeyArns: { check: list(str) },
    networkMode: { check: literal("awsvpc", "bridge", "host") },
    allowInstanceRoleAccess: { check: bool },
    waitForSteadyState: { check: bool },
    loadBalancer: { check: route },
    scaling: { check: scaling },
    runtimePlatform: { check: literal("X86_64", "ARM64") },
});

export function parseServices(path: string, value: unknown): ServiceConfig[] {
    const services = list(service)(path, value);
    const seen = new Set<string>();
    services.forEach((s, i) => {
        if (seen.has(s.name)) {
            throw new ConfigError(
                `${path}[${i}].name "${s.name}" is used twice; give each service its own name.`,
            );
        }
        seen.add(s.name);
    });
    services.forEach((s, i) =>
        (s.calls ?? []).forEach((target, j) => {
            if ((s.calls ?? []).indexOf(target) !== j) {
                throw new ConfigError(
                    `${path}[${i}].calls[${j}] names "${target}" a second time; list each server once.`,
                );
            }
            if (!seen.has(target)) {
                throw new ConfigError(
                    `${path}[${i}].calls[${j}] names "${target}", which is not a service in this stack; use one of ${[...seen].join(", ")}.`,
                );
            }
        }),
    );
    return services;
}
