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

/** The components that refuse bad arguments, by the name their type token ends with. */
export type ComponentKind =
    | "PublicSubnetNetwork"
    | "PrivateSubnetNetwork"
    | "ServiceConnectCluster"
    | "Ec2Capacity"
    | "PublicLoadBalancer"
    | "EcsService";

/** How a refusal names a component: its kind and its name, `EcsService "api"`. */
export function componentLabel(kind: ComponentKind, name: string): string {
    return `${kind} "${name}"`;
}

export class PlanError extends Error {
    /** Each problem on its own, in the order the planner found them. */
    readonly problems: readonly string[];
    /** What is wrong and how to fix it, starting with the argument's path; several problems one per line. */
    readonly problem: string;

    constructor(
        /** The component and its name, such as `EcsService "api"`. */
        readonly component: string,
        /** What is wrong and how to fix it, starting with the argument's path: one problem, or several. */
        problem: string | readonly string[],
    ) {
        const problems = typeof problem === "string" ? [problem] : problem;
        const text = problems.length === 1 ? problems[0] : PlanError.list(problems);
        super(`${component}: ${text}`);
        this.name = "PlanError";
        this.problems = problems;
        this.problem = text;
        Object.defineProperty(this, BRAND, { value: true });
    }

    /** Several problems, one per line under a count, so each reads on its own. */
    static list(problems: readonly string[]): string {
        return `${problems.length} problems, fix each:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
    }

    /**
     * Throws one refusal with every problem, when there are any: a planner checks every argument
     * first, so a caller fixes them in one pass (as awsx validates a VPC's subnet specs).
     */
    static throwIfAny(component: string, problems: string[]): void {
        if (problems.length > 0) throw new PlanError(component, problems);
    }

    /** Whether `e` is a planner's refusal (of any component). */
    static isPlanError(e: unknown): e is PlanError {
        return (
            typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true
        );
    }
}

/** Refuses: throws the problem to the check that runs it. */
export type Fail = (text: string) => never;

/** One check's refusal, on its way from `fail` to the `Problems` that runs the check. */
class Refusal {
    constructor(readonly text: string) {}
}

/**
 * A planner's problems, collected so a caller fixes them in one pass. `check` runs one check and
 * records its first refusal, and the planner goes on with the next; `throwIfAny` throws them all in
 * one error. A planner calls `throwIfAny` between stages: checks that read what an earlier stage
 * resolved (a port mapping an endpoint names, the launch type) run only once that stage passed, so
 * no problem reported is a consequence of another.
 */
export class Problems {
    private readonly found: string[] = [];

    constructor(
        private readonly component: string,
        private readonly refusal: (component: string, problems: string[]) => PlanError = (c, p) =>
            new PlanError(c, p),
    ) {}

    /**
     * Runs one check; returns its result, or undefined when it refused (the refusal is recorded). A
     * check refuses through `fail`, or by throwing a `PlanError` of this component.
     */
    check<T>(run: (fail: Fail) => T): T | undefined {
        try {
            return run((text) => {
                throw new Refusal(text);
            });
        } catch (e) {
            if (e instanceof Refusal) {
                this.found.push(e.text);
                return undefined;
            }
            // A helper that throws its own refusal for this component is a check too.
            if (PlanError.isPlanError(e) && e.component === this.component) {
                this.found.push(...e.problems);
                return undefined;
            }
            throw e;
        }
    }

    /** Whether any check has refused so far. */
    get any(): boolean {
        return this.found.length > 0;
    }

    /** Throws every problem found so far in one error, when there is one. */
    throwIfAny(): void {
        if (this.found.length > 0) throw this.refusal(this.component, [...this.found]);
    }
}
