import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { engineUrn } from "../offline/engine/runtime";
import { startRuntime } from "./support/helpers";

/**
 * URNs as the engine writes them (pulumi/pulumi pkg/resource/deploy/deployment.go `generateURN`: "Skip
 * empty parents and don't use the root stack type; otherwise, use the full qualified type"), so a
 * real `pulumi stack export` matches the plan's resources.
 */
describe("URNs as the engine writes them", () => {
    it("leave out the root stack's type, and carry a parent's whole type chain", async () => {
        const runtime = await startRuntime();
        await pulumi.runtime.runInPulumiStack(async () => {
            class Outer extends pulumi.ComponentResource {
                constructor(name: string) {
                    super("test:index:Outer", name);
                    const inner = new Inner(`${name}-inner`, { parent: this });
                    new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: "10.0.0.0/16" }, { parent: inner });
                }
            }
            class Inner extends pulumi.ComponentResource {
                constructor(name: string, opts: pulumi.ComponentResourceOptions) {
                    super("test:index:Inner", name, {}, opts);
                }
            }
            new Outer("o");
            new aws.ec2.Vpc("top", { cidrBlock: "10.1.0.0/16" });
            return {};
        });
        await runtime.settle();
        assert.deepStrictEqual(runtime.registrations.map((r) => r.urn).sort(), [
            "urn:pulumi:test::ecsnet::aws:ec2/vpc:Vpc::top",
            "urn:pulumi:test::ecsnet::pulumi:pulumi:Stack::ecsnet-test",
            "urn:pulumi:test::ecsnet::test:index:Outer$test:index:Inner$aws:ec2/vpc:Vpc::o-vpc",
            "urn:pulumi:test::ecsnet::test:index:Outer$test:index:Inner::o-inner",
            "urn:pulumi:test::ecsnet::test:index:Outer::o",
        ]);
        assert.strictEqual(
            engineUrn("urn:pulumi:test::ecsnet::pulumi:pulumi:Stack::ecsnet-test", "a:b:C", "x"),
            "urn:pulumi:test::ecsnet::a:b:C::x",
        );
    });
});
