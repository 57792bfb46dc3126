/**
 * Following references between resources the way the engine records them: a property's
 * `propertyDependencies` list the resources that feed it, so a reference is known at preview even
 * while the ids are not. Shared by the report, the diagram and the routes. What a resource is comes
 * from the policy model's one table (`TYPES`), so every provider family's token is read alike.
 */
import { isKind, Kind } from "../../policies/model/resources";

export interface Referencing {
    urn: string;
    type: string;
    propertyDependencies: Record<string, string[]>;
}

export interface ReferenceReader<R extends Referencing> {
    /** The resources (of `kind`, when given) that feed `property` of `r`. */
    refs(r: Referencing, property: string, kind?: Kind): R[];
    /** Whether `target` feeds `property` of `r`. */
    refersTo(r: Referencing, property: string, target: Referencing): boolean;
}

export function referenceReader<R extends Referencing>(resources: R[]): ReferenceReader<R> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    return {
        refs: (r, property, kind) =>
            (r.propertyDependencies[property] ?? [])
                .map((u) => byUrn.get(u))
                .filter((x): x is R => x !== undefined && (kind === undefined || isKind(x, kind))),
        refersTo: (r, property, target) =>
            (r.propertyDependencies[property] ?? []).includes(target.urn),
    };
}
