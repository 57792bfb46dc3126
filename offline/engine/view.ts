/**
 * The engine's and the provider's half of the offline plan: what `pulumi preview` and `pulumi up`
 * hand a policy pack for each registered resource (pulumi/pulumi pkg/resource/deploy/step_generator.go):
 * - `Analyze` gets every resource's inputs (components and the root Stack too) after the provider's
 *   Check: the AWS provider fills an unset name (`autoName`) and adds `tagsAll` (its default tags
 *   merged under the resource's own tags; the resource's value wins).
 * - `AnalyzeStack` gets every resource's outputs: after up, the state; in a preview of a create, the
 *   inputs propagated plus every output the provider computes as unknown (id, arn, the rest of the
 *   schema's outputs read from the provider SDK's generated code, and every input left unset that
 *   the provider computes), with any list or map that holds an unknown wholly unknown.
 * - Both carry the resource's provider with its inputs: an explicit `aws.Provider` as `@pulumi/aws`
 *   registered it (`defaultTags` a JSON string), or the package's default provider, whose inputs are
 *   the stack's `aws:*` config (strings, so `aws:defaultTags` is JSON too) and the plugin version.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import type { Mode, Registration } from "./runtime";
import { providerDefaultTags as modelDefaultTags } from "../../policies/model/resources";
import { Unknown, UNKNOWN_SENTINEL as UNKNOWN } from "../../policies/model/values";

export interface ProviderView {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
}

/** The resource options the engine records and sends with every `Analyze` request. */
export interface ResourceOptionsView {
    deleteBeforeReplace: boolean;
    protect: boolean;
    ignoreChanges: string[];
    /** The provider's URN: an explicit provider, or the package's default one. */
    provider: string | null;
    aliases: string[];
    additionalSecretOutputs: string[];
}

export interface EngineResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** A placeholder id after up; null in a preview (unknown) and for components. */
    id: string | null;
    parent: string | null;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** What `Analyze` sees: the inputs after the provider's Check. */
    inputs: Record<string, any>;
    /** The property Check filled with an auto-name (the program left it unset); the name is not the program's. */
    autoNamed?: string;
    /** Where the inputs hold a secret (property paths): marked on the wire, `[secret]` in reports. */
    secrets: string[];
    /** Where the outputs hold one: the inputs' secrets, and the outputs the program asked to keep secret. */
    outputSecrets: string[];
    /** What `AnalyzeStack` sees: the outputs (unknown where the provider computes them, in a preview). */
    outputs: Record<string, any>;
    provider: ProviderView | null;
    options: ResourceOptionsView;
}

export interface EngineContext {
    mode: Mode;
    project: string;
    stack: string;
    /** The stack's fully qualified config (`aws:region`, `aws:defaultTags`, ...). */
    config: Record<string, unknown>;
}

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

/** Whether a value is, or holds, an unknown. */
export function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}

// ---- what the provider schema says, read from the provider SDK's generated resource classes ----

interface TypeSchema {
    /** Properties only the provider sets (`resourceInputs["arn"] = undefined /*out*\/`). */
    outputs: string[];
    /** Every input property the resource class declares. */
    inputs: string[];
    /**
     * Inputs the provider computes when the program leaves them unset (Optional+Computed in the
     * provider's schema): the input is optional and the output is not (`ingress?:` in the args, and
     * `readonly ingress: pulumi.Output<...[]>` without `| undefined` in the class), read from the
     * package's `.d.ts`.
     */
    computedWhenUnset: string[];
}

const schemas = new Map<string, TypeSchema | undefined>();

/**
 * The schema of a resource type, from the generated class of its package (`aws:ec2/vpc:Vpc` is
 * `@pulumi/aws/ec2/vpc.js`). Undefined for a package that is not installed.
 */
export function typeSchema(type: string): TypeSchema | undefined {
    if (!schemas.has(type)) {
        schemas.set(type, readSchema(type));
    }
    return schemas.get(type);
}

