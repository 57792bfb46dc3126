import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { runPlan } from "../offline/command/planCommand";
import { SHARED_PACKS } from "./support/packs";
import { writeSshWaiver } from "./support/waivers";
import { helpUriBase } from "../offline/reports/sarif";
import { POLICIES } from "../policies/rules";

const ROOT = path.resolve(__dirname, "..");
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), "sarif-"));
// The OASIS SARIF 2.1.0 schema (final, rtm.5) as Microsoft's SARIF SDK ships it.
const SCHEMA = JSON.parse(
    fs.readFileSync(
        require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"),
        "utf8",
    ),
);

function validator() {
    // The schema's language pattern is not valid under the "u" flag, which the schema never asked for.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    return ajv.compile(SCHEMA);
}

async function sarifOf(...argv: string[]): Promise<{ code: number; sarif: any }> {
    const file = path.join(fs.mkdtempSync(path.join(DIR, "r-")), "out", "plan.sarif");
    const code = await runPlan(
        ROOT,
        [...argv, "--sarif", file],
        { out: () => undefined, err: () => undefined },
        { packs: SHARED_PACKS },
    );
    return { code, sarif: JSON.parse(fs.readFileSync(file, "utf8")) };
}

describe("the plan's SARIF output", function () {
    this.timeout(120_000);
    const validate = validator();
    const valid = (sarif: object) =>
        assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));

    it("the validator refuses what the schema refuses (so a pass means something)", () => {
        assert.strictEqual(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] }), false);
        assert.strictEqual(validate({ version: "2.0.0", runs: [] }), false);
        assert.strictEqual(
            validate({
                version: "2.1.0",
                runs: [
                    {
                        tool: { driver: { name: "x" } },
                        results: [{ message: { text: "m" }, level: "fatal" }],
                    },
                ],
            }),
            false,
        );
    });

    it("writes the insecure stack's verdicts as valid SARIF 2.1.0: rules with help, results with URN and stack file", async () => {
        const { code, sarif } = await sarifOf(
            "--stack",
            "insecure",
            "--stack-file",
            "tests/fixtures/Pulumi.insecure.yaml",
        );
        assert.strictEqual(code, 1);
        valid(sarif);
        const run = sarif.runs[0];
        assert.deepStrictEqual(
            run.tool.driver.rules.map((r: any) => [r.id, r.defaultConfiguration.level]),
            POLICIES.map((p) => [p.name, "error"]),
        );
        assert.ok(run.tool.driver.rules.every((r: any) => r.help.text.includes("How to fix: ")));
        assert.deepStrictEqual(
            run.results.map((r: any) => [
                r.ruleId,
                r.level,
                r.locations[0].physicalLocation.artifactLocation.uri,
                r.locations[0].logicalLocations[0].kind,
            ]),
            [["no-ssh-from-internet", "error", "tests/fixtures/Pulumi.insecure.yaml", "resource"]],
        );
        assert.match(
            run.results[0].locations[0].logicalLocations[0].fullyQualifiedName,
            /^urn:pulumi:insecure::ecsnet::.*aws:vpc\/securityGroupIngressRule:SecurityGroupIngressRule::bastion-in-tcp-22-from-internet$/,
        );
        assert.match(
            run.results[0].message.text,
            /^Security group rule admits tcp 22-22 \(including SSH port 22\) from 0\.0\.0\.0\/0, the whole internet\./,
        );
        // No automationDetails: the upload's category (one per stack in the workflow) names the analysis.
        assert.strictEqual(run.automationDetails, undefined);
        assert.ok(
            run.tool.driver.rules.every(
                (r: any) =>
                    /^\d+\.\d$/.test(r.properties["security-severity"]) &&
                    Number(r.properties["security-severity"]) >= 7,
            ),
        );
        assert.ok(
            run.tool.driver.rules.every((r: any) =>
                r.helpUri.endsWith("README.md#the-policy-pack"),
            ),
        );
    });

    it("points each result at the stack-file entry it is about: the key that opened the port, else the service's entry", async () => {
        const insecure = (
            await sarifOf(
                "--stack",
                "insecure",
                "--stack-file",
                "tests/fixtures/Pulumi.insecure.yaml",
            )
        ).sarif.runs[0].results;
        const lines = fs
            .readFileSync(path.join(ROOT, "tests/fixtures/Pulumi.insecure.yaml"), "utf8")
            .split("\n");
        assert.strictEqual(
            lines[insecure[0].locations[0].physicalLocation.region.startLine - 1],
            "          openToInternet: true",
        );
        // Two findings of one rule on one resource: two alerts, each at the server's port entry.
        const exposed = (
            await sarifOf(
                "--stack",
                "exposed",
                "--stack-file",
                "tests/fixtures/Pulumi.exposed.yaml",
            )
        ).sarif.runs[0].results;
        const exposedLines = fs
            .readFileSync(path.join(ROOT, "tests/fixtures/Pulumi.exposed.yaml"), "utf8")
            .split("\n");
        assert.deepStrictEqual(
            exposed.map((r: any) =>
                exposedLines[r.locations[0].physicalLocation.region.startLine - 1].trim(),
            ),
            ["- name: internal-api", "- name: internal-api"],
        );
        assert.strictEqual(
            new Set(exposed.map((r: any) => r.partialFingerprints["pulumiUrnPolicy/v2"])).size,
            2,
        );
        // A sensitive stack's public IP: the service's entry.
        const games = (
            await sarifOf("--stack", "games", "--stack-tag", "data-classification=confidential")
        ).sarif.runs[0].results;
        const gamesLines = fs
            .readFileSync(path.join(ROOT, "Pulumi.games.yaml"), "utf8")
            .split("\n");
        assert.deepStrictEqual(
            [
                ...new Set(
                    games.map((r: any) =>
                        gamesLines[r.locations[0].physicalLocation.region.startLine - 1].trim(),
                    ),
                ),
            ],
            ["- name: game-server"],
        );
    });

    it("names a stack file outside any repository by its own name, never by a path that leaves the repository", async () => {
        const outside = fs.mkdtempSync(path.join(os.tmpdir(), "outside-"));
        fs.copyFileSync(
            path.join(ROOT, "tests/fixtures/Pulumi.insecure.yaml"),
            path.join(outside, "Pulumi.insecure.yaml"),
        );
        const { sarif } = await sarifOf("--stack-file", path.join(outside, "Pulumi.insecure.yaml"));
        valid(sarif);
        assert.deepStrictEqual(
            sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation,
            { uri: "Pulumi.insecure.yaml" },
        );
        assert.strictEqual(sarif.runs[0].originalUriBaseIds, undefined);
        // In another repository: relative to that repository's root.
        fs.mkdirSync(path.join(outside, ".git"));
        fs.mkdirSync(path.join(outside, "stacks"));
        fs.copyFileSync(
            path.join(ROOT, "tests/fixtures/Pulumi.insecure.yaml"),
            path.join(outside, "stacks", "Pulumi.insecure.yaml"),
        );
        const other = (
            await sarifOf("--stack-file", path.join(outside, "stacks", "Pulumi.insecure.yaml"))
        ).sarif;
        assert.deepStrictEqual(
            other.runs[0].results[0].locations[0].physicalLocation.artifactLocation,
            { uri: "stacks/Pulumi.insecure.yaml", uriBaseId: "%SRCROOT%" },
        );
    });

    it("links each rule's help to this commit's README when it runs in GitHub Actions", () => {
        assert.strictEqual(
            helpUriBase(ROOT, {
                GITHUB_SERVER_URL: "https://github.com",
                GITHUB_REPOSITORY: "acme/ecsnet",
                GITHUB_SHA: "abc123",
            }),
            "https://github.com/acme/ecsnet/blob/abc123/README.md#the-policy-pack",
        );
        assert.strictEqual(helpUriBase("/repo", {}), "file:///repo/README.md#the-policy-pack");
    });

    it("marks a waived violation advisory (warning) and suppressed with the waiver's reason", async () => {
        const config = writeSshWaiver(path.join(DIR, "waive.json"), {
            resource: "urn:pulumi:insecure::*",
            reason: "lab bastion, ticket SEC-7",
            expires: "2999-01-01",
        });
        const { code, sarif } = await sarifOf(
            "--stack",
            "insecure",
            "--stack-file",
            "tests/fixtures/Pulumi.insecure.yaml",
            "--policy-pack-config",
            config,
        );
        assert.strictEqual(code, 0);
        valid(sarif);
        const [result] = sarif.runs[0].results;
        assert.strictEqual(result.level, "warning");
        assert.deepStrictEqual(result.suppressions, [
            {
                kind: "external",
                status: "accepted",
                justification: "lab bastion, ticket SEC-7 (waived until 2999-01-01)",
            },
        ]);
    });

    it("writes an empty result list for a clean stack, still valid", async () => {
        const { code, sarif } = await sarifOf("--stack", "dev");
        assert.strictEqual(code, 0);
        valid(sarif);
        assert.deepStrictEqual(sarif.runs[0].results, []);
    });
});
