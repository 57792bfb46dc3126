/**
 * Whether a task runner is sensitive, by precedence, the way AWS stores tags: the first source that
 * carries the classification key decides, so a resource's own non-sensitive tag overrides a sensitive
 * default.
 *   1. the runner's own `tags`;
 *   2. for a task set, its service's own `tags` (a task set inherits its service's classification);
 *   3. its task definition's own `tags`, when they classify the workload sensitive (a task
 *      definition's tag adds sensitivity, it never lifts a default);
 *   4. `tagsAll` (the provider's default tags merged under the resource's own);
 *   5. the provider's default tags (a JSON string from an explicit provider, or `aws:defaultTags`);
 *   6. the stack's tags;
 *   7. the pack's config (`allTasksSensitive`).
 * Values compare trimmed and in any case; the key compares exactly, as AWS tag keys do.
 */
import { label, ModelResource, providerDefaultTags, tagMap } from "../model/resources";
import { at, isUnknown, Unknown } from "../model/values";
import { TaskRunnerModel } from "../model/workloads";
import { SensitivitySettings } from "./settings";

export type Level =
    "own" | "service" | "taskDefinition" | "tagsAll" | "provider" | "stack" | "config" | "none";

export interface Sensitivity {
    readonly sensitive: boolean | Unknown;
    /** Why, for messages: `tag data-classification=confidential`. */
    readonly reason: string;
    readonly level: Level;
}

type Tags = Map<string, unknown> | Unknown | undefined;

function classify(
    tags: Tags,
    settings: SensitivitySettings,
): { sensitive: boolean | Unknown; tag: string } | undefined {
    if (isUnknown(tags)) {
        return { sensitive: tags, tag: tags.what };
    }
    const value = tags?.get(settings.classificationTagKey);
    if (value === undefined || value === null) {
        return undefined;
    }
    if (isUnknown(value)) {
        return { sensitive: value, tag: value.what };
    }
    const normalised = String(value).trim().toLowerCase();
    return {
        sensitive: settings.sensitiveValues.some((v) => v.trim().toLowerCase() === normalised),
        tag: `${settings.classificationTagKey}=${value}`,
    };
}

const ownTags = (r: ModelResource): Tags => tagMap(at(r.props, "tags", label(r)));

/**
 * The runner's sensitivity. `scope` "resource" leaves out what only other resources tell (a task
 * set's service, the task definition): what a resource policy can judge from the runner alone.
 */
export function sensitivityOf(
    runner: TaskRunnerModel,
    stackTags: ReadonlyMap<string, string>,
    settings: SensitivitySettings,
    scope: "stack" | "resource" = "stack",
): Sensitivity {
    const r = runner.resource;
    const decide = (
        level: Level,
        tags: Tags,
        reason: (tag: string) => string,
    ): Sensitivity | undefined => {
        const c = classify(tags, settings);
        return (
            c && {
                sensitive: c.sensitive,
                reason: isUnknown(c.sensitive) ? c.sensitive.what : reason(c.tag),
                level,
            }
        );
    };
    const own = decide("own", ownTags(r), (t) => `tag ${t}`);
    if (own) {
        return own;
    }
    if (scope === "stack") {
        const service =
            runner.service &&
            decide(
                "service",
                ownTags(runner.service),
                (t) => `its service "${runner.service!.name}" carries tag ${t}`,
            );
        const found = service ?? byTaskDefinition(runner, settings);
        if (found) {
            return found;
        }
    }
    const tagsAll = tagMap(at(r.props, "tagsAll", label(r)));
    // tagsAll unknown in a preview: the provider's default tags, read next, are what it will hold.
    const fromDefaults =
        (isUnknown(tagsAll)
            ? undefined
            : decide("tagsAll", tagsAll, (t) => `default tag ${t} in its tagsAll`)) ??
        decide("provider", providerDefaultTags(r.provider), (t) => `provider default tag ${t}`) ??
        decide("stack", new Map(stackTags), (t) => `stack tag ${t}`);
    if (fromDefaults) {
        return fromDefaults;
    }
    if (settings.allTasksSensitive) {
        return {
            sensitive: true,
            reason: "the policy pack's config marks every task sensitive (allTasksSensitive)",
            level: "config",
        };
    }
    return { sensitive: false, reason: "no classification tag", level: "none" };
}

function byTaskDefinition(
    runner: TaskRunnerModel,
    settings: SensitivitySettings,
): Sensitivity | undefined {
    const td = runner.taskDefinition;
    if (!td) {
        return undefined;
    }
    const c = classify(ownTags(td), settings);
    if (c === undefined || c.sensitive === false) {
        return undefined;
    }
    return {
        sensitive: c.sensitive,
        reason: isUnknown(c.sensitive)
            ? c.sensitive.what
            : `its task definition "${td.name}" carries ${c.tag}`,
        level: "taskDefinition",
    };
}
