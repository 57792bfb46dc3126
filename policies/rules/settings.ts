/** The pack's settings: JSON schemas for `configSchema`, and the same defaults applied in code. */
import { PolicyConfigSchema } from "@pulumi/policy";

export interface SshSettings {
    sshPorts: number[];
    exemptCidrs: string[];
}

export interface SensitivitySettings {
    classificationTagKey: string;
    sensitiveValues: string[];
    allTasksSensitive: boolean;
}

export const SSH_DEFAULTS: SshSettings = { sshPorts: [22], exemptCidrs: [] };
export const SENSITIVITY_DEFAULTS: SensitivitySettings = {
    classificationTagKey: "data-classification",
    sensitiveValues: ["confidential", "restricted", "sensitive"],
    allTasksSensitive: false,
};

export const SSH_SCHEMA: PolicyConfigSchema = {
    properties: {
        sshPorts: {
            type: "array",
            items: { type: "integer", minimum: 0, maximum: 65535 },
            default: SSH_DEFAULTS.sshPorts,
            description: "TCP ports that count as SSH.",
        },
        exemptCidrs: {
            type: "array",
            items: { type: "string" },
            default: SSH_DEFAULTS.exemptCidrs,
            description: "CIDRs exempted on purpose (compared as parsed blocks).",
        },
    },
};

export const SENSITIVITY_SCHEMA: PolicyConfigSchema = {
    properties: {
        classificationTagKey: {
            type: "string",
            default: SENSITIVITY_DEFAULTS.classificationTagKey,
            description: "The tag key that classifies data.",
        },
        sensitiveValues: {
            type: "array",
            items: { type: "string" },
            default: SENSITIVITY_DEFAULTS.sensitiveValues,
            description: "Tag values (any case) that mark a workload sensitive.",
        },
        allTasksSensitive: {
            type: "boolean",
            default: SENSITIVITY_DEFAULTS.allTasksSensitive,
            description: "Treat every ECS task as sensitive.",
        },
    },
};

/** The engine fills in schema defaults; a direct caller (or an empty config) may not. */
export function withDefaults<T extends object>(defaults: T, config: Partial<T> | undefined): T {
    const out = { ...defaults };
    for (const [k, v] of Object.entries(config ?? {})) {
        if (v !== undefined && k in defaults) {
            (out as Record<string, unknown>)[k] = v;
        }
    }
    return out;
}
