/**
 * Reads a Pulumi project the way the CLI does before it starts the program: Pulumi.yaml's typed
 * `config:` block supplies defaults, `Pulumi.<stack>.yaml` supplies values, and keys in the
 * project's namespace may be written with or without the `project:` prefix.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { KNOWN_REGIONS, regionZones, similarRegions } from "../../components/network/regions";

export interface ConfigDeclaration {
    type: "string" | "integer" | "boolean" | "array";
    items?: { type: string };
    description?: string;
    default?: unknown;
}

export interface Project {
    dir: string;
    name: string;
    description?: string;
    /** The program's runtime (`nodejs`, or `{ name: nodejs, options }`), as Pulumi.yaml names it. */
    runtime?: string;
    /** Pulumi.yaml's `main`: the program's entry, relative to the project (default: the project directory). */
    main?: string;
    config: Record<string, ConfigDeclaration>;
}

export class ProjectError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProjectError";
    }
}

/** Reads a text file; a missing or unreadable one is a `ProjectError` naming `what` and the full path. */
export function readText(file: string, what = ""): { full: string; text: string } {
    const full = path.resolve(file);
    try {
        return { full, text: fs.readFileSync(full, "utf8") };
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ProjectError(
            code === "ENOENT"
                ? `${what}${full} does not exist; check the path.`
                : `${what}${full} cannot be read (${code ?? (e as Error).message}).`,
        );
    }
}

/**
 * Reads a YAML file; a missing file or invalid YAML is a `ProjectError` with the file's full path
 * (and for YAML, the line and column), never a parser's stack trace.
 */
export function readYaml(file: string): unknown {
    const { full, text } = readText(file);
    try {
        return yaml.load(text, { filename: full });
    } catch (e) {
        if (e instanceof yaml.YAMLException) {
            const line = e.mark ? `:${e.mark.line + 1}:${e.mark.column + 1}` : "";
            const hint =
                stackNameOf(full) !== undefined
                    ? " (a stack file is a map with a config: map of key: value lines)"
                    : "";
            throw new ProjectError(
                `${full}${line}: invalid YAML: ${e.reason}; fix the file${hint}.`,
            );
        }
        throw e;
    }
}

/** A YAML document that must be a map (or empty). */
function readYamlMap(file: string): Record<string, any> {
    const doc = readYaml(file) ?? {};
    if (typeof doc !== "object" || Array.isArray(doc)) {
        throw new ProjectError(
            `${path.resolve(file)}: the file must be a YAML map (got ${Array.isArray(doc) ? "a list" : JSON.stringify(doc)}).`,
        );
    }
    return doc as Record<string, any>;
}

export function loadProject(dir: string): Project {
    const doc = readYamlMap(path.join(dir, "Pulumi.yaml"));
    const runtime =
        typeof doc.runtime === "object" && doc.runtime !== null ? doc.runtime.name : doc.runtime;
    return {
        dir,
        name: doc.name,
        description: doc.description,
        runtime,
        main: typeof doc.main === "string" ? doc.main : undefined,
        config: doc.config ?? {},
    };
}

/** A stack file's document: a map whose `config` (if any) is a map. */
export function readStackFile(
    file: string,
): { config?: Record<string, unknown> } & Record<string, unknown> {
    const doc = readYamlMap(file);
    if (
        doc.config !== undefined &&
        doc.config !== null &&
        (typeof doc.config !== "object" || Array.isArray(doc.config))
    ) {
        throw new ProjectError(
            `${path.resolve(file)}: config must be a map of key: value lines (got ${JSON.stringify(doc.config)}).`,
        );
    }
    return doc;
}

/** The stack a `Pulumi.<stack>.yaml` file is for, or undefined for another file name. */
export function stackNameOf(file: string): string | undefined {
    return /^Pulumi\.(.+)\.yaml$/.exec(path.basename(file))?.[1];
}

/** The stacks that have a committed `Pulumi.<stack>.yaml`, sorted. */
export function listStacks(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** A stack's config, fully qualified (`project:key`, `aws:region`), defaults applied. */
export function stackConfig(
    project: Project,
    stack: string,
    file?: string,
): Record<string, unknown> {
    const stackFile = file ?? path.join(project.dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        const known = listStacks(project.dir);
        throw new ProjectError(
            `unknown stack "${stack}": there is no ${path.resolve(stackFile)}; the stacks are ${known.join(", ") || "none"}.`,
        );
    }
    const doc = readStackFile(stackFile);
    const values: Record<string, unknown> = {};
    for (const [key, decl] of Object.entries(project.config)) {
        if (decl.default !== undefined) {
            values[`${project.name}:${key}`] = decl.default;
        }
    }
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        values[key.includes(":") ? key : `${project.name}:${key}`] = value;
    }
    return values;
}

/** A config value as Pulumi hands it to a program: strings as they are, anything else as JSON. */
export function configString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** The project's own keys of a fully qualified config, unqualified and as strings: what `parseStackConfig` reads. */
export function projectValues(
    config: Record<string, unknown>,
    project: string,
): Record<string, string> {
    const prefix = `${project}:`;
    return Object.fromEntries(
        Object.entries(config)
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(prefix.length), configString(v)]),
    );
}

/** The stack's `aws:region`, which every AWS stack of this project must set, and which must be a Region AWS has. */
export function regionOf(config: Record<string, unknown>, stack: string): string {
    const region = config["aws:region"];
    if (region !== undefined && typeof region !== "string") {
        throw new ProjectError(
            `aws:region must be a Region name such as us-east-1 (got ${JSON.stringify(region)}).`,
        );
    }
    if (region === undefined || region.length === 0) {
        throw new ProjectError(
            `stack "${stack}" sets no aws:region; add \`aws:region: us-east-1\` (or your region) to its stack file.`,
        );
    }
    if (regionZones(region) === undefined) {
        const near = similarRegions(region);
        throw new ProjectError(
            `aws:region "${region}" is not an AWS Region${near.length > 0 ? ` (did you mean ${near.join(" or ")}?)` : ""}; set one of ${KNOWN_REGIONS.join(", ")}. A Region AWS opened after this project's table (components/network/regions.ts) must be added there first.`,
        );
    }
    return region;
}
