/**
 * A stack's state as `pulumi stack export` writes it, read for `--against` and written by
 * `--state-out`. The shape follows pulumi/pulumi sdk/go/common/apitype (core.go): an
 * `UntypedDeployment` `{ version: 3, deployment }` whose `DeploymentV3` holds a `manifest` and
 * `resources: ResourceV3[]`, each with `urn`, `custom`, `delete`, `id`, `type`, `inputs`, `outputs`,
 * `parent`, `protect`, `dependencies`, `provider` (`<provider urn>::<provider id>`),
 * `propertyDependencies`, `aliases`, `ignoreChanges` and more, most of them optional.
 */
import { secretPaths } from "./secrets";
import * as fs from "fs";
import * as path from "path";
import { UNKNOWN_SENTINEL } from "../../policies/model/values";
import type { EngineResource } from "./view";

/** One resource of a state, as the plan uses it. */
export interface StateResource {
    urn: string;
    type: string;
    custom: boolean;
    id: string | null;
    parent: string | null;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
    /** `<provider urn>::<provider id>`, for a custom resource. */
    provider: string | null;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    /** A resource the last update left to delete (a replacement's old half). */
    pendingDelete: boolean;
}

export interface StackState {
    file: string;
    /** Project and stack, read from the URNs. */
    project: string;
    stack: string;
    resources: StateResource[];
}

/** A state file the plan cannot use; the message is the whole paragraph the user sees. */
export class StateFileError extends Error {}

/** The current apitype deployment version (`apitype.DeploymentSchemaVersionCurrent`). */
export const DEPLOYMENT_VERSION = 3;

/** Refuses a state file in one paragraph: what is wrong, and what to pass instead. */
function refuser(file: string): (why: string) => never {
    return (why) => {
        throw new StateFileError(
            `--against ${file} ${why}; pass the output of \`pulumi stack export --file FILE\` (version ${DEPLOYMENT_VERSION}), or a state this plan wrote with --state-out.`,
        );
    };
}

