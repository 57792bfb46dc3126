/**
 * Sends a program's registrations through a policy pack as `pulumi preview --policy-pack` does:
 * Configure, ConfigureStack, then Remediate (where a policy remediates) and Analyze for each
 * custom resource's inputs, and AnalyzeStack over all of them at the end.
 */
import { AnalyzedResource, Diagnostic, EnforcementLevel, PackConfig, PolicyPackClient } from "./analyzer";
import { Registration } from "./runtime";

export interface PolicyCheck {
    levels: Record<string, EnforcementLevel>;
    violations: Diagnostic[];
    remediations: { policy: string; urn: string }[];
}

export function toAnalyzed(r: Registration): AnalyzedResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        props: r.inputs,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        deleteBeforeReplace: r.deleteBeforeReplace,
        additionalSecretOutputs: r.additionalSecretOutputs,
    };
}

export async function checkPolicies(
    client: PolicyPackClient,
    registrations: Registration[],
    opts: { project: string; stack: string; stackTags?: Record<string, string>; config?: PackConfig },
): Promise<PolicyCheck> {
    const levels = await client.configure(opts.config ?? {});
    await client.configureStack({ project: opts.project, stack: opts.stack, tags: opts.stackTags });
    const remediates = Object.values(levels).includes("remediate");
    // The engine analyzes custom resources (components and the root stack carry no cloud state), as
    // its steps run, several at a time; results keep the registration order.
    const custom = registrations.filter((x) => x.custom);
    const results = await mapConcurrently(custom, IN_FLIGHT, async (r) => {
        let resource = toAnalyzed(r);
        let remediated: { policy: string; urn: string }[] = [];
        if (remediates) {
            const result = await client.remediate(resource);
            remediated = result.remediated;
            resource = { ...resource, props: result.props };
        }
        return { resource, remediated, violations: await client.analyze(resource) };
    });
    const violations = results.flatMap((r) => r.violations);
    violations.push(...(await client.analyzeStack(results.map((r) => r.resource))));
    return { levels, violations, remediations: results.flatMap((r) => r.remediated) };
}

/** How many Analyze calls are in flight at once (the engine's steps run in parallel too). */
export const IN_FLIGHT = 8;

async function mapConcurrently<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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
