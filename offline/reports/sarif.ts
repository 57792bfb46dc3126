/**
 * The plan's policy verdicts as SARIF 2.1.0 (OASIS), for GitHub code scanning: one rule per policy
 * of the pack with its help text, one result per violation with the resource's URN as its logical
 * location and the stack file as its physical one. A waived violation carries a suppression with the
 * waiver's reason; code scanning shows it as dismissed instead of open.
 */
import { createHash } from "crypto";
import type { Diagnostic, EnforcementLevel, PolicyInfo } from "../policy/analyzer";
import { POLICY_HELP } from "../../policies/rules/help";

export interface SarifInput {
    packName: string;
    packVersion: string;
    policies: PolicyInfo[];
    /** Effective levels after the policy config. */
    levels: Record<string, EnforcementLevel>;
    violations: Diagnostic[];
    stack: string;
    /** The stack file, relative to the repository root (forward slashes). */
    stackFile: string;
}

const LEVEL: Record<EnforcementLevel, "error" | "warning" | "note" | "none"> = { mandatory: "error", remediate: "error", advisory: "warning", disabled: "none" };

export function toSarif(input: SarifInput): object {
    const rules = input.policies.map((p) => {
        const help = POLICY_HELP[p.name];
        const text = help ? `${help.summary}\n\nHow to fix: ${help.fix}` : p.description;
        return {
            id: p.name,
            name: p.name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
            shortDescription: { text: p.description },
            fullDescription: { text: help?.summary ?? p.description },
            help: { text, markdown: help ? `${help.summary}\n\n**How to fix:** ${help.fix}` : p.description },
            defaultConfiguration: { level: LEVEL[input.levels[p.name] ?? p.enforcementLevel] },
            properties: { tags: ["security", "pulumi", "crossguard"] },
        };
    });
    const results = input.violations.map((v) => {
        // The SDK prefixes each message with the policy's description; the finding is the rest.
        const lines = v.message.split("\n");
        const finding = lines.length > 1 ? lines.slice(1) : lines;
        const waived = /^Waived until (\d{4}-\d{2}-\d{2}): (.*)$/.exec(finding[finding.length - 1] ?? "");
        const ruleIndex = input.policies.findIndex((p) => p.name === v.policy);
        return {
            ruleId: v.policy,
            ...(ruleIndex >= 0 && { ruleIndex }),
            level: LEVEL[v.enforcementLevel],
            message: { text: finding.join("\n") },
            locations: [
                {
                    physicalLocation: { artifactLocation: { uri: input.stackFile, uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } },
                    logicalLocations: [{ fullyQualifiedName: v.urn, name: v.urn.split("::").pop(), kind: "resource" }],
                },
            ],
            partialFingerprints: { "pulumiUrnPolicy/v1": createHash("sha256").update(`${v.policy}\n${v.urn}`).digest("hex") },
            properties: { enforcementLevel: v.enforcementLevel, urn: v.urn },
            ...(waived && { suppressions: [{ kind: "external", status: "accepted", justification: `${waived[2]} (waived until ${waived[1]})` }] }),
        };
    });
    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
            {
                tool: { driver: { name: input.packName, version: input.packVersion, informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/", rules } },
                automationDetails: { id: `pulumi-plan/${input.stack}/` },
                originalUriBaseIds: { "%SRCROOT%": { description: { text: "The repository root." } } },
                invocations: [{ executionSuccessful: true }],
                results,
            },
        ],
    };
}