function readSchema(type: string): TypeSchema | undefined {
    const [pkg, mod] = type.split(":");
    if (!pkg || !mod || pkg === "pulumi") {
        return undefined;
    }
    // `aws:ec2/vpc:Vpc` lives in `@pulumi/aws/ec2/vpc.js`; `aws-native:ec2:SecurityGroup` in `@pulumi/aws-native/ec2/securityGroup.js`.
    const name = type.split(":")[2] ?? "";
    const file = mod.includes("/") ? mod : `${mod}/${name.charAt(0).toLowerCase()}${name.slice(1)}`;
    let source: string;
    try {
        source = fs.readFileSync(require.resolve(`@pulumi/${pkg}/${file}.js`), "utf8");
    } catch {
        return undefined;
    }
    // The constructor's branch for a new resource: `resourceInputs["x"] = args?.x` or `= undefined /*out*/`.
    // (aws-native's branch for reading an existing resource marks every property out: it is skipped.)
    const create = source
        .split(/\}\s*else\s*\{/)
        .filter((branch) => /= args(\?\.| \? args\.)/.test(branch))
        .join("\n");
    const outputs = [...create.matchAll(/resourceInputs\["(\w+)"\] = undefined \/\*out\*\//g)].map(
        (m) => m[1],
    );
    const inputs = [
        ...source.matchAll(/resourceInputs\["(\w+)"\] = (?:args\?\.|args \? args\.)/g),
    ].map((m) => m[1]);
    return {
        outputs: [...new Set(outputs)],
        inputs: [...new Set(inputs)],
        computedWhenUnset: computedWhenUnset(pkg, file),
    };
}

/**
 * The inputs a program may leave out (`name?: pulumi.Input<...>` in the resource's `...Args`
 * interface) whose output is not optional (`readonly name: pulumi.Output<X>;` in the class, with no
 * `| undefined`), from the package's `.d.ts`.
 */
function computedWhenUnset(pkg: string, file: string): string[] {
    let declaration: string;
    try {
        declaration = fs.readFileSync(require.resolve(`@pulumi/${pkg}/${file}.d.ts`), "utf8");
    } catch {
        return [];
    }
    const argsAt = declaration.search(/export interface \w+Args \{/);
    const args = argsAt < 0 ? "" : declaration.slice(argsAt, declaration.indexOf("\n}", argsAt));
    const optional = new Set([...args.matchAll(/^ {4}(\w+)\?: /gm)].map((m) => m[1]));
    const body = declaration.slice(
        declaration.indexOf("export declare class "),
        declaration.indexOf("    constructor("),
    );
    return [...body.matchAll(/readonly (\w+): pulumi\.Output<([\s\S]*?)>;\n/g)]
        .filter((m) => !/\|\s*undefined\s*$/.test(m[2].trim()) && optional.has(m[1]))
        .map((m) => m[1]);
}

/** The property Pulumi auto-names when the program leaves it out (`name`, or `bucket` for S3 buckets). */
export function autoNamedProperty(type: string): string | undefined {
    const field = /^aws:s3\/bucket(V2)?:/.test(type) ? "bucket" : "name";
    return typeSchema(type)?.inputs.includes(field) ? field : undefined;
}

/**
 * The name the AWS provider gives a resource whose name the program leaves unset, at Check (before
 * any preview shows it): `<resource name>-<7 hex characters>` (pulumi-terraform-bridge autonaming,
 * `resource.NewUniqueHex(name + "-", 7, maxlen)`). The engine seeds it with 32 random bytes per
 * resource (pulumi/pulumi pkg/resource/deploy/step_generator.go, `randomSeed` read from crypto/rand
 * where no plan gives one); the offline plan seeds it with the URN, so plans are reproducible. A
 * resource that sets a `namePrefix` gets its name from AWS after create: unknown in a preview.
 */
export function autoName(urn: string, name: string): string {
    return `${name}-${createHash("sha256").update(urn).digest("hex").slice(0, 7)}`;
}

/** The property Check fills with an auto-name for these inputs, when it does. */
export function autoNamedIn(type: string, inputs: Record<string, unknown>): string | undefined {
    const field = packageOf(type) === "aws" ? autoNamedProperty(type) : undefined;
    return field !== undefined && inputs[field] === undefined && inputs.namePrefix === undefined
        ? field
        : undefined;
}

// ---- providers ----

export function packageOf(type: string): string {
    return type.split(":")[0];
}

function packageVersion(pkg: string): string {
    try {
        return JSON.parse(fs.readFileSync(require.resolve(`@pulumi/${pkg}/package.json`), "utf8"))
            .version;
    } catch {
        return "0.0.0";
    }
}

/** The default provider the engine creates for a package, with the stack's `<pkg>:*` config as inputs. */
export function defaultProvider(pkg: string, ctx: EngineContext): ProviderView {
    const version = packageVersion(pkg);
    const name = `default_${version.replace(/[.-]/g, "_")}`;
    const props: Record<string, unknown> = { version };
    for (const [key, value] of Object.entries(ctx.config)) {
        if (key.startsWith(`${pkg}:`)) {
            props[key.slice(pkg.length + 1)] =
                typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return {
        urn: `urn:pulumi:${ctx.stack}::${ctx.project}::pulumi:providers:${pkg}::${name}`,
        type: `pulumi:providers:${pkg}`,
        name,
        props,
    };
}

/** A provider reference (`urn::id`) as the SDK sends it, without the id. */
function providerUrn(reference: string): string {
    return reference.slice(0, reference.lastIndexOf("::"));
}

/**
 * The provider's default tags: `defaultTags` is a JSON string (`{"tags":{...}}`) from an explicit
 * provider and from stack config alike. UNKNOWN when it is not known yet. Read as the policy model
 * reads them (policies/model/resources.ts), so the engine's `tagsAll` and the pack agree.
 */
export function providerDefaultTags(
    provider: ProviderView | null,
): Record<string, unknown> | typeof UNKNOWN {
    const tags = modelDefaultTags(provider);
    return tags instanceof Unknown ? UNKNOWN : Object.fromEntries(tags ?? []);
}

/**
 * The AWS provider's Check (pulumi-terraform-bridge): the name it generates for a resource that
 * leaves it unset (`autoName`; a resource that exists keeps the name its state holds), and on a
 * taggable resource `tagsAll`, its provider's default tags with its own tags over them (AWS stores
 * the resource's value for a shared key).
 */
export function checkedInputs(
    r: { urn: string; type: string; name: string; inputs: Record<string, any> },
    provider: ProviderView | null,
    existing?: Record<string, any>,
): Record<string, any> {
    const { type, inputs } = r;
    if (packageOf(type) !== "aws") {
        return inputs;
    }
    const named = autoNamedIn(type, inputs);
    const checked =
        named === undefined
            ? inputs
            : { ...inputs, [named]: existing?.[named] ?? autoName(r.urn, r.name) };
    if (!typeSchema(type)?.outputs.includes("tagsAll") || PLUGIN_FRAMEWORK.has(type)) {
        return checked;
    }
    const defaults = providerDefaultTags(provider);
    const ignored = ignoredTags(provider);
    const own = inputs.tags;
    // One unknown tag, default tag or ignore setting makes the whole map unknown.
    const tagsAll =
        defaults === UNKNOWN ||
        containsUnknown(defaults) ||
        ignored === UNKNOWN ||
        containsUnknown(own)
            ? UNKNOWN
            : Object.fromEntries(
                  Object.entries({ ...defaults, ...(own ?? {}) }).filter(
                      ([key]) =>
                          !ignored.keys.includes(key) &&
                          !ignored.keyPrefixes.some((p) => key.startsWith(p)),
                  ),
              );
    return { ...checked, tagsAll };
}

/**
 * Resources the AWS provider serves through the Terraform Plugin Framework, whose Check adds no
 * `tagsAll` (the SDKv2 resources' CustomizeDiff does; a framework resource computes it at plan, so it
 * is an unknown output in a preview). The two this project and its corpora use, from
 * terraform-provider-aws `internal/service/ec2` (`vpc_security_group_ingress_rule.go`,
 * `vpc_security_group_egress_rule.go`, framework resources); add others as programs use them.
 */
export const PLUGIN_FRAMEWORK: ReadonlySet<string> = new Set([
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
]);

/**
 * The provider's `ignoreTags` (`{ keys, keyPrefixes }`, a JSON string from stack config and from an
 * explicit provider alike): tags the provider leaves out of `tagsAll`. UNKNOWN when not known yet.
 */
export function ignoredTags(
    provider: ProviderView | null,
): { keys: string[]; keyPrefixes: string[] } | typeof UNKNOWN {
    const raw = provider?.props.ignoreTags;
    if (raw === UNKNOWN) return UNKNOWN;
    let parsed: unknown = raw;
    if (typeof raw === "string") {
        try {
            parsed = JSON.parse(raw);
        } catch {
            parsed = undefined;
        }
    }
    const list = (v: unknown): string[] =>
        Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
    const p = (parsed ?? {}) as { keys?: unknown; keyPrefixes?: unknown };
    if (containsUnknown(p)) return UNKNOWN;
    return { keys: list(p.keys), keyPrefixes: list(p.keyPrefixes) };
}

/** Every registered resource as the engine hands it to a policy pack, plus the default providers it creates. */
/**
 * The view built one registration at a time, as the engine steps each resource while the program
 * runs (and sends it to the analyzers then): `add` returns what the engine steps for a registration,
 * the package's default provider first when the registration is its first user
 * (default_providers.go: the default provider is registered before the resource that needs it).
 */
export class EngineViewBuilder {
    private readonly explicit = new Map<string, ProviderView>();
    private readonly defaults = new Map<string, { view: ProviderView; resource: EngineResource }>();
    private readonly resources: EngineResource[] = [];

    constructor(private readonly ctx: EngineContext) {}

    add(r: Registration): EngineResource[] {
        if (r.type.startsWith("pulumi:providers:"))
            this.explicit.set(r.urn, { urn: r.urn, type: r.type, name: r.name, props: r.inputs });
        const stepped: EngineResource[] = [];
        let provider: ProviderView | null = null;
        if (r.custom && !r.type.startsWith("pulumi:providers:")) {
            if (r.provider) {
                provider = this.explicit.get(providerUrn(r.provider)) ?? null;
            } else {
                const pkg = packageOf(r.type);
                if (!this.defaults.has(pkg)) {
                    const view = defaultProvider(pkg, this.ctx);
                    const resource = providerResource(view, this.ctx);
                    this.defaults.set(pkg, { view, resource });
                    stepped.push(resource);
                }
                provider = this.defaults.get(pkg)!.view;
            }
        }
        const resource = resourceView(r, provider, this.ctx);
        this.resources.push(resource);
        stepped.push(resource);
        return stepped;
    }

    /** Every resource, the default providers first (the order `engineView` gives). */
    view(): EngineResource[] {
        return [...[...this.defaults.values()].map((d) => d.resource), ...this.resources];
    }
}

export function engineView(registrations: Registration[], ctx: EngineContext): EngineResource[] {
    const builder = new EngineViewBuilder(ctx);
    for (const r of registrations) builder.add(r);
    return builder.view();
}

function resourceView(
    r: Registration,
    provider: ProviderView | null,
    ctx: EngineContext,
): EngineResource {
    const inputs = r.custom
        ? checkedInputs(r, provider, r.id !== null ? r.state : undefined)
        : r.inputs;
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        custom: r.custom,
        // In a preview, only a resource the stack's state already holds (an update's same or update step) has its id.
        id: !r.custom ? null : r.id,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        inputs,
        ...(r.custom && autoNamedIn(r.type, r.inputs)
            ? { autoNamed: autoNamedIn(r.type, r.inputs) }
            : {}),
        outputs: r.custom ? outputsOf(r, inputs, ctx.mode) : r.inputs,
        secrets: r.secrets,
        outputSecrets: [...new Set([...r.secrets, ...r.additionalSecretOutputs])],
        provider,
        options: {
            deleteBeforeReplace: r.deleteBeforeReplace,
            protect: r.protect,
            ignoreChanges: r.ignoreChanges,
            provider: provider?.urn ?? null,
            aliases: r.aliases,
            additionalSecretOutputs: r.additionalSecretOutputs,
        },
    };
}

/** A default provider as the engine steps it: a resource of its own, with the stack's config as inputs. */
function providerResource(p: ProviderView, ctx: EngineContext): EngineResource {
    return {
        urn: p.urn,
        type: p.type,
        name: p.name,
        custom: true,
        id: ctx.mode === "preview" ? null : `<provider:${p.name}>`,
        parent: null,
        dependencies: [],
        propertyDependencies: {},
        inputs: p.props,
        outputs: p.props,
        secrets: [],
        outputSecrets: [],
        provider: null,
        options: {
            deleteBeforeReplace: false,
            protect: false,
            ignoreChanges: [],
            provider: null,
            aliases: [],
            additionalSecretOutputs: [],
        },
    };
}

function outputsOf(r: Registration, inputs: Record<string, any>, mode: Mode): Record<string, any> {
    // After up, or a resource that exists already: its state, the new inputs over the old outputs.
    if (mode === "after-up" || r.id !== null) {
        return { ...r.state, ...(inputs.tagsAll !== undefined ? { tagsAll: inputs.tagsAll } : {}) };
    }
    const schema = typeSchema(r.type);
    const outputs: Record<string, any> = { ...inputs, id: UNKNOWN };
    for (const key of [...(schema?.outputs ?? []), ...(schema?.computedWhenUnset ?? [])]) {
        if (outputs[key] === undefined) {
            outputs[key] = UNKNOWN;
        }
    }
    // The bridge's Create preview hands back a list or map that holds any unknown as wholly unknown
    // (and a nested block is a list of one to Terraform): `ingress` with one unknown CIDR, `tags`
    // with one unknown value, `networkConfiguration` with unknown subnet ids.
    if (packageOf(r.type) === "aws") {
        for (const [key, value] of Object.entries(outputs)) {
            if (value !== null && typeof value === "object" && containsUnknown(value)) {
                outputs[key] = UNKNOWN;
            }
        }
    }
    return outputs;
}

/** A value for people: the unknown sentinel written as `<unknown>`. */
export function displayValue(value: unknown): unknown {
    if (value === UNKNOWN) {
        return "<unknown>";
    }
    if (Array.isArray(value)) {
        return value.map(displayValue);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, displayValue(v)]));
    }
    return value;
}
