/**
 * Runs Pulumi code under the SDK's mock runtime and records every registration request as the
 * engine receives it: type, name, parent, dependencies (explicit and through inputs), inputs with
 * unknown values still the engine's sentinel, resource options, and what the resource's state was
 * answered with. `MockResourceArgs` carries none of the graph, so the recorder listens on the mock
 * monitor's `registerResource` itself.
 *
 * Two modes, as the engine runs a program twice in a pull request's life:
 * - `preview` (the default): `pulumi preview` of a stack that does not exist yet. Nothing is created,
 *   so every output the provider computes (id, arn, ...) is unknown, and so is every input derived
 *   from one; literals stay known, and so do the names the provider generates at Check (`autoName`).
 * - `after-up`: every resource exists, with placeholder ids and ARNs (what `AnalyzeStack` sees at the
 *   end of `pulumi up`).
 */
import * as pulumi from "@pulumi/pulumi";
import { Differ } from "./steps";
import { RESOURCE_SIG, SECRET_SIG, SIG_KEY } from "./wire";
import { StackState } from "./state";
import { secretPaths } from "./secrets";
import { MockAws } from "./mockAws";
import { configString } from "./project";
import { UNKNOWN_SENTINEL } from "../../policies/model/values";

// Internal SDK modules: the runtime's own settings (monitor, RPC tracking), its promise wrapper and
// the store that wrapper keeps its leak candidates in.
const settings = require("@pulumi/pulumi/runtime/settings");
const debuggable = require("@pulumi/pulumi/runtime/debuggable");
const sdkState = require("@pulumi/pulumi/runtime/state");
const sdkDebuggablePromise = debuggable.debuggablePromise;

/**
 * The SDK wraps nearly every promise it makes in `debuggablePromise` (@pulumi/pulumi
 * runtime/debuggable.js), four per output property of every resource (runtime/rpc.js
 * `transferProperties`). The wrapper does two things. It keeps the promise in the leak candidates the
 * SDK reports at exit while the promise is pending. It also gives the promise an id, its label and a
 * captured stack, which only the PULUMI_DEBUG_PROMISE_LEAKS report prints: three `defineProperty`
 * calls (they turn the promise into a dictionary-mode object) and an `Error` per promise.
 * With stack traces off, the runtime keeps the first part and the very same `.then().catch()` chain,
 * so every callback runs in the same turn as before and the registrations come in the same order, and
 * it leaves out the second: a 500-service evaluation took 3.0 s instead of 3.7 s and peaked 60 MB
 * lower. With traces on (tests, ECSNET_STACK_TRACES) or PULUMI_DEBUG_PROMISE_LEAKS set, the SDK's own
 * wrapper runs.
 */
function leanDebuggablePromise<T>(p: Promise<T>): Promise<T> {
    const candidates: Set<Promise<unknown>> = sdkState.getStore().leakCandidates;
    candidates.add(p);
    return p
        .then((value) => {
            candidates.delete(p);
            return value;
        })
        .catch((err) => {
            candidates.delete(p);
            err.promise = p;
            throw err;
        });
}
// The SDK schedules its exit-time leak report on the first promise it wraps: wrap one, so the report
// runs whichever wrapper the SDK calls afterwards.
void sdkDebuggablePromise(Promise.resolve(), "offline runtime");

/**
 * Every resource's constructor captures the whole stack, whatever `Error.stackTraceLimit` says
 * (@pulumi/pulumi resource.js `Resource.callsites` sets it to Infinity), and parses it into the
 * source position and stack trace the registration carries for the engine's diagnostics; the mock
 * monitor reads neither. With stack traces off, there are no callsites: 1,000 services evaluated in
 * 5.0 s instead of 5.8 s. The registrations are the same (a conformance test compares them).
 */
const sdkResource = require("@pulumi/pulumi/resource").Resource;
const sdkCallsites = sdkResource.callsites;
const noCallsites = () => [];

export type Mode = "preview" | "after-up";
export const MODES: readonly Mode[] = ["preview", "after-up"];

/** The engine's unknown sentinel (sdk/go/common/resource/plugin/rpc.go; @pulumi/pulumi runtime/rpc.js), as the policy model knows it. */
export const UNKNOWN = UNKNOWN_SENTINEL;

