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
export const RESERVED_CAPACITY_PROVIDER_PREFIX = /^(aws|ecs|fargate)/i;

/** The Pulumi name of a capacity provider, whose auto-name must not start with a reserved prefix. */
export function capacityProviderResourceName(name: string): string {
    return RESERVED_CAPACITY_PROVIDER_PREFIX.test(name) ? `cp-${name}` : `${name}-cp`;
}

/** A stack's VPC flow log group: `/vpc/<project>/<stack>/flow-logs`. */
export function flowLogGroupName(project: string, stack: string): string {
    return `/vpc/${project}/${stack}/flow-logs`.replace(/[^A-Za-z0-9_\-/.#]/g, "-").slice(0, 512);
}
