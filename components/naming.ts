/**
 * Names AWS sees, derived so that stacks and projects sharing one account and Region never collide,
 * and so that AWS's naming rules are met before anything is planned. Plain functions.
 *
 * Pulumi auto-names a resource `<resource name>-<7 random characters>`; the names fixed here are
 * the ones AWS requires or users read (namespace, task family, log group).
 */
import { createHash } from "crypto";

/** What Pulumi's auto-naming adds to a resource name: a dash and 7 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;
/** IAM role names are at most 64 characters (IAM quotas). */
export const IAM_ROLE_NAME_MAX = 64;

/** Where AWS keeps a name unique: per account, per account and Region, or per Cloud Map namespace. */
export type NameScope = "account" | "region" | "namespace";

/** What AWS requires of one resource type's name, and whether it must be unique. */
export interface AwsNameRule {
    /** The input that holds the name (Pulumi fills it with `<resource name>-<7 characters>` when unset). */
    property: string;
    /** Where a name must be unique; undefined where AWS does not require it. */
    scope?: NameScope;
    /** The longest name AWS accepts. */
    max?: number;
    /** The characters AWS accepts, as a character class body. */
    chars?: string;
    /** A prefix AWS refuses. */
    reservedPrefix?: RegExp;
    /** AWS refuses a name that begins or ends with a hyphen. */
    noEdgeHyphen?: boolean;
}

/**
 * The one table of AWS's naming rules for the types this project creates: length, characters,
 * reserved prefixes, and the scope AWS keeps each name unique in. The components derive names that
 * fit it (`awsResourceName`); the offline plan checks fixed names against it (`offline/engine/uniqueNames.ts`).
 * Sources, AWS API references: CreateLoadBalancer and CreateTargetGroup ("a maximum of 32 characters,
 * must contain only alphanumeric characters or hyphens, must not begin or end with a hyphen"; a load
 * balancer "must not begin with internal-"), IAM CreateRole (64 of `[\w+=,.@-]`), CreateInstanceProfile
 * (128), Cloud Map CreateHttpNamespace / CreatePrivateDnsNamespace, CloudWatch Logs CreateLogGroup
 * (512 of `[.\-_/#A-Za-z0-9]`), ECS CreateCluster / CreateCapacityProvider (255 of `[A-Za-z0-9_-]`),
 * EC2 Auto Scaling CreateAutoScalingGroup (255), EC2 CreateLaunchTemplate (128), S3 bucket naming
 * (63 of lowercase letters, digits, dots and hyphens).
 */
export const AWS_NAMES: Record<string, AwsNameRule> = {
    "aws:lb/loadBalancer:LoadBalancer": {
        property: "name",
        scope: "region",
        max: 32,
        chars: "A-Za-z0-9-",
        noEdgeHyphen: true,
        reservedPrefix: /^internal-/i,
    },
    "aws:lb/targetGroup:TargetGroup": {
        property: "name",
        scope: "region",
        max: 32,
        chars: "A-Za-z0-9-",
        noEdgeHyphen: true,
    },
    "aws:iam/role:Role": { property: "name", scope: "account", max: 64, chars: "\\w+=,.@-" },
    "aws:iam/instanceProfile:InstanceProfile": {
        property: "name",
        scope: "account",
        max: 128,
        chars: "\\w+=,.@-",
    },
    "aws:servicediscovery/httpNamespace:HttpNamespace": {
        property: "name",
        scope: "region",
        max: 1024,
    },
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": {
        property: "name",
        scope: "region",
        max: 253,
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        property: "name",
        scope: "region",
        max: 512,
        chars: ".\\-_/#A-Za-z0-9",
    },
    "aws:ecs/cluster:Cluster": {
        property: "name",
        scope: "region",
        max: 255,
        chars: "A-Za-z0-9_-",
    },
    "aws:ecs/capacityProvider:CapacityProvider": {
        property: "name",
        scope: "region",
        max: 255,
        chars: "A-Za-z0-9_-",
        reservedPrefix: /^(aws|ecs|fargate)/i,
    },
    "aws:ecs/service:Service": { property: "name", max: 255, chars: "A-Za-z0-9_-" },
    "aws:autoscaling/group:Group": { property: "name", scope: "region", max: 255 },
    "aws:ec2/launchTemplate:LaunchTemplate": { property: "name", scope: "region", max: 128 },
    "aws:s3/bucket:Bucket": { property: "bucket", scope: "account", max: 63, chars: "a-z0-9.-" },
    "aws:s3/bucketV2:BucketV2": {
        property: "bucket",
        scope: "account",
        max: 63,
        chars: "a-z0-9.-",
    },
};