export interface Registration {
    readonly urn: string;
    /** The resource's id: a placeholder after up, null in a preview (unknown) and for components. */
    readonly id: string | null;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parent: string | null;
    /** Explicit `dependsOn` plus every resource whose outputs feed an input, deduplicated. */
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
    /** Inputs as the engine receives them: unknown values are the `UNKNOWN` sentinel, secrets read plainly. */
    readonly inputs: Record<string, any>;
    /** Where the inputs hold a secret (`password`, `environment[0].value`): the engine keeps them marked. */
    readonly secrets: string[];
    /** What the mock answered as the resource's state (known inputs only, in a preview). */
    readonly state: Record<string, any>;
    /** The explicit provider reference (`urn::id`), or null for the package's default provider. */
    readonly provider: string | null;
    readonly protect: boolean;
    readonly ignoreChanges: string[];
    readonly deleteBeforeReplace: boolean;
    readonly additionalSecretOutputs: string[];
    /** Alias URNs or specs, as registered. */
    readonly aliases: string[];
    /** The URNs the aliases name, as the engine resolves them. */
    readonly aliasUrns: string[];
}

export interface RuntimeOptions {
    project: string;
    stack: string;
    region: string;
    /** Fully qualified keys (`project:key`, `aws:region`); non-string values are sent as JSON. */
    config?: Record<string, unknown>;
    /** @default "preview" */
    mode?: Mode;
    /**
     * Format stack traces natively instead of through ts-node's source maps. The SDK captures a
     * stack for every resource and promise; mapping each through source maps makes evaluation about
     * three times slower. For the plan and the benchmark; tests keep mapped traces. @default false
     */
    nativeStackTraces?: boolean;
    /**
     * Whether stack traces are captured at all. The SDK captures one for every resource and every
     * Output to record source positions for the engine, which mocks never read; capturing them made a
     * 500-service evaluation 2.7 times slower (12.2 s against 4.5 s) and held 180 MB more at its peak.
     * The plan and the benchmark turn capture off for their own process: `Error.stackTraceLimit = 0`,
     * the SDK's promise wrapper without its debug fields (`leanDebuggablePromise`) and no resource
     * callsites (`noCallsites`); each runtime's start sets all three, so a later start with traces on
     * restores the SDK's own. Set ECSNET_STACK_TRACES=1 to keep traces when debugging a program.
     * @default true
     */
    captureStackTraces?: boolean;
    /**
     * The stack's state before this run (`--against`): a preview of an update. Resources the state
     * holds keep their ids and outputs (only new and replaced ones are unknown; after up, they get
     * new placeholder ids), and `differ` records the step the engine would take for each.
     */
    prior?: StackState;
}

/**
 * A warning the program logged (`pulumi.log.warn`), which `pulumi preview` prints under Diagnostics.
 * With no engine to send it to, the SDK writes it to the console as `warning: [runtime] <message>`
 * (`@pulumi/pulumi` log/index.js `warn`); the runtime collects those lines instead.
 */
export interface ProgramDiagnostic {
    /** `error`: a failure the preview prints as an error and fails on (a provider's Check failure). */
    severity: "warning" | "error";
    message: string;
}

const WARNING_PREFIX = "warning: [runtime] ";

export class OfflineRuntime {
    readonly registrations: Registration[] = [];
    readonly diagnostics: ProgramDiagnostic[] = [];
    readonly mocks: MockAws;
    /** With a prior state: the step of each registration, as the engine decides it. */
    differ?: Differ;
    /** Called with each registration once the monitor has answered it, as the engine steps it. */
    onRegistration?: (registration: Registration) => void;

    private constructor(
        mocks: MockAws,
        readonly mode: Mode,
    ) {
        this.mocks = mocks;
    }

