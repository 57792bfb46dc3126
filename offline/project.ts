/**
 * Reads a Pulumi project the way the CLI does before it starts the program: Pulumi.yaml's typed
 * `config:` block supplies defaults, `Pulumi.<stack>.yaml` supplies values, and keys in the
 * project's namespace may be written with or without the `project:` prefix.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

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
    config: Record<string, ConfigDeclaration>;
}

export class ProjectError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProjectError";
    }
}

export function loadProject(dir: string): Project {
    const doc = yaml.load(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as Record<string, any>;
    return { dir, name: doc.name, description: doc.description, config: doc.config ?? {} };
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
export function stackConfig(project: Project, stack: string, file?: string): Record<string, unknown> {
    const stackFile = file ?? path.join(project.dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        const known = listStacks(project.dir);
        throw new ProjectError(`unknown stack "${stack}": there is no ${path.basename(stackFile)}; the stacks are ${known.join(", ") || "none"}.`);
    }
    const doc = (yaml.load(fs.readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
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
export function projectValues(config: Record<string, unknown>, project: string): Record<string, string> {
    const prefix = `${project}:`;
    return Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), configString(v)]));
}

/** The stack's `aws:region`, which every AWS stack of this project must set. */
export function regionOf(config: Record<string, unknown>, stack: string): string {
    const region = config["aws:region"];
    if (typeof region !== "string" || region.length === 0) {
        throw new ProjectError(`stack "${stack}" sets no aws:region; add \`aws:region: us-east-1\` (or your region) to its stack file.`);
    }
    return region;
}
