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
    const violations: Diagnostic[] = [];
    const remediations: { policy: string; urn: string }[] = [];
    const analyzed: AnalyzedResource[] = [];
    // The engine analyzes custom resources; components and the root stack carry no cloud state.
    for (const r of registrations.filter((x) => x.custom)) {
        let resource = toAnalyzed(r);
        if (remediates) {
            const result = await client.remediate(resource);
            remediations.push(...result.remediated);
            resource = { ...resource, props: result.props };
        }
        violations.push(...(await client.analyze(resource)));
        analyzed.push(resource);
    }
    violations.push(...(await client.analyzeStack(analyzed)));
    return { levels, violations, remediations };
}