/** Why AWS refuses `name` for a resource of `type`, or undefined when it accepts it (or the type is not in the table). */
export function awsNameProblem(type: string, name: string): string | undefined {
    const rule = AWS_NAMES[type];
    if (rule === undefined) return undefined;
    if (rule.max !== undefined && name.length > rule.max)
        return `is ${name.length} characters long, above the ${rule.max} AWS accepts`;
    if (rule.chars !== undefined && !new RegExp(`^[${rule.chars}]*$`).test(name))
        return `has characters outside [${rule.chars}]`;
    if (rule.noEdgeHyphen && /^-|-$/.test(name)) return "begins or ends with a hyphen";
    if (rule.reservedPrefix?.test(name))
        return `begins with ${rule.reservedPrefix.source.replace(/^\^/, "")}, which AWS reserves`;
    return undefined;
}

/**
 * The Pulumi name `<base>-<suffix>` of a resource of `type`, whose auto-name `<name>-<7 characters>`
 * AWS accepts: `<base>-<suffix>` itself whenever it fits, so a name that deployed never changes.
 * Otherwise `<clean>-<hash>-<suffix>`: the characters AWS refuses become `-`, a reserved prefix gets
 * `x-` in front, a base too long is cut, and a hash of the whole base keeps two bases that clean to
 * the same text apart; the name is stable from one run to the next.
 */
export function awsResourceName(type: string, base: string, suffix: string): string {
    const rule = AWS_NAMES[type];
    if (rule === undefined)
        throw new Error(`awsResourceName: ${type} is not in AWS_NAMES; add its rule there.`);
    const fits = (n: string) => awsNameProblem(type, `${n}-abcdefg`) === undefined;
    const full = `${base}-${suffix}`;
    if (fits(full)) return full;
    let clean =
        rule.chars === undefined
            ? base
            : base.replace(new RegExp(`[^${rule.chars}]+`, "g"), "-").replace(/^-+|-+$/g, "");
    if (rule.reservedPrefix?.test(`${clean}-${suffix}`)) clean = `x-${clean}`;
    // Always the hash: "a_b" and "a-b" clean to one name, and two resources cannot share it.
    const hash = createHash("sha256").update(base).digest("hex").slice(0, 6);
    const room = (rule.max ?? Infinity) - AUTONAME_SUFFIX_LENGTH - suffix.length - hash.length - 2;
    return [clean.slice(0, Math.max(0, room)).replace(/-+$/, ""), hash, suffix]
        .filter((p) => p.length > 0)
        .join("-");
}

/** A DNS label from any text: lowercase letters, digits and dashes, at most 63 characters. */
export function dnsLabel(text: string): string {
    const label = text
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 63)
        .replace(/-+$/, "");
    return label.length > 0 ? label : "stack";
}

/** The default Service Connect namespace: one per stack, since a Cloud Map namespace name is unique per account and Region. */
export function defaultNamespaceName(stack: string): string {
    return `${dnsLabel(stack)}.serviceconnectns`;
}

/**
 * A task definition family: project, stack and service, so two stacks' revisions never interleave
 * in one family. ECS allows letters, digits, `_` and `-`, at most 255 characters: the service
 * planner refuses a name that makes it longer (cutting it could make two services share a family).
 */
export function taskFamily(project: string, stack: string, service: string): string {
    return `${project}-${stack}-${service}`.replace(/[^A-Za-z0-9_-]/g, "-");
}

/** A service's log group: `/ecs/<project>/<stack>/<service>`, known at preview and easy to find. */
export function logGroupName(project: string, stack: string, service: string): string {
    return `/ecs/${project}/${stack}/${service}`.replace(/[^A-Za-z0-9_\-/.#]/g, "-").slice(0, 512);
}

/**
 * The Pulumi name of an IAM role `<base>-<suffix>`, short enough that the auto-named role stays
 * within IAM's 64 characters. A long base is cut and made unique again with a hash of the whole of
 * it, so the name is stable from one run to the next.
 */
export function iamRoleResourceName(base: string, suffix: string): string {
    const room = IAM_ROLE_NAME_MAX - AUTONAME_SUFFIX_LENGTH;
    const full = `${base}-${suffix}`;
    if (full.length <= room) {
        return full;
    }
    const hash = createHash("sha256").update(base).digest("hex").slice(0, 6);
    return `${base.slice(0, room - suffix.length - hash.length - 2)}-${hash}-${suffix}`;
}

/** ECS refuses capacity provider names that start with `aws`, `ecs` or `fargate` (any case). */
export const RESERVED_CAPACITY_PROVIDER_PREFIX =
    AWS_NAMES["aws:ecs/capacityProvider:CapacityProvider"].reservedPrefix!;

/** The Pulumi name of a capacity provider, whose auto-name must not start with a reserved prefix. */
export function capacityProviderResourceName(name: string): string {
    return RESERVED_CAPACITY_PROVIDER_PREFIX.test(name) ? `cp-${name}` : `${name}-cp`;
}

/** A stack's VPC flow log group: `/vpc/<project>/<stack>/flow-logs`. */
export function flowLogGroupName(project: string, stack: string): string {
    return `/vpc/${project}/${stack}/flow-logs`.replace(/[^A-Za-z0-9_\-/.#]/g, "-").slice(0, 512);
}
