/**
 * The error every pure planner throws: which component refused (`EcsService "api"`) and the problem,
 * which starts with the argument at fault (`containers[0].image "..." ...`) and ends with the fix.
 * Kept apart so that a caller who knows where the argument came from (a stack file) can say so in
 * its own words: see `stack/plan.ts`.
 *
 * Recognise one with `PlanError.isPlanError(e)`, never by class name: a brand survives subclasses
 * and a second copy of this module (as CDK's `Errors.isValidationError` does).
 */
const BRAND = Symbol.for("ecsnet.PlanError");

export class PlanError extends Error {
    constructor(
        /** The component and its name, such as `EcsService "api"`. */
        readonly component: string,
        /** What is wrong and how to fix it, starting with the argument's path. */
        readonly problem: string,
    ) {
        super(`${component}: ${problem}`);
        this.name = "PlanError";
        Object.defineProperty(this, BRAND, { value: true });
    }

    /**
     * Throws one refusal with every problem, when there are any: a planner checks every argument
     * first, so a caller fixes them in one pass (as awsx validates a VPC's subnet specs).
     */
    static throwIfAny(component: string, problems: string[]): void {
        if (problems.length > 0)
            throw new PlanError(
                component,
                `${problems.map((p) => p.replace(/\.$/, "")).join("; ")}.`,
            );
    }

    /** Whether `e` is a planner's refusal (of any component). */
    static isPlanError(e: unknown): e is PlanError {
        return (
            typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true
        );
    }
}
