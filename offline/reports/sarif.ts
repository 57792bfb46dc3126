/**
 * The plan's policy verdicts as SARIF 2.1.0 (OASIS), for GitHub code scanning: a run per policy pack
 * (its name the tool's), one rule per policy of the pack with its help text, security severity and help link; one result per violation with the
 * resource's URN as its logical location and, as its physical one, the stack-file entry it is about
 * (stackFileLocations.ts), at a path relative to the repository that holds the stack file. A waived
 * violation carries a suppression with the waiver's reason; code scanning shows it as dismissed.
 * The run carries no automationDetails: the upload's `category` names the stack's analysis.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Diagnostic, EnforcementLevel, PolicyInfo } from "../policy/analyzer";
import { POLICY_HELP } from "../../policies/rules/help";
import { findingLine, subjectOf, yamlEntries } from "./stackFileLocations";
import { verdictText } from "./report";

/** One pack's verdicts: a SARIF run of its own, its name the tool's. */
export interface SarifPack {
    name: string;
    version: string;
    policies: PolicyInfo[];
    /** Effective levels after the policy config. */
    levels: Record<string, EnforcementLevel>;
    violations: Diagnostic[];
}

export interface SarifInput {
    packs: SarifPack[];
    /** The resources, to tell which service or component a violation's resource belongs to. */
    resources: { urn: string; type: string; name: string; parent: string | null }[];
    /** The stack file: where it is relative to its repository (forward slashes), and its text. */
    stackFile: { uri: string; inRepository: boolean; text: string };
    /** The config namespace the stack file's keys use (the project's name). */
    namespace: string;
    /** Where this project's rules are documented (the README's policy section). */
    helpUri: string;
}

const LEVEL: Record<EnforcementLevel, "error" | "warning" | "note" | "none"> = {
    mandatory: "error",
    remediate: "error",
    advisory: "warning",
    disabled: "none",
};

/**
 * The stack file's path relative to the repository it is in (the nearest directory above it with a
 * `.git`), so a stack file planned from outside this repository never gives `../` URIs or local
 * paths; outside any repository, its bare name.
 */
export function repositoryPath(file: string): { uri: string; inRepository: boolean } {
    const full = path.resolve(file);
    for (let dir = path.dirname(full); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, ".git"))) {
            return { uri: path.relative(dir, full).split(path.sep).join("/"), inRepository: true };
        }
        if (path.dirname(dir) === dir) return { uri: path.basename(full), inRepository: false };
    }
}

/**
 * Where the rules' help lives: the README's policy section of this commit on GitHub when the plan runs
 * in GitHub Actions (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA), else the local README.
 */
export function helpUriBase(root: string, env: NodeJS.ProcessEnv = process.env): string {
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
    const readme =
        server && repo && sha
            ? `${server}/${repo}/blob/${sha}/README.md`
            : `file://${path.resolve(root, "README.md").split(path.sep).join("/")}`;
    return `${readme}#the-policy-pack`;
}

export function toSarif(input: SarifInput): object {
    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: input.packs.map((pack) => sarifRun(input, pack)),
    };
}

function sarifRun(input: SarifInput, pack: SarifPack): object {
    const rules = pack.policies.map((p) => {
        const help = POLICY_HELP[p.name];
        const text = help ? `${help.summary}\n\nHow to fix: ${help.fix}` : p.description;
        return {
            id: p.name,
            name: p.name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
            shortDescription: { text: p.description },
            fullDescription: { text: help?.summary ?? p.description },
            help: {
                text,
                markdown: help ? `${help.summary}\n\n**How to fix:** ${help.fix}` : p.description,
            },
            // Only this project's policies are documented in its README; another pack's rules carry their own help.
            ...(help && { helpUri: input.helpUri }),
            defaultConfiguration: { level: LEVEL[pack.levels[p.name] ?? p.enforcementLevel] },
            properties: {
                tags: ["security", "pulumi", "crossguard"],
                precision: "high",
                ...(help && { "security-severity": help.securitySeverity.toFixed(1) }),
            },
        };
    });
    const entries = yamlEntries(input.stackFile.text);
    const results = pack.violations.map((v) => {
        const finding = verdictText(v);
        const waived = /^Waived until (\d{4}-\d{2}-\d{2}): (.*)$/.exec(
            finding[finding.length - 1] ?? "",
        );
        const ruleIndex = pack.policies.findIndex((p) => p.name === v.policy);
        const line = findingLine(entries, input.namespace, subjectOf(v.urn, input.resources));
        return {
            ruleId: v.policy,
            ...(ruleIndex >= 0 && { ruleIndex }),
            level: LEVEL[v.enforcementLevel],
            message: { text: finding.join("\n") },
            locations: [
                {
                    physicalLocation: {
                        artifactLocation: {
                            uri: input.stackFile.uri,
                            ...(input.stackFile.inRepository && { uriBaseId: "%SRCROOT%" }),
                        },
                        region: { startLine: line },
                    },
                    logicalLocations: [
                        {
                            fullyQualifiedName: v.urn,
                            name: v.urn.split("::").pop(),
                            kind: "resource",
                        },
                    ],
                },
            ],
            // One alert per policy, resource and finding (two findings of one rule on one resource stay
            // two alerts), wherever the entry moves in the file.
            partialFingerprints: {
                "pulumiUrnPolicy/v2": createHash("sha256")
                    .update(`${v.policy}\n${v.urn}\n${finding[0] ?? ""}`)
                    .digest("hex"),
            },
            properties: { enforcementLevel: v.enforcementLevel, urn: v.urn },
            ...(waived && {
                suppressions: [
                    {
                        kind: "external",
                        status: "accepted",
                        justification: `${waived[2]} (waived until ${waived[1]})`,
                    },
                ],
            }),
        };
    });
    return {
        tool: {
            driver: {
                name: pack.name,
                version: pack.version,
                informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
                rules,
            },
        },
        ...(input.stackFile.inRepository && {
            originalUriBaseIds: {
                "%SRCROOT%": {
                    description: { text: "The root of the repository that holds the stack file." },
                },
            },
        }),
        invocations: [{ executionSuccessful: true }],
        results,
    };
}