    /** Installs the mock runtime, resetting config; later registrations are recorded here. */
    static async start(opts: RuntimeOptions): Promise<OfflineRuntime> {
        if (opts.nativeStackTraces) {
            // ts-node installed source-map-support's formatter; without one, V8 formats natively.
            Reflect.deleteProperty(Error, "prepareStackTrace");
        }
        const capture = opts.captureStackTraces !== false || !!process.env.ECSNET_STACK_TRACES;
        if (!capture) {
            Error.stackTraceLimit = 0;
        }
        debuggable.debuggablePromise =
            capture || debuggable.debugPromiseLeaks ? sdkDebuggablePromise : leanDebuggablePromise;
        sdkResource.callsites = capture ? sdkCallsites : noCallsites;
        const mode = opts.mode ?? "preview";
        const runtime = new OfflineRuntime(new MockAws(opts.region, mode), mode);
        runtime.mocks.diagnostics = runtime.diagnostics;
        if (opts.prior) {
            runtime.differ = new Differ(opts.prior);
            // A replacement is a new resource with a new id, never the old one's.
            runtime.mocks.reserveIds(opts.prior.resources.flatMap((r) => (r.id ? [r.id] : [])));
        }
        const config: Record<string, string> = { "aws:region": opts.region };
        for (const [key, value] of Object.entries(opts.config ?? {})) {
            config[key] = configString(value);
        }
        pulumi.runtime.setAllConfig(config);
        await pulumi.runtime.setMocks(runtime.mocks, opts.project, opts.stack, mode === "preview");
        runtime.listen(settings.getMonitor());
        return runtime;
    }

    /** Waits until every registration the code under test started has been answered. */
    async settle(): Promise<void> {
        await settings.waitForRPCs();
    }

    /**
     * Runs `program` as the CLI runs a Pulumi program: inside a root Stack resource. Returns the
     * stack outputs as plain values, unknown ones (in a preview) as `UNKNOWN`.
     */
    async runProgram(program: () => unknown): Promise<Record<string, unknown>> {
        let outputs: Record<string, unknown> = {};
        const warn = console.warn;
        console.warn = (...args: unknown[]) => {
            const text = args.map(String).join(" ");
            if (text.startsWith(WARNING_PREFIX))
                this.diagnostics.push({
                    severity: "warning",
                    message: text.slice(WARNING_PREFIX.length),
                });
            else warn(...args);
        };
        try {
            await pulumi.runtime.runInPulumiStack(async () => {
                const result = await program();
                outputs = (result ?? {}) as Record<string, unknown>;
                return result as any;
            });
            await this.settle();
        } finally {
            console.warn = warn;
        }
        return plainOutputs(outputs);
    }

    private listen(monitor: any): void {
        monitor.newUrn = engineUrn;
        const original = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
            this.mocks.urnNext = engineUrn(req.getParent(), req.getType(), req.getName());
            if (this.differ) {
                // The mock answers synchronously inside `original`: tell it first what the state holds.
                const inputs = engineValue(req.getObject()?.toJavaScript() ?? {}) as Record<
                    string,
                    any
                >;
                converted.set(req, inputs);
                const { step, old } = this.differ.decide({
                    urn: this.mocks.urnNext,
                    type: req.getType(),
                    custom: req.getCustom(),
                    inputs,
                    aliasUrns: aliasUrnsOf(req),
                    ignoreChanges: req.getIgnorechangesList(),
                    deleteBeforeReplace: req.getDeletebeforereplace(),
                });
                const exists =
                    old !== undefined && old.custom && (step.op === "same" || step.op === "update");
                this.mocks.answerNext = exists ? { id: old!.id, outputs: old!.outputs } : undefined;
            }
            return original(req, (err: any, resp: any) => {
                if (!err) {
                    const registration = toRegistration(req, resp);
                    this.registrations.push(registration);
                    this.onRegistration?.(registration);
                }
                callback(err, resp);
            });
        };
    }
}

/**
 * A resource's URN as the engine writes it (pulumi/pulumi pkg/resource/deploy/deployment.go
 * `generateURN`): `urn:pulumi:<stack>::<project>::<type chain>::<name>`, where the type chain is the
 * parent's whole qualified type, `$`, then the resource's type; a resource whose parent is the root
 * Stack (or that has none) has no parent type. The SDK's mock monitor uses the parent's last type
 * only and keeps `pulumi:pulumi:Stack`, so no real `pulumi stack export` would ever match its URNs.
 */
