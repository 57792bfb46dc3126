/**
 * Runs Pulumi code under the SDK's mock runtime and records every registration request as the
 * engine would see it: type, name, parent, dependencies (explicit and through inputs), inputs and
 * resource options. `MockResourceArgs` carries none of the graph, so the recorder listens on the
 * mock monitor's `registerResource` itself.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockAws } from "./mockAws";
import { configString } from "./project";

// Internal SDK modules: the runtime's own settings (monitor, RPC tracking) and wire format.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const settings = require("@pulumi/pulumi/runtime/settings");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const rpc = require("@pulumi/pulumi/runtime/rpc");

export interface Registration {
    readonly urn: string;
    readonly id: string | null;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parent: string | null;
    /** Explicit `dependsOn` plus every resource whose outputs feed an input, deduplicated. */
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
    readonly inputs: Record<string, any>;
    readonly provider: string | null;
    readonly protect: boolean;
    readonly ignoreChanges: string[];
    readonly deleteBeforeReplace: boolean;
    readonly additionalSecretOutputs: string[];
}

export interface RuntimeOptions {
    project: string;
    stack: string;
    region: string;
    /** Fully qualified keys (`project:key`, `aws:region`); non-string values are sent as JSON. */
    config?: Record<string, unknown>;
    /** `true` for a preview (outputs of unmade resources stay unknown). @default false */
    preview?: boolean;
    /**
     * Format stack traces natively instead of through ts-node's source maps. The SDK captures a
     * stack for every resource and promise; mapping each through source maps makes evaluation about
     * three times slower. For the plan and the benchmark; tests keep mapped traces. @default false
     */
    nativeStackTraces?: boolean;
}

export class OfflineRuntime {
    readonly registrations: Registration[] = [];
    readonly mocks: MockAws;

    private constructor(mocks: MockAws) {
        this.mocks = mocks;
    }

    /** Installs the mock runtime, resetting config; later registrations are recorded here. */
    static async start(opts: RuntimeOptions): Promise<OfflineRuntime> {
        if (opts.nativeStackTraces) {
            // ts-node installed source-map-support's formatter; without one, V8 formats natively.
            Reflect.deleteProperty(Error, "prepareStackTrace");
        }
        const runtime = new OfflineRuntime(new MockAws(opts.region));
        const config: Record<string, string> = { "aws:region": opts.region };
        for (const [key, value] of Object.entries(opts.config ?? {})) {
            config[key] = configString(value);
        }
        pulumi.runtime.setAllConfig(config);
        await pulumi.runtime.setMocks(runtime.mocks, opts.project, opts.stack, opts.preview ?? false);
        runtime.listen(settings.getMonitor());
        return runtime;
    }

    /** Waits until every registration the code under test started has been answered. */
    async settle(): Promise<void> {
        await settings.waitForRPCs();
    }

    /** Runs `program` as the CLI runs a Pulumi program: inside a root Stack resource. */
    async runProgram(program: () => unknown): Promise<Record<string, unknown>> {
        let outputs: Record<string, unknown> = {};
        await pulumi.runtime.runInPulumiStack(async () => {
            const result = await program();
            outputs = (result ?? {}) as Record<string, unknown>;
            return result as any;
        });
        await this.settle();
        // Stack outputs resolved to plain values, as `pulumi stack output --json` shows them.
        return (await (pulumi.output(outputs) as unknown as { promise(): Promise<Record<string, unknown>> }).promise()) ?? {};
    }

    private listen(monitor: any): void {
        const original = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) =>
            original(req, (err: any, resp: any) => {
                if (!err) {
                    this.registrations.push(toRegistration(req, resp));
                }
                callback(err, resp);
            });
    }
}

function toRegistration(req: any, resp: any): Registration {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
        propertyDependencies[key] = deps.getUrnsList();
    });
    const dependencies = new Set<string>(req.getDependenciesList());
    Object.values(propertyDependencies).forEach((urns) => urns.forEach((u) => dependencies.add(u)));
    return {
        urn: resp.getUrn(),
        id: resp.getId() || null,
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        parent: req.getParent() || null,
        dependencies: [...dependencies],
        propertyDependencies,
        inputs: rpc.deserializeProperties(req.getObject()),
        provider: req.getProvider() || null,
        protect: req.getProtect() ?? false,
        ignoreChanges: req.getIgnorechangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    };
}
