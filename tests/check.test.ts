/**
 * The policy check runs while the program runs (offline/policy/check.ts `PolicyRun`), as the engine
 * sends each resource to the analyzers when it steps it (step_generator.go `generateSteps`): what it
 * sends, when, and that its verdicts are those of the whole list sent at the end.
 */
import * as assert from "assert";
import * as path from "path";
import { evaluateStack } from "../offline/engine/program";
import { engineView, EngineResource } from "../offline/engine/view";
import { AnalyzedResource, PolicyPackClient } from "../offline/policy/analyzer";
import { checkPolicies, IN_FLIGHT, PolicyRun } from "../offline/policy/check";

const ROOT = path.resolve(__dirname, "..");
const INSECURE = path.join(ROOT, "tests", "fixtures", "Pulumi.insecure.yaml");
const CONTEXT = { project: "ecsnet", stack: "insecure", mode: "preview" as const };

describe("the policy check while the program runs", function () {
    this.timeout(120_000);
    let pack: PolicyPackClient;
    before(async () => {
        pack = await PolicyPackClient.start(path.join(ROOT, "policies", "bin"));
    });
    after(() => pack.close());

    /** The pack, with every Analyze request it is sent recorded. */
    function recording(): { client: PolicyPackClient; sent: string[] } {
        const sent: string[] = [];
        const client = Object.create(pack) as PolicyPackClient;
        client.analyze = (r: AnalyzedResource) => {
            sent.push(r.urn);
            return pack.analyze(r);
        };
        return { client, sent };
    }

    it("steps each registration as it is answered: the view built during the run is the whole run's view, each default provider before its first user", async () => {
        const stepped: EngineResource[] = [];
        const evaluation = await evaluateStack(ROOT, "insecure", {
            stackFile: INSECURE,
            onResources: (resources) => stepped.push(...resources),
        });
        assert.deepStrictEqual(
            new Set(stepped),
            new Set(evaluation.resources),
            "the same resources, once each",
        );
        assert.strictEqual(stepped.length, evaluation.resources.length);
        assert.deepStrictEqual(
            evaluation.resources,
            engineView(evaluation.registrations, {
                mode: "preview",
                project: "ecsnet",
                stack: "insecure",
                config: evaluation.config,
            }),
        );
        const provider = stepped.findIndex((r) => r.type === "pulumi:providers:aws");
        const firstUser = stepped.findIndex((r) => r.provider?.type === "pulumi:providers:aws");
        assert.ok(
            provider >= 0 && provider === firstUser - 1,
            "the provider just before its first user",
        );
    });

    it("sends resources to Analyze while the program is still running, each once, and decides as the check of the whole list does", async () => {
        const { client, sent } = recording();
        const run = await PolicyRun.begin(client, CONTEXT);
        let sentDuringRun = 0;
        const evaluation = await evaluateStack(ROOT, "insecure", {
            stackFile: INSECURE,
            onResources: (resources) => {
                resources.forEach((r) => run.analyze(r));
                sentDuringRun = sent.length;
            },
        });
        assert.ok(
            sentDuringRun >= IN_FLIGHT,
            `only ${sentDuringRun} Analyze requests went out while the program ran`,
        );
        const streamed = await run.finish(evaluation.resources);
        assert.deepStrictEqual(
            [...sent].sort(),
            evaluation.resources.map((r) => r.urn).sort(),
            "every resource, once",
        );
        const whole = await checkPolicies(pack, evaluation.resources, CONTEXT);
        assert.deepStrictEqual(streamed, whole);
        assert.deepStrictEqual(
            streamed.violations.map((v) => [v.policy, v.enforcementLevel]),
            [["no-ssh-from-internet", "mandatory"]],
        );
    });

    it("sends nothing more once abandoned (the program failed): only what was already in flight", async () => {
        const evaluation = await evaluateStack(ROOT, "insecure", { stackFile: INSECURE });
        const { client, sent } = recording();
        const run = await PolicyRun.begin(client, CONTEXT);
        for (const r of evaluation.resources) run.analyze(r);
        run.abandon();
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.ok(evaluation.resources.length > IN_FLIGHT);
        assert.strictEqual(sent.length, IN_FLIGHT);
    });
});
