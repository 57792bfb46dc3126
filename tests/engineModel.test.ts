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
import { autoName, engineView, EngineResource, typeSchema } from "../offline/engine/view";
import { COMPUTED_WHEN_UNSET } from "../policies/model/analyzed";
import { checkPolicies } from "../offline/policy/check";
import { evaluateStack } from "../offline/engine/program";
import { Mode, UNKNOWN } from "../offline/engine/runtime";
import { engineViewOf, startRuntime } from "./support/helpers";

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
    ): Promise<{ analyze: Echo; stack: Echo; urn: string }> {
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
        return { analyze: of("probe-analyze"), stack: of("probe-analyze-stack"), urn };
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
            autoName(service.urn, "client-nginx"),
            "the provider names it at Check, so the name is known in a preview",
        );
    });

    // The AWS provider (pulumi-terraform-bridge) fills an unset name at Check with
    // `<name>-<7 hex>` (NewUniqueHex), seeded per resource by the engine (pulumi/pulumi
    // pkg/resource/deploy/step_generator.go:1094, `randomSeed` from crypto/rand, sent in the
    // CheckRequest at :1330): Analyze (the checked inputs) and AnalyzeStack both see it.
    it("conformance: an auto-generated name is known at preview, in Analyze and AnalyzeStack, and so is what is built from it", async () => {
        const evaluation = await evaluateStack(ROOT, "ec2");
        const cluster = await seen(evaluation.resources, "preview", "ec2-cluster");
        const name = autoName(cluster.urn, "ec2-cluster");
        assert.match(name, /^ec2-cluster-[0-9a-f]{7}$/);
        assert.deepStrictEqual(
            [cluster.analyze.props.name, cluster.stack.props.name],
            [name, name],
        );
        const template = evaluation.resources.find((r) => r.name === "ec2-lt")!;
        assert.ok(
            Buffer.from(template.inputs.userData, "base64")
                .toString("utf8")
                .includes(`ECS_CLUSTER=${name} >>`),
            "the user data that joins instances to the cluster names it, known at preview",
        );
        // A name the program sets is its own; one built from a namePrefix is AWS's, unknown.
        const view = await engineViewOf("preview", () => {
            new aws.ec2.SecurityGroup("fixed", { name: "fixed-name" });
            new aws.ec2.SecurityGroup("prefixed", { namePrefix: "web-" });
        });
        const [fixed, prefixed] = ["fixed", "prefixed"].map((n) => view.find((r) => r.name === n)!);
        assert.deepStrictEqual(
            [fixed.inputs.name, fixed.outputs.name, prefixed.inputs.name, prefixed.outputs.name],
            ["fixed-name", "fixed-name", undefined, UNKNOWN],
        );
    });

    // The provider checks names at Check, before any preview shows the resource: the engine prints
    // each failure as an error (pulumi/pulumi sdk/go/common/diag/errors.go codes 2002 and 2003) and
    // the preview fails; an auto-name's generator refuses a prefix with no room for its 7 random
    // characters (sdk/go/common/resource/resource_id.go NewUniqueName).
    it("conformance: a name the provider refuses fails the preview, naming the resource, the property and the limit", async () => {
        const runtime = await startRuntime("us-east-1", undefined, "preview");
        new aws.lb.TargetGroup("checkout-service-blue-target-group", {
            port: 80,
            protocol: "HTTP",
        });
        new aws.lb.LoadBalancer("edge", { name: "edge_lb" });
        new aws.iam.Role("r", { name: "r".repeat(65), assumeRolePolicy: "{}" });
        new aws.lb.TargetGroup("short", { port: 80, protocol: "HTTP" });
        await runtime.settle();
        // (Registrations complete in any order; the failures are compared as a set.)
        const byMessage = (a: { message: string }, b: { message: string }) =>
            a.message.localeCompare(b.message);
        assert.deepStrictEqual(
            [...runtime.diagnostics].sort(byMessage),
            [
                {
                    severity: "error",
                    message:
                        "aws:lb/targetGroup:TargetGroup resource 'checkout-service-blue-target-group' has a problem: name 'checkout-service-blue-target-group-' plus 7 random chars is longer than maximum length 32; give it a shorter name, or set name yourself",
                },
                {
                    severity: "error",
                    message:
                        "aws:lb/loadBalancer:LoadBalancer resource 'edge': property name value \"edge_lb\" has a problem: it has characters outside [A-Za-z0-9-]",
                },
                {
                    severity: "error",
                    message: `aws:iam/role:Role resource 'r': property name value "${"r".repeat(65)}" has a problem: it is 65 characters long, above the 64 AWS accepts`,
                },
            ].sort(byMessage),
        );
    });

    // The AWS provider's Check adds tagsAll on its SDKv2 resources (their CustomizeDiff), never on
    // its Plugin Framework ones (vpc.SecurityGroupIngressRule computes tags_all at plan); one unknown
    // tag or provider setting leaves the map unknown; ignoreTags keeps its keys out.
    it("conformance: tagsAll only on SDKv2 resources, wholly unknown with one unknown tag, without the ignored tags", async () => {
        const view = await engineViewOf("preview", () => {
            const provider = new aws.Provider("p", {
                region: "us-east-1",
                defaultTags: {
                    tags: {
                        team: "payments",
                        "ops:owner": "x",
                        "data-classification": "confidential",
                    },
                },
                ignoreTags: { keys: ["team"], keyPrefixes: ["ops:"] },
            });
            const group = new aws.ec2.SecurityGroup("g", { tags: { app: "web" } }, { provider });
            new aws.vpc.SecurityGroupIngressRule(
                "in",
                {
                    securityGroupId: group.id,
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv4: "10.0.0.0/8",
                    tags: { app: "web" },
                },
                { provider },
            );
            new aws.ec2.SecurityGroup("owned", { tags: { owner: group.arn } }, { provider });
        });
        const of = (n: string) => view.find((r) => r.name === n)!;
        assert.deepStrictEqual(of("g").inputs.tagsAll, {
            "data-classification": "confidential",
            app: "web",
        });
        assert.strictEqual("tagsAll" in of("in").inputs, false);
        assert.strictEqual(of("in").outputs.tagsAll, UNKNOWN, "computed by the provider at plan");
        assert.strictEqual(of("owned").inputs.tagsAll, UNKNOWN);
    });

    // Optional+Computed: an input the program leaves unset whose output the provider computes is
    // unknown in a Create preview (pulumi-terraform-bridge's Create with preview returns the planned
    // state; Terraform plans an unset computed attribute as unknown). The @pulumi/aws types show
    // which: the input is optional (`ingress?:`) and the output is not (`Output<...[]>`).
    it("conformance: an unset input the provider computes is unknown in AnalyzeStack, and absent in Analyze", async () => {
        const evaluation = await evaluateStack(ROOT, "dev");
        const group = await seen(evaluation.resources, "preview", "client-nginx-sg");
        assert.deepStrictEqual(
            [group.analyze.props.ingress, group.analyze.props.egress],
            [undefined, undefined],
        );
        assert.deepStrictEqual(
            [group.stack.props.ingress, group.stack.props.egress],
            ["<unknown>", "<unknown>"],
        );
        const service = await seen(evaluation.resources, "preview", "client-nginx");
        assert.strictEqual(service.stack.props.launchType, "FARGATE", "set, so known");
        const internal = await seen(evaluation.resources, "preview", "internal-nginx");
        assert.strictEqual(internal.stack.props.platformVersion, "<unknown>");
    });

    it("the pack reads an unset input as unset only where @pulumi/aws's types say the provider computes it", () => {
        for (const [type, properties] of Object.entries(COMPUTED_WHEN_UNSET))
            for (const p of properties)
                assert.ok(
                    typeSchema(type)?.computedWhenUnset.includes(p),
                    `${type} ${p} is not an optional input with a computed output`,
                );
    });

    // The bridge hands back a list or map that holds any unknown value as wholly unknown, and a
    // nested block is a list of one to Terraform: `networkConfiguration` with unknown subnet ids.
    it("conformance: a list or map with one unknown element is wholly unknown in AnalyzeStack, element by element in Analyze", async () => {
        const evaluation = await evaluateStack(ROOT, "dev");
        const service = await seen(evaluation.resources, "preview", "client-nginx");
        assert.strictEqual(
            service.analyze.props.networkConfiguration.securityGroups[0],
            "<unknown>",
        );
        assert.strictEqual(service.analyze.props.networkConfiguration.assignPublicIp, false);
        assert.strictEqual(service.stack.props.networkConfiguration, "<unknown>");
        assert.deepStrictEqual(service.stack.props.deploymentCircuitBreaker, {
            enable: true,
            rollback: true,
        });
    });

    // The engine analyzes every resource it steps, with no test of `goal.Custom`
    // (step_generator.go:1401 "Send the resource off to any Analyzers before being operated on"):
    // components and the root Stack get Analyze too, with the inputs they registered.
    it("conformance: Analyze reaches components and the root Stack", async () => {
        const evaluation = await evaluateStack(ROOT, "dev");
        const { violations } = await checkPolicies(probe, evaluation.resources, {
            project: "ecsnet",
            stack: "dev",
            mode: "preview",
        });
        const analyzed = violations
            .filter((v) => v.policy === "probe-analyze")
            .map((v) => (JSON.parse(v.message.split("\n").pop()!) as Echo).type);
        for (const type of [
            "pulumi:pulumi:Stack",
            "ecsnet:network:PrivateSubnetNetwork",
            "ecsnet:ecs:ServiceConnectCluster",
            "ecsnet:ecs:EcsService",
            "pulumi:providers:aws",
        ])
            assert.ok(analyzed.includes(type), `Analyze reached no ${type}`);
        assert.strictEqual(analyzed.length, evaluation.resources.length);
    });

    it("conformance: with stack traces off, the SDK's promises keep their leak bookkeeping, no callsites are captured, and the program registers the same resources in the same order", async () => {
        const sdk = require("@pulumi/pulumi/runtime/debuggable");
        const sdkState = require("@pulumi/pulumi/runtime/state");
        const { Resource } = require("@pulumi/pulumi/resource");
        const traced = await evaluateStack(ROOT, "web", { captureStackTraces: true });
        const sdkWrapper = sdk.debuggablePromise;
        assert.ok(Resource.callsites().length > 0, "traced: each resource captures its callsites");
        const lean = await evaluateStack(ROOT, "web", { captureStackTraces: false });
        assert.notStrictEqual(sdk.debuggablePromise, sdkWrapper, "the lean wrapper ran");
        assert.deepStrictEqual(Resource.callsites(), [], "untraced: no callsites captured");
        assert.deepStrictEqual(lean.registrations, traced.registrations);
        assert.deepStrictEqual(lean.outputs, traced.outputs);
        // Every promise the program made settled, and a pending one is a leak candidate until it does.
        const candidates: Set<Promise<unknown>> = sdkState.getStore().leakCandidates;
        assert.strictEqual(candidates.size, 0);
        let settle!: () => void;
        const pending = new Promise<void>((resolve) => (settle = resolve));
        const wrapped = sdk.debuggablePromise(pending, "a test's promise");
        assert.ok(candidates.has(pending));
        settle();
        await wrapped;
        assert.strictEqual(candidates.size, 0);
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
        const resources = await engineViewOf(
            "preview",
            () => {
                const provider = new aws.Provider("tagged", {
                    region: "eu-west-1",
                    defaultTags: {
                        tags: { "data-classification": "confidential", owner: "platform" },
                    },
                });
                new aws.ec2.Vpc(
                    "own",
                    { cidrBlock: "10.9.0.0/16", tags: { "data-classification": "public" } },
                    { provider },
                );
            },
            { region: "eu-west-1", config: { "aws:region": "eu-west-1" } },
        );
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
