/**
 * The steps of an update, as the engine decides them (pulumi/pulumi pkg/resource/deploy/
 * step_generator.go): a registered resource is matched to the old state by its URN, else by one of
 * its aliases; no match is a `create`; a match whose inputs are unchanged is `same`; a change is an
 * `update`, or a `replace` when a changed or unknown input is one the provider replaces on
 * (replacement.ts). Old resources no registration matched are deleted at the end of the update.
 * A replacement creates the new resource first, unless `deleteBeforeReplace` is set.
 */
import { UNKNOWN_SENTINEL } from "../../policies/model/values";
import { autoNamedProperty } from "./view";
import { forcesReplacement } from "./replacement";
import { StackState, StateResource } from "./state";
import { SECRET_SIG, SIG_KEY } from "./wire";

export type StepOp = "same" | "create" | "update" | "replace" | "delete";

export interface Step {
    urn: string;
    type: string;
    op: StepOp;
    /** The old URN an alias matched, when it is not the new one. */
    from?: string;
    /** Input paths whose value changes (or is unknown until an earlier step runs). */
    changed?: string[];
    /** The changed paths the provider replaces on. */
    replaceBecause?: string[];
    /** A replacement that deletes the old resource before it creates the new one. */
    deleteBeforeReplace?: boolean;
}

/** What the provider records in a state's inputs about its own defaults: not a value to diff. */
const PROVIDER_KEYS = new Set(["__defaults"]);

const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
/** A secret as `pulumi stack export` writes it without --show-secrets: its ciphertext, which the plan cannot compare. */
const isCiphertext = (v: unknown) => isObject(v) && "ciphertext" in v && v[SIG_KEY] === SECRET_SIG;

/** The property paths whose value differs between old and new inputs; an unknown new value counts as a change. */
export function changedPaths(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    ignore: string[] = [],
): string[] {
    const defaults = new Set(Array.isArray(olds.__defaults) ? (olds.__defaults as string[]) : []);
    const keys = new Set([
        ...Object.keys(news),
        ...Object.keys(olds).filter((k) => !defaults.has(k)),
    ]);
    const out: string[] = [];
    const walk = (a: unknown, b: unknown, at: string) => {
        if (ignore.some((i) => at === i || at.startsWith(`${i}.`) || at.startsWith(`${i}[`)))
            return;
        if (b === UNKNOWN_SENTINEL) return void out.push(at);
        if (isCiphertext(a)) return;
        if (isObject(a) && isObject(b)) {
            for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
                if (!PROVIDER_KEYS.has(k)) walk(a[k], b[k], `${at}.${k}`);
            return;
        }
        if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
            a.forEach((x, i) => walk(x, b[i], `${at}[${i}]`));
            return;
        }
        // Absent and empty are one value to the provider (an unset list or map is empty).
        const empty = (v: unknown) =>
            v === undefined ||
            v === null ||
            (Array.isArray(v) && v.length === 0) ||
            (isObject(v) && Object.keys(v).length === 0);
        if (empty(a) && empty(b)) return;
        if (JSON.stringify(a) !== JSON.stringify(b)) out.push(at);
    };
    for (const k of keys) if (!PROVIDER_KEYS.has(k)) walk(olds[k], news[k], k);
    return out;
}

/** What a registration needs to be matched and diffed. */
export interface NewResource {
    urn: string;
    type: string;
    custom: boolean;
    inputs: Record<string, unknown>;
    /** URNs its aliases name. */
    aliasUrns: string[];
    ignoreChanges: string[];
    deleteBeforeReplace: boolean;
}

/** The old resources by URN, and a decision per new resource as it registers. */
export class Differ {
    private readonly olds: Map<string, StateResource>;
    private readonly claimed = new Set<string>();
    private readonly decided = new Map<
        string,
        { old: StateResource; ignore: string[]; index: number }
    >();
    readonly steps: Step[] = [];

    constructor(readonly state: StackState) {
        this.olds = new Map(state.resources.filter((r) => !r.pendingDelete).map((r) => [r.urn, r]));
    }

    /** The old resource a new one is: by URN, else by the first alias that names an unclaimed one. */
    match(r: Pick<NewResource, "urn" | "aliasUrns">): StateResource | undefined {
        const direct = this.olds.get(r.urn);
        if (direct && !this.claimed.has(direct.urn)) return direct;
        return r.aliasUrns
            .map((u) => this.olds.get(u))
            .find((o) => o !== undefined && !this.claimed.has(o.urn));
    }

    /** Decides the step of a registration, and records it. */
    decide(r: NewResource): { step: Step; old?: StateResource } {
        const old = this.match(r);
        let step: Step;
        if (old === undefined) {
            step = { urn: r.urn, type: r.type, op: "create" };
        } else {
            this.claimed.add(old.urn);
            const from = old.urn !== r.urn ? { from: old.urn } : {};
            // A name Pulumi generated at Check is in the old inputs only: the plan's Check leaves it unset.
            const autoNamed = autoNamedProperty(r.type);
            const ignore = [
                ...r.ignoreChanges,
                ...(autoNamed && r.inputs[autoNamed] === undefined ? [autoNamed] : []),
            ];
            const changed = r.custom
                ? changedPaths(old.inputs, r.inputs, [...ignore, "tagsAll"])
                : [];
            this.decided.set(r.urn, { old, ignore, index: this.steps.length });
            const replaceBecause = changed.filter((p) => forcesReplacement(r.type, p));
            if (changed.length === 0) step = { urn: r.urn, type: r.type, op: "same", ...from };
            else if (replaceBecause.length > 0)
                step = {
                    urn: r.urn,
                    type: r.type,
                    op: "replace",
                    ...from,
                    changed,
                    replaceBecause,
                    deleteBeforeReplace: r.deleteBeforeReplace,
                };
            else step = { urn: r.urn, type: r.type, op: "update", ...from, changed };
        }
        this.steps.push(step);
        return { step, old };
    }

    /**
     * Diffs a same or update step again on the inputs after the provider's Check (`tagsAll` merges
     * the provider's default tags: a new default tag updates every tagged resource). Replacements
     * were decided on the program's inputs already: nothing Check adds forces one.
     */
    recheck(urn: string, checkedInputs: Record<string, unknown>): void {
        const decided = this.decided.get(urn);
        const step = decided && this.steps[decided.index];
        if (!step || !decided || (step.op !== "same" && step.op !== "update")) return;
        const index = decided.index;
        const changed = changedPaths(decided.old.inputs, checkedInputs, decided.ignore);
        const { changed: _, ...rest } = step;
        this.steps[index] =
            changed.length === 0 ? { ...rest, op: "same" } : { ...rest, op: "update", changed };
    }

    /** Every step: the registrations' in order, then a delete for each old resource nothing matched (children before parents). */
    finish(): Step[] {
        const deletes = [...this.olds.values()]
            .filter((o) => !this.claimed.has(o.urn))
            .reverse()
            .map((o): Step => ({ urn: o.urn, type: o.type, op: "delete" }));
        return [...this.steps, ...deletes];
    }
}
