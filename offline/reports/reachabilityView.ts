/**
 * The plan's resources as the policy model reads them (what `AnalyzeStack` gets: each resource's
 * outputs, its provider, and its property dependencies as resources), so the report and the pack run
 * the same analysis on the same shapes: where a preview's output is unknown as a whole, what
 * `Analyze` saw of it, as the pack reads it (`mergeAnalyzed`).
 */
import { mergeAnalyzed } from "../../policies/model/analyzed";
import type { ModelResource } from "../../policies/model/resources";
import type { EngineResource } from "../engine/view";

export function engineResourcesAsModel(resources: EngineResource[]): ModelResource[] {
    const byUrn = new Map<
        string,
        {
            urn: string;
            type: string;
            name: string;
            props: Record<string, any>;
            provider: EngineResource["provider"];
            propertyDependencies: Record<string, ModelResource[]>;
        }
    >();
    for (const r of resources) {
        byUrn.set(r.urn, {
            urn: r.urn,
            type: r.type,
            name: r.name,
            props: r.custom ? mergeAnalyzed(r.type, r.outputs, r.inputs) : r.outputs,
            provider: r.provider,
            propertyDependencies: {},
        });
    }
    for (const r of resources) {
        const m = byUrn.get(r.urn)!;
        for (const [k, urns] of Object.entries(r.propertyDependencies)) {
            m.propertyDependencies[k] = urns
                .map((u) => byUrn.get(u))
                .filter((x): x is NonNullable<typeof x> => x !== undefined);
        }
    }
    return [...byUrn.values()];
}
