/**
 * Following references between resources the way the engine records them: a property's
 * `propertyDependencies` list the resources that feed it, so a reference is known at preview even
 * while the ids are not. Shared by the report, the diagram and the routes.
 */
export interface Referencing {
    urn: string;
    type: string;
    propertyDependencies: Record<string, string[]>;
}

export interface ReferenceReader<R extends Referencing> {
    /** The resources (of `type`, when given) that feed `property` of `r`. */
    refs(r: Referencing, property: string, type?: string): R[];
    /** Whether `target` feeds `property` of `r`. */
    refersTo(r: Referencing, property: string, target: Referencing): boolean;
}

export function referenceReader<R extends Referencing>(resources: R[]): ReferenceReader<R> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    return {
        refs: (r, property, type) =>
            (r.propertyDependencies[property] ?? [])
                .map((u) => byUrn.get(u))
                .filter((x): x is R => x !== undefined && (type === undefined || x.type === type)),
        refersTo: (r, property, target) =>
            (r.propertyDependencies[property] ?? []).includes(target.urn),
    };
}