/** Reads a `pulumi stack export` file; refuses anything else with what was expected. */
export function readStateFile(file: string): StackState {
    const full = path.resolve(file);
    const refuse = refuser(full);
    let text: string;
    try {
        text = fs.readFileSync(full, "utf8");
    } catch (e) {
        return refuse(
            `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (e) {
        return refuse(`is not JSON (${(e as Error).message})`);
    }
    return parseState(json, full);
}

/** A state from an export's JSON (a file's, or one an evaluation just wrote); `file` names it in messages. */
export function parseState(exported: unknown, file: string): StackState {
    const refuse = refuser(file);
    const json = exported as any;
    if (json === null || typeof json !== "object" || Array.isArray(json))
        refuse("is not a JSON object");
    if (Array.isArray(json.resources) && "violations" in json)
        refuse("is this plan's --json report, not a stack's state");
    if (json.version === undefined && Array.isArray(json.resources))
        refuse("is a bare deployment without its version; export it whole");
    if (json.version !== DEPLOYMENT_VERSION)
        refuse(`has version ${JSON.stringify(json.version)}, not ${DEPLOYMENT_VERSION}`);
    const resources = json.deployment?.resources;
    if (
        json.deployment === undefined ||
        json.deployment === null ||
        typeof json.deployment !== "object"
    )
        refuse("has no deployment");
    if (resources !== undefined && resources !== null && !Array.isArray(resources))
        refuse("has a deployment.resources that is not a list");
    const list: unknown[] = resources ?? [];
    const parsed = list.map((r, i): StateResource => {
        const where = `deployment.resources[${i}]`;
        if (r === null || typeof r !== "object")
            return refuse(`has ${where} that is not an object`);
        const x = r as Record<string, any>;
        if (typeof x.urn !== "string" || !/^urn:pulumi:[^:]+::[^:]+::[^:]/.test(x.urn))
            refuse(
                `has ${where}.urn ${JSON.stringify(x.urn)}, not a URN (urn:pulumi:<stack>::<project>::<type>::<name>)`,
            );
        if (typeof x.type !== "string" || x.type === "")
            refuse(`has ${where} (${x.urn}) with no type`);
        if (x.custom !== undefined && typeof x.custom !== "boolean")
            refuse(`has ${where}.custom that is not true or false`);
        return {
            urn: x.urn,
            type: x.type,
            custom: x.custom === true,
            id: typeof x.id === "string" && x.id !== "" ? x.id : null,
            parent: typeof x.parent === "string" && x.parent !== "" ? x.parent : null,
            inputs: objectOr(x.inputs),
            outputs: objectOr(x.outputs),
            provider: typeof x.provider === "string" && x.provider !== "" ? x.provider : null,
            dependencies: Array.isArray(x.dependencies)
                ? x.dependencies.filter((d: unknown) => typeof d === "string")
                : [],
            propertyDependencies: objectOr(x.propertyDependencies),
            protect: x.protect === true,
            pendingDelete: x.delete === true,
        };
    });
    const stacks = new Set(parsed.map((r) => r.urn.split("::")[0].slice("urn:pulumi:".length)));
    const projects = new Set(parsed.map((r) => r.urn.split("::")[1]));
    if (stacks.size > 1 || projects.size > 1)
        refuse(`mixes stacks or projects (${[...stacks].join(", ")}; ${[...projects].join(", ")})`);
    return {
        file,
        stack: [...stacks][0] ?? "",
        project: [...projects][0] ?? "",
        resources: parsed,
    };
}

function objectOr(value: unknown): Record<string, any> {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, any>)
        : {};
}

/** What `--state-out` writes for one resource: a ResourceV3 with the fields the engine itself sets. */
export interface ExportResource {
    urn: string;
    custom: boolean;
    id?: string;
    type: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
    parent?: string;
    protect?: boolean;
    dependencies?: string[];
    provider?: string;
    propertyDependencies?: Record<string, string[]>;
    ignoreChanges?: string[];
}

/** An export of version 3, as `pulumi stack export` writes it. */
export function stateExport(
    resources: ExportResource[],
    time = new Date(0),
): {
    version: number;
    deployment: {
        manifest: { time: string; magic: string; version: string };
        resources: ExportResource[];
    };
} {
    return {
        version: DEPLOYMENT_VERSION,
        deployment: {
            manifest: { time: time.toISOString(), magic: "", version: "ecsnet offline plan" },
            resources,
        },
    };
}

/**
 * The resources of an evaluation after up, as `pulumi stack export` would write them: custom
 * resources with their id, outputs and provider reference, components and the root Stack with
 * their inputs as outputs.
 */
export function exportResources(resources: EngineResource[]): ExportResource[] {
    const ids = new Map(resources.map((r) => [r.urn, r.id]));
    return resources.map((r) => {
        const providerId = r.options.provider ? ids.get(r.options.provider) : undefined;
        return {
            urn: r.urn,
            custom: r.custom,
            ...(r.custom && r.id ? { id: r.id } : {}),
            type: r.type,
            inputs: r.inputs,
            outputs: r.outputs,
            ...(r.parent ? { parent: r.parent } : {}),
            ...(r.options.protect ? { protect: true } : {}),
            ...(r.dependencies.length > 0 ? { dependencies: r.dependencies } : {}),
            ...(r.custom && r.options.provider
                ? { provider: `${r.options.provider}::${providerId ?? UNKNOWN_SENTINEL}` }
                : {}),
            ...(Object.keys(r.propertyDependencies).length > 0
                ? { propertyDependencies: r.propertyDependencies }
                : {}),
            ...(r.options.ignoreChanges.length > 0
                ? { ignoreChanges: r.options.ignoreChanges }
                : {}),
        };
    });
}

/** A state's resources in the shape the engine view gives, for what reads them alike (the cost estimate). */
export function stateResources(state: StackState): EngineResource[] {
    return state.resources
        .filter((r) => !r.pendingDelete)
        .map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.urn.split("::").pop()!,
            custom: r.custom,
            id: r.id,
            parent: r.parent,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
            inputs: r.inputs,
            outputs: r.outputs,
            secrets: secretPaths(r.inputs),
            outputSecrets: secretPaths(r.outputs),
            provider: null,
            options: {
                deleteBeforeReplace: false,
                protect: r.protect,
                ignoreChanges: [],
                provider: r.provider ? r.provider.slice(0, r.provider.lastIndexOf("::")) : null,
                aliases: [],
                additionalSecretOutputs: [],
            },
        }));
}
