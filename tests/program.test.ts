import * as assert from "assert";
import * as path from "path";
import { evaluateStack } from "../offline/program";
import { listStacks } from "../offline/project";
import { countsByType, ofType, T } from "./helpers";

const ROOT = path.resolve(__dirname, "..");

describe("the whole program", () => {
    it("has the committed stacks dev and prod", () => {
        assert.deepStrictEqual(listStacks(ROOT).filter((s) => ["dev", "prod"].includes(s)), ["dev", "prod"]);
    });

    it("dev: the private pattern on 2 AZs with a single NAT gateway", async () => {
        const { registrations, outputs } = await evaluateStack(ROOT, "dev");
        const counts = countsByType(registrations);
        assert.strictEqual(counts[T.nat], 1);
        assert.strictEqual(counts[T.eip], 1);
        assert.strictEqual(ofType(registrations, T.subnet).filter((s) => s.inputs.tags["ecsnet:tier"] === "private").length, 2);
        assert.strictEqual(counts[T.endpoint], undefined);
        assert.strictEqual(outputs.pattern, "private");
    });

    it("prod: the private pattern on 3 AZs with a NAT gateway per AZ and endpoints", async () => {
        const { registrations } = await evaluateStack(ROOT, "prod");
        const counts = countsByType(registrations);
        assert.strictEqual(counts[T.nat], 3);
        const zones = ofType(registrations, T.subnet).filter((s) => s.inputs.tags["ecsnet:tier"] === "private").map((s) => s.inputs.availabilityZone);
        assert.deepStrictEqual(zones, ["us-east-1a", "us-east-1b", "us-east-1c"]);
        assert.strictEqual(counts[T.endpoint], 4);
    });

    it("roots every resource in the stack: the Stack resource is the top parent", async () => {
        const { registrations } = await evaluateStack(ROOT, "dev");
        const stack = registrations.find((r) => r.type === "pulumi:pulumi:Stack")!;
        assert.ok(stack, "no root Stack resource");
        const urns = new Set(registrations.map((r) => r.urn));
        for (const r of registrations.filter((x) => x !== stack)) {
            assert.ok(r.parent !== null && urns.has(r.parent), `${r.type} ${r.name} has no registered parent`);
        }
    });
});
