/**
 * The Analyzer requests written straight to bytes (offline/policy/requests.ts) are the bytes
 * google-protobuf's generated messages make of the same resources: the oracle below builds them the
 * generated way (@pulumi/pulumi proto/analyzer_pb.js, `Struct.fromJavaScript`), as the client did.
 */
import * as assert from "assert";
import * as path from "path";
import { evaluateStack } from "../offline/engine/program";
import { atPaths, secretValue } from "../offline/engine/secrets";
import { AnalyzedResource } from "../offline/policy/analyzer";
import { analyzed } from "../offline/policy/check";
import { analyzeRequest, analyzeStackRequest } from "../offline/policy/requests";

const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const structPb = require("google-protobuf/google/protobuf/struct_pb");

const ROOT = path.resolve(__dirname, "..");

/** The generated messages' way: JSON round trip (a Struct holds no `undefined`), secrets marked, fromJavaScript. */
function struct(props: Record<string, unknown>, secrets: string[] = []): unknown {
    return structPb.Struct.fromJavaScript(
        atPaths(JSON.parse(JSON.stringify(props)), secrets, secretValue),
    );
}

function fill(req: any, r: AnalyzedResource): void {
    req.setType(r.type);
    req.setName(r.name);
    req.setUrn(r.urn);
    req.setProperties(struct(r.props, r.secrets));
    const options = new analyzerPb.AnalyzerResourceOptions();
    options.setProtect(r.protect ?? false);
    options.setIgnorechangesList(r.ignoreChanges ?? []);
    options.setDeletebeforereplace(r.deleteBeforeReplace ?? false);
    options.setDeletebeforereplacedefined(r.deleteBeforeReplace !== undefined);
    options.setAdditionalsecretoutputsList(r.additionalSecretOutputs ?? []);
    options.setAliasesList(r.aliases ?? []);
    options.setParent(r.parent ?? "");
    req.setOptions(options);
    if (r.provider) {
        const provider = new analyzerPb.AnalyzerProviderResource();
        provider.setUrn(r.provider.urn);
        provider.setType(r.provider.type);
        provider.setName(r.provider.name);
        provider.setProperties(struct(r.provider.props));
        req.setProvider(provider);
    }
}

function generatedAnalyze(r: AnalyzedResource): Buffer {
    const req = new analyzerPb.AnalyzeRequest();
    fill(req, r);
    return Buffer.from(req.serializeBinary());
}

function generatedAnalyzeStack(resources: AnalyzedResource[]): Buffer {
    const req = new analyzerPb.AnalyzeStackRequest();
    req.setResourcesList(
        resources.map((r) => {
            const ar = new analyzerPb.AnalyzerResource();
            fill(ar, r);
            ar.setParent(r.parent ?? "");
            ar.setDependenciesList(r.dependencies ?? []);
            for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
                const deps = new analyzerPb.AnalyzerPropertyDependencies();
                deps.setUrnsList(urns);
                ar.getPropertydependenciesMap().set(key, deps);
            }
            return ar;
        }),
    );
    return Buffer.from(req.serializeBinary());
}

/** Every kind of value a property holds, and the ones JSON changes. */
const edgeCases: AnalyzedResource = {
    urn: "urn:pulumi:test::ecsnet::aws:ssm/parameter:Parameter::édition-🚀",
    type: "aws:ssm/parameter:Parameter",
    name: "édition-🚀",
    props: {
        empty: "",
        zero: 0,
        negative: -42,
        fraction: 0.1,
        large: 2 ** 53,
        no: false,
        yes: true,
        nothing: null,
        left: undefined,
        notANumber: NaN,
        list: [1, "two", null, undefined, [], {}, { nested: [{ deeper: "x" }] }],
        map: { "z-key": 1, "a-key": 2, "": "empty key", ünï: "cödé" },
        password: "hunter2",
        environment: [{ name: "TOKEN", value: "s3cret" }],
    },
    secrets: ["password", "environment[0].value"],
    provider: {
        urn: "urn:pulumi:test::ecsnet::pulumi:providers:aws::default_7_48_0",
        type: "pulumi:providers:aws",
        name: "default_7_48_0",
        props: { region: "eu-west-1", defaultTags: '{"tags":{"team":"platform"}}' },
    },
    aliases: ["urn:pulumi:test::ecsnet::aws:ssm/parameter:Parameter::old"],
    parent: "urn:pulumi:test::ecsnet::pulumi:pulumi:Stack::ecsnet-test",
    dependencies: ["urn:a", "urn:b"],
    propertyDependencies: { value: ["urn:b"], name: [], arn: ["urn:a", "urn:b"] },
    protect: true,
    ignoreChanges: ["tags"],
    deleteBeforeReplace: false,
    additionalSecretOutputs: ["value"],
};

describe("the Analyzer requests, written straight to bytes", () => {
    it("are the generated messages' bytes for every value a property holds, secrets marked", () => {
        assert.deepStrictEqual(analyzeRequest(edgeCases), generatedAnalyze(edgeCases));
        assert.deepStrictEqual(
            analyzeStackRequest([edgeCases, { ...edgeCases, provider: null, props: {} }]),
            generatedAnalyzeStack([edgeCases, { ...edgeCases, provider: null, props: {} }]),
        );
        const decoded = analyzerPb.AnalyzeRequest.deserializeBinary(analyzeRequest(edgeCases));
        const props = decoded.getProperties().toJavaScript();
        assert.strictEqual(props.password.value, "hunter2");
        assert.strictEqual(props.environment[0].value.value, "s3cret");
        assert.deepStrictEqual(props.list, [
            1,
            "two",
            null,
            null,
            [],
            {},
            { nested: [{ deeper: "x" }] },
        ]);
        assert.ok(!("left" in props));
        assert.strictEqual(props.notANumber, null);
        assert.deepStrictEqual(decoded.getOptions().getIgnorechangesList(), ["tags"]);
        assert.strictEqual(decoded.getOptions().getDeletebeforereplacedefined(), true);
    });

    for (const stack of ["dev", "web", "ec2"]) {
        it(`are the generated messages' bytes for every resource of ${stack}, in a preview and after up`, async () => {
            for (const mode of ["preview", "after-up"] as const) {
                const { resources } = await evaluateStack(ROOT, stack, { mode });
                for (const r of resources) {
                    const request = analyzed(r, r.inputs, r.secrets);
                    assert.deepStrictEqual(
                        analyzeRequest(request),
                        generatedAnalyze(request),
                        r.urn,
                    );
                }
                const stackResources = resources.map((r) =>
                    analyzed(r, r.outputs, r.outputSecrets),
                );
                assert.deepStrictEqual(
                    analyzeStackRequest(stackResources),
                    generatedAnalyzeStack(stackResources),
                );
            }
        });
    }
});
