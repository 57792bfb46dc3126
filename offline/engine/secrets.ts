/**
 * Secrets as the engine carries them: a value the program marked secret (`pulumi.secret`, a secret
 * config value) stays marked in the state and in every request to a policy pack (pulumi/pulumi
 * pkg/resource/plugin/analyzer_plugin.go marshals Analyze, Remediate and AnalyzeStack properties with
 * `KeepSecrets: true`); the policy SDK unwraps them for a policy to read and wraps a remediated one
 * again. The offline plan reads values plainly, remembers where the secrets are (their property
 * paths), marks them again on the wire, and prints `[secret]` in its reports.
 */
import { SECRET_SIG, SIG_KEY } from "./wire";

const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);

/** Whether a wire value is a secret (`{ <sig>: <secret sig>, value }`). */
export function isSecretValue(value: unknown): value is { value: unknown } {
    return isObject(value) && value[SIG_KEY] === SECRET_SIG;
}

/** The property paths (`password`, `environment[0].value`) of the secrets in a wire value. */
export function secretPaths(value: unknown, at = ""): string[] {
    if (isSecretValue(value)) return [at];
    if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, `${at}[${i}]`));
    if (isObject(value))
        return Object.entries(value).flatMap(([k, v]) => secretPaths(v, at ? `${at}.${k}` : k));
    return [];
}

/** A copy of `props` with the value at each path replaced by `mark(value)`; absent paths are skipped. */
export function atPaths(
    props: Record<string, unknown>,
    paths: readonly string[],
    mark: (value: unknown) => unknown,
): Record<string, unknown> {
    if (paths.length === 0) return props;
    const copy = JSON.parse(JSON.stringify(props)) as Record<string, unknown>;
    for (const path of paths) {
        const steps = path.split(/\.|\[|\]/).filter((s) => s !== "");
        let holder: any = copy;
        for (const step of steps.slice(0, -1)) {
            holder = holder?.[step];
            if (holder === null || typeof holder !== "object") break;
        }
        const last = steps[steps.length - 1];
        if (holder !== null && typeof holder === "object" && last in holder)
            holder[last] = mark(holder[last]);
    }
    return copy;
}

/** The value marked secret on the wire. */
export function secretValue(value: unknown): Record<string, unknown> {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** How reports print a secret. */
export const SECRET_TEXT = "[secret]";
