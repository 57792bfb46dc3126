/**
 * Waivers: a violation accepted on purpose, for a reason, until a date. Each policy's config takes
 * `waivers: [{ resource | tag, reason, expires }]` (the config file's key names the policy):
 * - `resource` is a URN pattern (`*` any run of characters, `?` one), matched against the whole URN;
 * - `tag` is `key=value`, matched against the resource's own tags (values trimmed, any case);
 * - `reason` and `expires` (YYYY-MM-DD, valid through that day in UTC) are required.
 * A waived violation is still reported, as advisory with its reason; after its expiry it is the
 * policy's own (mandatory) violation again and says the waiver expired. A waiver without a reason or
 * an expiry is refused by the schema (the CLI validates config against it) and by the pack itself.
 *
 * Advisory reports use the object form of `reportViolation`, which the SDK's server accepts with its
 * own `enforcementLevel` (@pulumi/policy server.js, makeReportViolationFun).
 */
import {
    PolicyResource,
    ReportViolation,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { tagMap } from "../model/resources";
import { isUnknown, known, Unknown } from "../model/values";

export interface Waiver {
    resource?: string;
    tag?: string;
    reason: string;
    expires: string;
}

export const WAIVERS_SCHEMA: PolicyConfigJSONSchema = {
    type: "array",
    description:
        "Violations accepted on purpose: each names the resource (URN pattern) or a tag on it, a reason and an expiry date.",
    default: [],
    items: {
        type: "object",
        properties: {
            resource: {
                type: "string",
                minLength: 1,
                description: "URN pattern: * matches any run of characters, ? one character.",
            },
            tag: {
                type: "string",
                pattern: "^[^=]+=.*$",
                description: "key=value of a tag on the resource.",
            },
            reason: { type: "string", minLength: 1, description: "Why the violation is accepted." },
            expires: {
                type: "string",
                pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                description: "Last day (UTC) the waiver holds, YYYY-MM-DD.",
            },
        },
        // "resource or tag" is checked by the pack (parseWaivers): the SDK's schema type has no anyOf.
        required: ["reason", "expires"],
        additionalProperties: false,
    },
};

/** What is wrong with a policy's waivers, each naming the entry and how to fix it; empty when none. */
export function waiverProblems(policy: string, raw: unknown): string[] {
    if (raw === undefined || raw === null) {
        return [];
    }
    if (!Array.isArray(raw)) {
        return [`policy ${policy}: waivers must be a list of { resource | tag, reason, expires }`];
    }
    return raw.flatMap((w, i) => {
        const where = `policy ${policy}: waivers[${i}]`;
        if (typeof w !== "object" || w === null) {
            return [`${where} must be an object with resource or tag, reason and expires`];
        }
        const problems: string[] = [];
        if (typeof w.reason !== "string" || w.reason.trim() === "") {
            problems.push(`${where} has no reason: say why the violation is accepted`);
        }
        if (typeof w.expires !== "string" || expiryOf(w.expires) === undefined) {
            problems.push(
                `${where} has no valid expires: give the last day it holds as YYYY-MM-DD (got ${JSON.stringify(w.expires)})`,
            );
        }
        if (typeof w.resource !== "string" && typeof w.tag !== "string") {
            problems.push(
                `${where} names no resource: give resource (a URN pattern) or tag (key=value)`,
            );
        }
        if (typeof w.tag === "string" && !w.tag.includes("=")) {
            problems.push(`${where} tag must be key=value (got ${JSON.stringify(w.tag)})`);
        }
        return problems;
    });
}

/** The waivers of a policy's config; bad config is refused with every problem. */
export function parseWaivers(policy: string, raw: unknown): Waiver[] {
    const problems = waiverProblems(policy, raw);
    if (problems.length > 0) {
        throw new Error(`The policy pack's config is refused: ${problems.join("; ")}.`);
    }
    return (raw ?? []) as Waiver[];
}

/** The end of the waiver's last day (UTC) in ms, or undefined for a date that does not exist. */
export function expiryOf(date: string): number | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    if (!m) {
        return undefined;
    }
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const start = Date.UTC(y, mo - 1, d);
    const back = new Date(start);
    return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d
        ? start + 86_400_000
        : undefined;
}