export function engineUrn(parent: string, type: string, name: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const chain =
        parentType === "" || parentType.split("$").pop() === ROOT_STACK_TYPE
            ? type
            : `${parentType}$${type}`;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${chain}::${name}`;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The URN an alias spec names: its name, type, parent (none, another, or the resource's own), stack
 * and project, each field the spec leaves unset taking the resource's own.
 */
function aliasUrnsOf(req: any): string[] {
    return req.getAliasesList().map((a: any) => a.getUrn() || aliasUrn(a.getSpec(), req));
}

function aliasUrn(spec: any, req: any): string {
    const parent = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
    const urn = engineUrn(parent, spec.getType() || req.getType(), spec.getName() || req.getName());
    const [, stackPart, project, ...rest] = /^urn:pulumi:([^:]+)::([^:]+)::(.*)$/.exec(urn) ?? [];
    return `urn:pulumi:${spec.getStack() || stackPart}::${spec.getProject() || project}::${rest.join("")}`;
}

/** Resolves stack outputs to plain values; an unknown one becomes `UNKNOWN`, as `pulumi preview` shows it. */
async function plainOutputs(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const resolve = async (value: unknown): Promise<unknown> => {
        if (pulumi.Output.isInstance(value)) {
            const o = value as unknown as {
                isKnown: Promise<boolean>;
                promise(): Promise<unknown>;
            };
            return (await o.isKnown) ? resolve(await o.promise()) : UNKNOWN;
        }
        if (Array.isArray(value)) {
            return Promise.all(value.map(resolve));
        }
        if (value !== null && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
            const entries = await Promise.all(
                Object.entries(value).map(async ([k, v]) => [k, await resolve(v)] as const),
            );
            return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
        }
        return value;
    };
    return ((await resolve(outputs)) ?? {}) as Record<string, unknown>;
}

/**
 * A property value as the engine holds it: secrets unwrapped (the analyzer sees their values),
 * resource references as the referenced id (or URN for components), unknowns left as the sentinel.
 */
export function engineValue(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(engineValue);
    }
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            return engineValue(obj.value);
        }
        if (obj[SIG_KEY] === RESOURCE_SIG) {
            return typeof obj.id === "string" ? (obj.id === "" ? UNKNOWN : obj.id) : obj.urn;
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, engineValue(v)]));
    }
    return value;
}

/** An alias given as a spec (name, type, parent...), written out as the fields it sets. */
function aliasSpecText(spec: any, name: string, type: string): string {
    const parent = spec.getNoparent()
        ? "no parent"
        : spec.getParenturn()
          ? `parent ${spec.getParenturn()}`
          : "same parent";
    return `${spec.getType() || type}::${spec.getName() || name} (${parent}${spec.getStack() ? `, stack ${spec.getStack()}` : ""}${spec.getProject() ? `, project ${spec.getProject()}` : ""})`;
}

/** A request's inputs as the engine holds them, when the differ converted them already (converted once). */
const converted = new WeakMap<object, Record<string, any>>();

function toRegistration(req: any, resp: any): Registration {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
        propertyDependencies[key] = deps.getUrnsList();
    });
    const dependencies = new Set<string>(req.getDependenciesList());
    Object.values(propertyDependencies).forEach((urns) => urns.forEach((u) => dependencies.add(u)));
    const custom: boolean = req.getCustom();
    return {
        urn: resp.getUrn(),
        id: resp.getId() || null,
        type: req.getType(),
        name: req.getName(),
        custom,
        parent: req.getParent() || null,
        dependencies: [...dependencies],
        propertyDependencies,
        inputs:
            converted.get(req) ??
            (engineValue(req.getObject()?.toJavaScript() ?? {}) as Record<string, any>),
        secrets: secretPaths(req.getObject()?.toJavaScript() ?? {}),
        state: engineValue(resp.getObject()?.toJavaScript() ?? {}) as Record<string, any>,
        provider: req.getProvider() || null,
        protect: req.getProtect() ?? false,
        ignoreChanges: req.getIgnorechangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        aliases: req
            .getAliasesList()
            .map(
                (a: any) => a.getUrn() || aliasSpecText(a.getSpec(), req.getName(), req.getType()),
            ),
        aliasUrns: aliasUrnsOf(req),
    };
}
