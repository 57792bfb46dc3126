/**
 * Checks a `--policy-pack-config` file against the pack's own policies and their config schemas
 * (as GetAnalyzerInfo reports them) before the pack is configured: a policy name the pack lacks,
 * an enforcement level that does not exist, a property the schema does not declare, or a value of
 * the wrong type is refused with the key that is wrong. The file's shape is the CLI's: each key is a
 * policy name (or `all`), each value a level or an object with `enforcementLevel` and properties.
 */
import { editDistance } from "../../components/text";
import type { PolicyInfo } from "./analyzer";
import { waiverProblems } from "../../policies/rules/waivers";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;

/** The JSON Schema keywords the pack's config schemas use. */
interface Schema {
    type?: string | string[];
    items?: Schema;
    enum?: unknown[];
    minimum?: number;
    maximum?: number;
    minItems?: number;
    maxItems?: number;
    pattern?: string;
    minLength?: number;
    additionalProperties?: boolean | Schema;
    properties?: Record<string, Schema>;
    required?: string[];
}

/** Every problem of `config`, each naming the key at fault; empty when the pack accepts it. */
export function policyConfigProblems(config: unknown, policies: PolicyInfo[]): string[] {
    if (!isObject(config)) {
        return [
            `the policy config must be a JSON object of policy names (got ${describe(config)})`,
        ];
    }
    const names = policies.map((p) => p.name);
    const problems: string[] = [];
    const deferred: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        if (key === "all") {
            if (!isLevel(value))
                problems.push(
                    `"all" must be an enforcement level, one of ${ENFORCEMENT_LEVELS.join(", ")} (got ${describe(value)})`,
                );
            continue;
        }
        const policy = policies.find((p) => p.name === key);
        if (policy === undefined) {
            const near = names.filter((n) => closeTo(n, key));
            problems.push(
                `"${key}" is not a policy of this pack${near.length > 0 ? ` (did you mean "${near[0]}"?)` : ""}; its policies are ${names.join(", ")}`,
            );
            continue;
        }
        if (typeof value === "string") {
            if (!isLevel(value)) problems.push(levelProblem(`"${key}"`, value));
            continue;
        }
        if (!isObject(value)) {
            problems.push(
                `"${key}" must be an enforcement level or an object with enforcementLevel and the policy's properties (got ${describe(value)})`,
            );
            continue;
        }
        const properties = (policy.configSchema?.properties ?? {}) as Record<string, Schema>;
        for (const [prop, v] of Object.entries(value)) {
            const where = `"${key}".${prop}`;
            if (prop === "enforcementLevel") {
                if (!isLevel(v)) problems.push(levelProblem(where, v));
                continue;
            }
            const schema = properties[prop];
            if (schema === undefined) {
                const declared = Object.keys(properties);
                problems.push(
                    `${where} is not a setting of ${key}; ${declared.length > 0 ? `its settings are ${declared.join(", ")}` : "it takes none"}, besides enforcementLevel`,
                );
                continue;
            }
            problems.push(...valueProblems(where, v, schema));
        }
        // What a schema cannot say about waivers (a date that exists, resource or tag), the pack's own parser says.
        if ("waivers" in value && !problems.some((p) => p.startsWith(`"${key}".waivers`))) {
            deferred.push(...waiverProblems(key, value.waivers));
        }
    }
    return [...problems, ...deferred];
}

function levelProblem(where: string, value: unknown): string {
    const near =
        typeof value === "string"
            ? ENFORCEMENT_LEVELS.find((l) => closeTo(l, value.toLowerCase()))
            : undefined;
    return `${where} must be an enforcement level, one of ${ENFORCEMENT_LEVELS.join(", ")} (got ${describe(value)}${near ? `; did you mean "${near}"?` : ""})`;
}

function valueProblems(where: string, value: unknown, schema: Schema): string[] {
    const types =
        schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 0 && !types.some((t) => hasType(value, t))) {
        return [`${where} must be ${types.map(article).join(" or ")} (got ${describe(value)})`];
    }
    const problems: string[] = [];
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        problems.push(
            `${where} must be one of ${schema.enum.map(describe).join(", ")} (got ${describe(value)})`,
        );
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum)
            problems.push(`${where} must be at least ${schema.minimum} (got ${value})`);
        if (schema.maximum !== undefined && value > schema.maximum)
            problems.push(`${where} must be at most ${schema.maximum} (got ${value})`);
    }
    if (
        typeof value === "string" &&
        schema.minLength !== undefined &&
        value.length < schema.minLength
    ) {
        problems.push(`${where} must not be empty`);
    }
    if (
        typeof value === "string" &&
        schema.pattern !== undefined &&
        !new RegExp(schema.pattern, "u").test(value)
    ) {
        problems.push(`${where} must match ${schema.pattern} (got ${describe(value)})`);
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems)
            problems.push(`${where} must list at least ${schema.minItems} items`);
        if (schema.maxItems !== undefined && value.length > schema.maxItems)
            problems.push(`${where} must list at most ${schema.maxItems} items`);
        if (schema.items)
            value.forEach((item, i) =>
                problems.push(...valueProblems(`${where}[${i}]`, item, schema.items!)),
            );
    }
    if (isObject(value) && schema.properties) {
        for (const [k, v] of Object.entries(value)) {
            const inner = schema.properties[k];
            problems.push(
                ...(inner
                    ? valueProblems(`${where}.${k}`, v, inner)
                    : [`${where}.${k} is not a setting the schema declares`]),
            );
        }
        for (const k of schema.required ?? [])
            if (!(k in value)) problems.push(`${where}.${k} is required`);
    }
    return problems;
}

function hasType(value: unknown, type: string): boolean {
    switch (type) {
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "number":
            return typeof value === "number" && Number.isFinite(value);
        case "array":
            return Array.isArray(value);
        case "object":
            return isObject(value);
        case "null":
            return value === null;
        default:
            return typeof value === type;
    }
}

const article = (type: string) =>
    type === "integer" || type === "array" || type === "object" ? `an ${type}` : `a ${type}`;
const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
const isLevel = (v: unknown): boolean =>
    typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);
const describe = (v: unknown) => JSON.stringify(v) ?? String(v);

/** Two names a typo apart: at most two edits. */
const closeTo = (a: string, b: string) => editDistance(a, b) <= 2;
