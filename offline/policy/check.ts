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

export async function checkPolicies(
    client: PolicyPackClient,
    resources: EngineResource[],
    opts: {
        project: string;
        stack: string;
        mode: Mode;
        stackTags?: Record<string, string>;
        config?: PackConfig;
    },
): Promise<PolicyCheck> {
    const levels = await client.configure(opts.config ?? {});
    await client.configureStack({
        project: opts.project,
        stack: opts.stack,
        tags: opts.stackTags,
        dryRun: opts.mode === "preview",
    });
    const remediates = Object.values(levels).includes("remediate");
    // The engine analyzes every resource it steps, several at a time (its default providers too: they
    // reach the step generator as registrations, default_providers.go newRegisterDefaultProviderEvent);
    // results keep the registration order.
    const results = await mapConcurrently(resources, IN_FLIGHT, async (r) => {
        let props = r.inputs;
        let secrets = r.secrets;
        const remediated: Remediation[] = [];
        const notRun: Diagnostic[] = [];
        if (remediates) {
            const result = await client.remediate(analyzed(r, props, secrets));
            props = result.props;
            secrets = result.secrets;
            remediated.push(...result.remediated.map((x) => ({ ...x, props, secrets })));
            notRun.push(...result.diagnostics);
        }
        return {
            urn: r.urn,
            props,
            secrets,
            remediated,
            violations: [...notRun, ...(await client.analyze(analyzed(r, props, secrets)))],
        };
    });
    const violations = results.flatMap((r) => r.violations);
    // AnalyzeStack sees every resource's final outputs; a remediated input is what the resource gets.
    const remediatedProps = new Map(
        results.filter((r) => r.remediated.length > 0).map((r) => [r.urn, r]),
    );
    const stackUrn = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
    const stackDiagnostics = await client.analyzeStack(
        resources.map((r) => {
            const fixed = remediatedProps.get(r.urn);
            return analyzed(r, { ...r.outputs, ...(fixed?.props ?? {}) }, [
                ...new Set([...r.outputSecrets, ...(fixed?.secrets ?? [])]),
            ]);
        }),
    );
    // A stack policy's diagnostic without a URN is reported against the root stack, as the engine does.
    violations.push(...stackDiagnostics.map((d) => ({ ...d, urn: d.urn || stackUrn })));
    return { levels, violations, remediations: results.flatMap((r) => r.remediated) };
}

/** How many Analyze calls are in flight at once (the engine's steps run in parallel too). */
export const IN_FLIGHT = 8;

async function mapConcurrently<T, R>(
    items: T[],
    limit: number,
    fn: (item: T) => Promise<R>,
): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    });
    await Promise.all(workers);
    return out;
}