function globToRegExp(pattern: string): RegExp {
    const body = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${body}$`);
}

interface Subject {
    urn: string;
    props?: Record<string, any>;
}

/** The first waiver that covers the resource. */
export function waiverFor(waivers: Waiver[], subject: Subject): Waiver | undefined {
    return waivers.find((w) => {
        if (w.resource !== undefined && !globToRegExp(w.resource).test(subject.urn)) {
            return false;
        }
        if (w.tag !== undefined) {
            const [key, ...rest] = w.tag.split("=");
            const tags = tagMap(known("", () => subject.props?.tags));
            const value = tags && !isUnknown(tags) ? tags.get(key.trim()) : undefined;
            return (
                value !== undefined &&
                !isUnknown(value) &&
                String(value).trim().toLowerCase() === rest.join("=").trim().toLowerCase()
            );
        }
        return true;
    });
}

type Report = (message: any, urn?: string) => void;

/** Routes each violation through the waivers: unchanged, advisory with its reason, or expired. */
function throughWaivers(
    policy: { name: string; description: string },
    report: Report,
    waivers: Waiver[],
    subjectOf: (urn: string | undefined) => Subject | undefined,
    now: number,
): Report {
    if (waivers.length === 0) {
        return report;
    }
    return (message, urn) => {
        if (typeof message !== "string") {
            return report(message, urn);
        }
        const subject = subjectOf(urn);
        const waiver = subject && waiverFor(waivers, subject);
        if (!waiver) {
            return report(message, urn);
        }
        if (now >= expiryOf(waiver.expires)!) {
            return report(
                `${message}\nThe waiver for this resource expired on ${waiver.expires} (its reason: ${waiver.reason}). Fix the violation, or renew the waiver with a new expires date.`,
                urn,
            );
        }
        report(
            {
                message: `${policy.description}\n${message}\nWaived until ${waiver.expires}: ${waiver.reason}`,
                urn: subject!.urn,
                enforcementLevel: "advisory",
            },
            urn,
        );
    };
}

/** A policy that honours the `waivers` of its config (added to its config schema). */
export function waivable<P extends ResourceValidationPolicy | StackValidationPolicy>(policy: P): P {
    const configSchema = {
        ...policy.configSchema,
        properties: { ...policy.configSchema?.properties, waivers: WAIVERS_SCHEMA },
    };
    const waiversOf = (args: { getConfig<T extends object>(): T }) =>
        parseWaivers(policy.name, (args.getConfig<{ waivers?: unknown }>() ?? {}).waivers);
    if ("validateResource" in policy) {
        const p = policy as ResourceValidationPolicy;
        const validate = p.validateResource as (args: any, report: Report) => void | Promise<void>;
        const remediate = p.remediateResource;
        return {
            ...policy,
            configSchema,
            validateResource: (args: any, report: Report) =>
                validate(
                    args,
                    throughWaivers(p, report, waiversOf(args), () => args, Date.now()),
                ),
            ...(remediate && {
                // A waived resource is left as it is.
                remediateResource: (args: any) => {
                    const waiver = waiverFor(waiversOf(args), args);
                    return waiver && Date.now() < expiryOf(waiver.expires)!
                        ? undefined
                        : remediate(args);
                },
            }),
        };
    }
    const p = policy as StackValidationPolicy;
    const validate = p.validateStack as (args: any, report: Report) => void | Promise<void>;
    return {
        ...policy,
        configSchema,
        validateStack: (args: any, report: Report) => {
            const byUrn = new Map<string, PolicyResource>(
                args.resources.map((r: PolicyResource) => [r.urn, r]),
            );
            return validate(
                args,
                throughWaivers(
                    p,
                    report,
                    waiversOf(args),
                    (urn) => (urn ? byUrn.get(urn) : undefined),
                    Date.now(),
                ),
            );
        },
    };
}

/**
 * A verdict that waits for values unknown in this preview: advisory, naming each value. Mandatory
 * verdicts never come here; only a question whose answer truly depends on an unknown does.
 */
export function reportUndecided(
    report: ReportViolation,
    policy: { description: string },
    question: string,
    waitingFor: Unknown[],
    urn: string,
): void {
    const whats = [...new Set(waitingFor.map((u) => u.what))];
    const message = `Cannot decide ${question} in this preview: it depends on ${whats.join(", ")}, not known until the resources ${whats.length === 1 ? "it comes from exist" : "they come from exist"}. It is decided in the next preview or update once known.`;
    (report as Report)(
        { message: `${policy.description}\n${message}`, urn, enforcementLevel: "advisory" },
        urn,
    );
}

/** Reads back the values an undecided verdict (above) waits for, as the plan's report lists them. */
export const UNDECIDED_MESSAGE =
    /^Cannot decide .* in this preview: it depends on (.*), not known until the resources/m;
