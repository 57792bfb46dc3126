import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PolicyPackClient, PACK_DIR } from "../offline/analyzer";
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

    it("is what the README shows: every line of the README's example is in examples/basic/index.ts", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const [, block] = /## Using the components in your own program[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme) ?? [];
        const source = fs.readFileSync(path.join(EXAMPLE, "index.ts"), "utf8").split("\n");
        const lines = block.split("\n").filter((l) => l.trim() !== "");
        assert.ok(lines.length > 20);
        assert.deepStrictEqual(lines.filter((l) => !source.includes(l)), []);
    });

    it("passes the policy pack at preview", async () => {
        const evaluation = await evaluateStack(EXAMPLE, "example");
        const client = await PolicyPackClient.start(path.join(ROOT, PACK_DIR));
        try {
            const check = await checkPolicies(client, evaluation.resources, { project: "ecs-example", stack: "example", mode: "preview" });
            assert.deepStrictEqual(check.violations, []);
        } finally {
            client.close();
        }
    });
});
