import * as assert from "assert";
import * as path from "path";
import { PolicyPackClient } from "../offline/analyzer";
import { checkPolicies } from "../offline/policyCheck";
import { evaluateStack } from "../offline/program";
import { countsByType, T } from "./helpers";

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "basic");

/** The README's example program, run as `pulumi up` would run it, so it cannot rot. */
describe("examples/basic (the README's example)", () => {
    it("builds a public web service and a private server with its client, wired through Service Connect", async () => {
        const { registrations, outputs } = await evaluateStack(EXAMPLE, "example", { mode: "after-up" });
        const counts = countsByType(registrations);
        assert.deepStrictEqual([counts[T.vpc], counts[T.nat], counts[T.service], counts[T.cluster]], [2, 1, 3, 1]);
        assert.strictEqual(outputs.apiUrl, "http://api.apps.internal:8080");
        const services = registrations.filter((r) => r.type === T.service);
        const byName = (n: string) => services.find((s) => s.name === n)!;
        assert.strictEqual((byName("web").inputs.networkConfiguration as any).assignPublicIp, true);
        assert.strictEqual((byName("api").inputs.networkConfiguration as any).assignPublicIp, false);
        assert.ok(byName("worker").dependencies.includes(byName("api").urn), "the client deploys after its server");
        const open = registrations.filter((r) => r.type === T.ingress && r.inputs.cidrIpv4 === "0.0.0.0/0");
        assert.deepStrictEqual(open.map((r) => [r.name, r.inputs.fromPort]), [["web-in-tcp-80-from-internet", 80]]);
    });

    it("passes the policy pack at preview", async () => {
        const evaluation = await evaluateStack(EXAMPLE, "example");
        const client = await PolicyPackClient.start(path.join(ROOT, "policies"));
        try {
            const check = await checkPolicies(client, evaluation.resources, { project: "ecs-example", stack: "example", mode: "preview" });
            assert.deepStrictEqual(check.violations, []);
        } finally {
            client.close();
        }
    });
});
