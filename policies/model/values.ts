/**
 * Reading a resource's properties the way a preview delivers them. An unknown value reaches a pack
 * either behind `@pulumi/policy`'s proxy (reading it throws `UnknownValueError`) or, in the plan's own
 * reports, as the engine's unknown sentinel string. Every read here turns both into an `Unknown` that
 * names the value, so one unknown never aborts a rule: a verdict that needs it says which value it
 * waited for, and every other verdict is still decided.
 */
import { UnknownValueError } from "@pulumi/policy";

/** The engine's unknown sentinel (pulumi/pulumi sdk/go/common/resource/plugin/rpc.go, UnknownStringValue). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A value that is not known yet (a preview of a resource that does not exist), with what it is. */
export class Unknown {
    constructor(readonly what: string) {}
}

export const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;

/** `read()`'s value, or an `Unknown` named `what` when the value, or anything on the way to it, is unknown. */
export function known<T>(what: string, read: () => T): T | Unknown {
    try {
        const value = read();
        return value === (UNKNOWN_SENTINEL as unknown) ? new Unknown(what) : value;
    } catch (e) {
        if (e instanceof UnknownValueError) {
            return new Unknown(what);
        }
        throw e;
    }
}

/** The value at `path` of `props` (`a.b[0].c`), undefined when absent, Unknown when unknown. */
export function at(props: unknown, path: string, label: string): unknown {
    const steps = path.split(/\.|\[|\]/).filter((s) => s !== "");
    return known(`${label} ${path}`, () => {
        let value: any = props;
        for (const step of steps) {
            if (value === undefined || value === null) {
                return undefined;
            }
            if (value === UNKNOWN_SENTINEL) {
                return value;
            }
            value = value[step];
        }
        return value;
    });
}

/** A list property as its items, each known or Unknown; the whole list Unknown when the list is. */
export function listAt(props: unknown, path: string, label: string): unknown[] | Unknown {
    const list = at(props, path, label);
    if (isUnknown(list)) {
        return list;
    }
    if (list === undefined || list === null) {
        return [];
    }
    if (!Array.isArray(list)) {
        return [list];
    }
    const out: unknown[] = [];
    for (let i = 0; i < list.length; i++) {
        out.push(known(`${label} ${path}[${i}]`, () => list[i]));
    }
    return out;
}

/** true/false for the ways tools write a boolean (true, "true", "ENABLED"), undefined when unset. */
export function flag(value: unknown): boolean | Unknown | undefined {
    if (isUnknown(value)) {
        return value;
    }
    if (value === undefined || value === null || value === "") {
        return undefined;
    }
    if (typeof value === "boolean") {
        return value;
    }
    return ["true", "enabled", "1", "yes"].includes(String(value).trim().toLowerCase());
}
