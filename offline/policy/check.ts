/**
 * Sends a program's resources through a policy pack as `pulumi preview|up --policy-pack` does:
 * Configure, ConfigureStack, then Remediate (where a policy remediates) and Analyze on every
 * resource's checked inputs with its provider (components and the root Stack too: the engine
 * analyzes each resource it steps, pulumi/pulumi pkg/resource/deploy/step_generator.go
 * `generateSteps`, "Send the resource off to any Analyzers before being operated on", with no test
 * of `goal.Custom`), and AnalyzeStack over every resource's outputs at the end.
 */
import {
    AnalyzedResource,
    Diagnostic,
    EnforcementLevel,
    PackConfig,
    PolicyPackClient,
} from "./analyzer";
import { EngineResource } from "../engine/view";
import { Mode } from "../engine/runtime";

export interface Remediation {
    policy: string;
    urn: string;
    /** The inputs after the remediating policies ran. */
    props: Record<string, unknown>;
    /** Where those inputs hold a secret. */
    secrets: string[];
}

export interface PolicyCheck {
    levels: Record<string, EnforcementLevel>;
    violations: Diagnostic[];
    remediations: Remediation[];
}

/** A resource as a request carries it: its inputs (Analyze) or its outputs (AnalyzeStack), with its options. */
export function analyzed(
    r: EngineResource,
    props: Record<string, unknown>,
    secrets: string[],
): AnalyzedResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        props,
        secrets,
        provider: r.provider,
        aliases: r.options.aliases,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        protect: r.options.protect,
        ignoreChanges: r.options.ignoreChanges,
        deleteBeforeReplace: r.options.deleteBeforeReplace,
        additionalSecretOutputs: r.options.additionalSecretOutputs,
    };
}

export interface CheckOptions {
    project: string;
    stack: string;
    mode: Mode;
    stackTags?: Record<string, string>;
    config?: PackConfig;
}

/** What one resource's Remediate and Analyze calls returned. */
interface ResourceResult {
    props: Record<string, unknown>;
    secrets: string[];
    remediated: Remediation[];
    violations: Diagnostic[];
}

/**
 * One pack's check of one run, driven as the engine drives it: Configure and ConfigureStack before
 * the program runs, Remediate and Analyze on each resource as the engine steps it (while the program
 * is still registering the next ones, so the pack works on the second core while the program runs
 * on the first), AnalyzeStack once the program has finished.
 */
export class PolicyRun {
    /** The sends waiting for a place in flight. */
    private queue: (() => void)[] = [];
    private next = 0;
    private readonly results = new Map<EngineResource, Promise<ResourceResult>>();
    private inFlight = 0;
    private abandoned = false;

    private constructor(
        private readonly client: PolicyPackClient,
        readonly levels: Record<string, EnforcementLevel>,
    ) {}

    static async begin(client: PolicyPackClient, opts: CheckOptions): Promise<PolicyRun> {
        const levels = await client.configure(opts.config ?? {});
        await client.configureStack({
            project: opts.project,
            stack: opts.stack,
            tags: opts.stackTags,
            dryRun: opts.mode === "preview",
        });
        return new PolicyRun(client, levels);
    }

    /** Sends a stepped resource to Remediate (where a policy remediates) and Analyze. */
    analyze(r: EngineResource): void {
        if (this.results.has(r) || this.abandoned) return;
        const result = new Promise<ResourceResult>((resolve) =>
            this.queue.push(() => resolve(this.analyzeNow(r))),
        );
        // Awaited in `finish`; until then a failure must not count as unhandled.
        result.catch(() => undefined);
        this.results.set(r, result);
        this.pump();
    }

    /** Stops sending what is queued: the program failed, and nothing will read the verdicts. */
    abandon(): void {
        this.abandoned = true;
        this.queue = [];
        this.next = 0;
    }

    /**
     * Every resource's verdicts, in the order of `resources` (the registration order; any resource not
     * sent yet is sent now), then AnalyzeStack over every resource's outputs.
     */
    async finish(resources: readonly EngineResource[]): Promise<PolicyCheck> {
        for (const r of resources) this.analyze(r);
        const results = await Promise.all(resources.map((r) => this.results.get(r)!));
        const violations = results.flatMap((r) => r.violations);
        // AnalyzeStack sees every resource's final outputs; a remediated input is what the resource gets.
        const stackUrn = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        const stackDiagnostics = await this.client.analyzeStack(
            resources.map((r, i) => {
                const fixed = results[i].remediated.length > 0 ? results[i] : undefined;
                return analyzed(r, { ...r.outputs, ...(fixed?.props ?? {}) }, [
                    ...new Set([...r.outputSecrets, ...(fixed?.secrets ?? [])]),
                ]);
            }),
        );
        // A stack policy's diagnostic without a URN is reported against the root stack, as the engine does.
        violations.push(...stackDiagnostics.map((d) => ({ ...d, urn: d.urn || stackUrn })));
        return {
            levels: this.levels,
            violations,
            remediations: results.flatMap((r) => r.remediated),
        };
    }

    private pump(): void {
        while (this.inFlight < IN_FLIGHT && this.next < this.queue.length) {
            this.inFlight++;
            this.queue[this.next++]();
        }
    }

    private async analyzeNow(r: EngineResource): Promise<ResourceResult> {
        try {
            let props = r.inputs;
            let secrets = r.secrets;
            const remediated: Remediation[] = [];
            const notRun: Diagnostic[] = [];
            if (Object.values(this.levels).includes("remediate")) {
                const result = await this.client.remediate(analyzed(r, props, secrets));
                props = result.props;
                secrets = result.secrets;
                remediated.push(...result.remediated.map((x) => ({ ...x, props, secrets })));
                notRun.push(...result.diagnostics);
            }
            const violations = await this.client.analyze(analyzed(r, props, secrets));
            return { props, secrets, remediated, violations: [...notRun, ...violations] };
        } finally {
            this.inFlight--;
            this.pump();
        }
    }
}

/** The whole check of resources already stepped: the run begun, every resource sent, finished. */
export async function checkPolicies(
    client: PolicyPackClient,
    resources: EngineResource[],
    opts: CheckOptions,
): Promise<PolicyCheck> {
    const run = await PolicyRun.begin(client, opts);
    return run.finish(resources);
}

/** How many Analyze calls are in flight at once (the engine's steps run in parallel too). */
export const IN_FLIGHT = 8;
