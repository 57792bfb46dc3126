/**
 * Checks the project's Pulumi files the way a careful CLI would, and more strictly: Pulumi.yaml's
 * `config:` block follows Pulumi's project schema (type string|integer|boolean|array, items for
 * arrays, a default of that type); every Pulumi.<stack>.yaml sets only declared keys (in the project's
 * namespace, plus the structured keys stack/config.ts types, plus known `aws:` keys) with values of the
 * declared type, and passes stack/config.ts's own validation; PulumiPolicy.yaml is a Node.js pack.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { parseStackConfig, STRUCTURED_KEYS } from "../../stack/config";
import { editDistance } from "../../components/text";
import { planStack } from "../../stack/plan";
import {
    ConfigDeclaration,
    listStacks,
    loadProject,
    Project,
    projectValues,
    readStackFile,
    regionOf,
    stackConfig,
    stackNameOf,
} from "../engine/project";

/** Provider keys a stack may set for the AWS provider. */
export const AWS_PROVIDER_KEYS = [
    "region",
    "profile",
    "defaultTags",
    "allowedAccountIds",
    "assumeRole",
    "skipCredentialsValidation",
];
const SIMPLE_TYPES = ["string", "integer", "boolean", "array"];
const DECLARATION_FIELDS = ["type", "items", "description", "secret", "default", "value"];

function typeOk(decl: { type: string; items?: { type: string } }, value: unknown): boolean {
    switch (decl.type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "boolean":
            return typeof value === "boolean";
        case "array":
            return (
                Array.isArray(value) &&
                (decl.items === undefined ||
                    value.every((v) => typeOk(decl.items as { type: string }, v)))
            );
        default:
            return false;
    }
}

export function validateProjectFile(project: Project): string[] {
    const problems: string[] = [];
    if (!/^[A-Za-z0-9_.-]+$/.test(project.name ?? "")) {
        problems.push(`Pulumi.yaml: name "${project.name}" must be letters, digits, _, - or .`);
    }
    for (const [key, decl] of Object.entries(project.config) as [
        string,
        ConfigDeclaration & Record<string, unknown>,
    ][]) {
        const where = `Pulumi.yaml: config.${key}`;
        for (const field of Object.keys(decl)) {
            if (!DECLARATION_FIELDS.includes(field))
                problems.push(`${where} has an unknown field "${field}"`);
        }
        if (!SIMPLE_TYPES.includes(decl.type)) {
            problems.push(
                `${where}.type must be one of ${SIMPLE_TYPES.join(", ")} (got ${JSON.stringify(decl.type)})`,
            );
            continue;
        }
        if (
            decl.type === "array" &&
            (decl.items === undefined || !SIMPLE_TYPES.includes(decl.items.type))
        )
            problems.push(`${where}: an array needs items with a simple type`);
        if (typeof decl.description !== "string" || decl.description.length === 0)
            problems.push(`${where} has no description`);
        if (decl.default === undefined) problems.push(`${where} has no default`);
        else if (!typeOk(decl, decl.default))
            problems.push(
                `${where}.default ${JSON.stringify(decl.default)} is not of type ${decl.type}`,
            );
    }
    return problems;
}

export function validateStackFile(
    project: Project,
    file: string,
    stack = stackNameOf(file) ?? path.basename(file),
): string[] {
    const name = path.basename(file);
    let doc: Record<string, unknown>;
    try {
        doc = readStackFile(file);
    } catch (e) {
        return [(e as Error).message];
    }
    const problems: string[] = [];
    for (const top of Object.keys(doc)) {
        if (!["config", "secretsprovider", "encryptedkey", "environment"].includes(top))
            problems.push(`${name}: unknown top-level key "${top}"`);
    }
    const config = (doc.config ?? {}) as Record<string, unknown>;
    for (const [fullKey, value] of Object.entries(config)) {
        const [ns, key] = fullKey.includes(":") ? fullKey.split(":", 2) : [project.name, fullKey];
        if (ns === "aws") {
            if (!AWS_PROVIDER_KEYS.includes(key)) {
                const near = AWS_PROVIDER_KEYS.find(
                    (k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2,
                );
                problems.push(
                    `${name}: ${fullKey} is not an AWS provider setting this project knows${near ? ` (did you mean aws:${near}?)` : ""}; the settings are ${AWS_PROVIDER_KEYS.join(", ")}`,
                );
            }
            continue;
        }
        if (ns !== project.name) {
            problems.push(`${name}: ${fullKey} belongs to no package this project uses`);
            continue;
        }
        const decl = project.config[key];
        if (decl === undefined) {
            if (!(STRUCTURED_KEYS as readonly string[]).includes(key)) {
                const known = [...Object.keys(project.config), ...STRUCTURED_KEYS];
                const near =
                    known.find((k) => k.toLowerCase() === key.toLowerCase()) ??
                    known.find((k) => editDistance(k, key) <= 2);
                problems.push(
                    `${name}: ${fullKey} is not declared in Pulumi.yaml${near ? ` (did you mean ${ns}:${near}?)` : ""}; the keys are ${known.join(", ")}`,
                );
            }
            continue;
        }
        if (!typeOk(decl, value))
            problems.push(
                `${name}: ${fullKey} must be of type ${decl.type}${decl.items ? `<${decl.items.type}>` : ""} (got ${JSON.stringify(value)})`,
            );
    }
    if (problems.length === 0) {
        // stack/config.ts's checks on the values the CLI would hand the program, the Region, then the
        // whole stack planned as buildStack plans it.
        try {
            const values = stackConfig(project, stack, file);
            const region = regionOf(values, stack);
            planStack(parseStackConfig(projectValues(values, project.name), project.name), {
                project: project.name,
                stack,
                region,
            });
        } catch (e) {
            problems.push(`${name}: ${(e as Error).message}`);
        }
    }
    return problems;
}

export function validatePolicyPackFile(packDir: string): string[] {
    const doc = (yaml.load(fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8")) ??
        {}) as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of Object.keys(doc)) {
        if (!["runtime", "description", "main"].includes(key))
            problems.push(`PulumiPolicy.yaml: unknown key "${key}"`);
    }
    const runtime =
        typeof doc.runtime === "object" && doc.runtime !== null
            ? (doc.runtime as { name?: string }).name
            : doc.runtime;
    if (runtime !== "nodejs")
        problems.push(
            `PulumiPolicy.yaml: runtime must be nodejs (got ${JSON.stringify(doc.runtime)})`,
        );
    const pkg = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8"));
    if (!/^\d+\.\d+\.\d+/.test(pkg.version ?? ""))
        problems.push(
            `policies/package.json: version "${pkg.version}" is not a semantic version; pulumi policy publish needs one`,
        );
    return problems;
}

export function validateAll(dir: string): string[] {
    const project = loadProject(dir);
    return [
        ...validateProjectFile(project),
        ...listStacks(dir).flatMap((s) =>
            validateStackFile(project, path.join(dir, `Pulumi.${s}.yaml`)),
        ),
        ...validatePolicyPackFile(path.join(dir, "policies")),
    ];
}
