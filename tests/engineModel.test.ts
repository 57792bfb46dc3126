/**
 * The offline plan is a faithful first `pulumi preview`: what reaches a policy pack over the Analyzer
 * protocol is what the engine and @pulumi/aws send (pulumi/pulumi step_generator.go: Analyze on the
 * checked inputs, AnalyzeStack on the outputs, both with the provider's inputs). A probe pack, loaded
 * by the CLI's own loader, echoes what the policy runtime hands a policy.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as path from "path";
import { PolicyPackClient } from "../offline/policy/analyzer";
import { engineView, EngineResource } from "../offline/engine/view";
import { checkPolicies } from "../offline/policy/check";
import { evaluateStack } from "../offline/engine/program";
import { Mode, UNKNOWN } from "../offline/engine/runtime";
import { startRuntime } from "./support/helpers";

const ROOT = path.resolve(__dirname, "..");

interface Echo {
    type: string;
    props: Record<string, any>;
    provider: { type: string; name?: string; props: Record<string, any> } | null;
    propertyDependencies?: Record<string, string[]>;
}

describe("the offline preview, as a policy pack receives it", () => {
    let probe: PolicyPackClient;
    before(async () => {
        probe = await PolicyPackClient.start(path.join(__dirname, "fixtures", "probe-pack"));
    });
    after(() => probe.close());

    /** What the probe saw for the resource named `name`: from Analyze, and from AnalyzeStack. */
    async function seen(
        resources: EngineResource[],
        mode: Mode,
        name: string,
    ): Promise<{ analyze: Echo; stack: Echo }> {
        const { violations } = await checkPolicies(probe, resources, {
            project: "ecsnet",
            stack: "test",
            mode,
        });
        const urn = resources.find((r) => r.name === name && r.custom)!.urn;
        const of = (policy: string) => {
            const found = violations.find((v) => v.policy === policy && v.urn === urn);
            assert.ok(found, `the probe saw no ${policy} request for ${urn}`);
            // The runtime prefixes the policy description on its own line.
            return JSON.parse(found.message.split("\n").pop()!) as Echo;
        };
        return { analyze: of("probe-analyze"), stack: of("probe-analyze-stack") };
    }

    it("dev: the client service's taskDefinition and cluster are unknown, assignPublicIp is known", async () => {
        const evaluation = await evaluateStack(ROOT, "dev");
        assert.strictEqual(evaluation.mode, "preview");
        const { analyze } = await seen(evaluation.resources, "preview", "client-nginx");
        assert.strictEqual(analyze.type, "aws:ecs/service:Service");
        assert.strictEqual(analyze.props.taskDefinition, "<unknown>");
        assert.strictEqual(analyze.props.cluster, "<unknown>");
        assert.strictEqual(analyze.props.networkConfiguration.assignPublicIp, false);
        assert.strictEqual(analyze.props.desiredCount, 1);
    });

    it("dev: AnalyzeStack sees every computed output unknown, and the references the engine recorded", async () => {
        const evaluation = await evaluateStack(ROOT, "dev");
        const { stack } = await seen(evaluation.resources, "preview", "dev-vpc");
        assert.deepStrictEqual(
            [stack.props.id, stack.props.arn, stack.props.ownerId, stack.props.cidrBlock],
            ["<unknown>", "<unknown>", "<unknown>", "10.0.0.0/16"],
        );
        const service = await seen(evaluation.resources, "preview", "client-nginx");
        const taskDef = evaluation.resources.find(
            (r) =>
                r.name === "client-nginx-task" &&
                r.type === "aws:ecs/taskDefinition:TaskDefinition",
        )!;
        assert.deepStrictEqual(service.stack.propertyDependencies!.taskDefinition, [taskDef.urn]);
        assert.strictEqual(
            service.stack.props.name,
            "<unknown>",
            "an auto-named name is computed by the provider",
        );
    });

    it("after up, the same references resolve to placeholder ids", async () => {
        const evaluation = await evaluateStack(ROOT, "dev", { mode: "after-up" });
        const { analyze, stack } = await seen(evaluation.resources, "after-up", "client-nginx");
        assert.match(
            analyze.props.taskDefinition,
            /^arn:aws:ecs:us-east-1:000000000000:taskdefinition\/.+:1$/,
        );
        assert.strictEqual(stack.props.id, "<service:client-nginx>");
    });

    it("the default provider carries the stack's aws config as strings, aws:defaultTags as JSON", async () => {
        const evaluation = await evaluateStack(ROOT, "dev");
        const withTags = engineView(evaluation.registrations, {
            mode: "preview",
            project: "ecsnet",
            stack: "dev",
            config: {
                ...evaluation.config,
                "aws:defaultTags": {
                    tags: { "data-classification": "confidential", team: "payments" },
                },
            },
        });
        const { analyze } = await seen(withTags, "preview", "dev-vpc");
        assert.strictEqual(analyze.provider!.type, "pulumi:providers:aws");
        assert.strictEqual(analyze.provider!.props.region, "us-east-1");
        assert.strictEqual(
            analyze.provider!.props.defaultTags,
            '{"tags":{"data-classification":"confidential","team":"payments"}}',
        );
        assert.deepStrictEqual(analyze.props.tagsAll, {
            "data-classification": "confidential",
            team: "payments",
            Name: "dev-vpc",
        });
    });

    it("an explicit provider's defaultTags reaches the pack as a JSON string, and tagsAll merges them under the resource's own tags", async () => {
        const runtime = await startRuntime("eu-west-1", undefined, "preview");
        const provider = new aws.Provider("tagged", {
            region: "eu-west-1",
            defaultTags: { tags: { "data-classification": "confidential", owner: "platform" } },
        });
        new aws.ec2.Vpc(
            "own",
            { cidrBlock: "10.9.0.0/16", tags: { "data-classification": "public" } },
            { provider },
        );
        await runtime.settle();
        const resources = engineView(runtime.registrations, {
            mode: "preview",
            project: "ecsnet",
            stack: "test",
            config: { "aws:region": "eu-west-1" },
        });
        const { analyze, stack } = await seen(resources, "preview", "own");
        assert.strictEqual(typeof analyze.provider!.props.defaultTags, "string");
        assert.deepStrictEqual(JSON.parse(analyze.provider!.props.defaultTags), {
            tags: { "data-classification": "confidential", owner: "platform" },
        });
        assert.deepStrictEqual(
            analyze.props.tagsAll,
            { "data-classification": "public", owner: "platform" },
            "the resource's own value wins, as AWS stores it",
        );
        assert.deepStrictEqual(stack.props.tagsAll, analyze.props.tagsAll);
        assert.strictEqual(stack.provider!.props.defaultTags, analyze.provider!.props.defaultTags);
    });

    it("keeps an input derived from an unknown output unknown, and a literal known", async () => {
        const runtime = await startRuntime("us-east-1", undefined, "preview");
        const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
        new aws.ec2.Subnet("s", {
            vpcId: vpc.id,
            cidrBlock: "10.0.0.0/24",
            tags: { vpc: vpc.id.apply((id) => `in ${id}`) },
        });
        await runtime.settle();
        const subnet = runtime.registrations.find((r) => r.name === "s")!;
        assert.deepStrictEqual(
            [subnet.inputs.vpcId, subnet.inputs.cidrBlock, subnet.inputs.tags],
            [UNKNOWN, "10.0.0.0/24", { vpc: UNKNOWN }],
        );
        assert.deepStrictEqual(subnet.propertyDependencies.vpcId, [
            runtime.registrations.find((r) => r.name === "v")!.urn,
        ]);
        assert.strictEqual(subnet.id, null);
    });

    it("records each resource's options as registered", async () => {
        const runtime = await startRuntime("us-east-1", undefined, "preview");
        const provider = new aws.Provider("p", { region: "us-east-1" });
        new aws.ec2.Vpc(
            "v",
            { cidrBlock: "10.0.0.0/16" },
            {
                provider,
                protect: true,
                deleteBeforeReplace: true,
                ignoreChanges: ["tags"],
                aliases: [{ name: "old-v" }],
            },
        );
        await runtime.settle();
        const [vpc] = engineView(runtime.registrations, {
            mode: "preview",
            project: "ecsnet",
            stack: "test",
            config: {},
        }).filter((r) => r.name === "v");
        assert.deepStrictEqual(
            { ...vpc.options, aliases: vpc.options.aliases.length },
            {
                deleteBeforeReplace: true,
                protect: true,
                ignoreChanges: ["tags"],
                provider: runtime.registrations.find((r) => r.name === "p")!.urn,
                aliases: 1,
                additionalSecretOutputs: [],
            },
        );
        assert.match(vpc.options.aliases[0], /old-v/);
    });
});
