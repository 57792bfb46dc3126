import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluateStack } from "../offline/program";

const ROOT = path.resolve(__dirname, "..");

/**
 * The committed stacks as they were before the load balancer, scaling and flow logs arrived
 * (tests/fixtures/baseline, recorded after up). A new feature must not move, rename or change one
 * of their resources: a changed URN is a delete and a create in a real `pulumi up`.
 */
const ADDED: Record<string, string[]> = {
    // prod turns VPC flow logs on (on by default there): a log group, a role, its policy, the flow log.
    prod: ["aws:cloudwatch/logGroup:LogGroup", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:ec2/flowLog:FlowLog", "ecsnet:network:VpcFlowLogs"],
};

describe("the committed stacks keep every resource they had", () => {
    for (const stack of ["dev", "prod", "games", "ec2"]) {
        it(`${stack}: the same URNs, inputs, dependencies and options as before${ADDED[stack] ? ", plus its flow logs" : ""}`, async () => {
            const baseline = JSON.parse(fs.readFileSync(path.join(ROOT, "tests", "fixtures", "baseline", `${stack}.json`), "utf8"));
            const { resources } = await evaluateStack(ROOT, stack, { mode: "after-up" });
            const now = new Map(resources.map((r) => [r.urn, r]));
            for (const [urn, before] of Object.entries(baseline) as [string, any][]) {
                const r = now.get(urn);
                assert.ok(r, `${urn} is gone`);
                // Aliases may be added (they keep a live stack's names), never dropped.
                const { aliases, ...options } = r.options;
                const { aliases: had, ...optionsBefore } = before.options;
                assert.deepStrictEqual({ inputs: r.inputs, dependencies: [...r.dependencies].sort(), options }, JSON.parse(JSON.stringify({ ...before, options: optionsBefore })), urn);
                assert.deepStrictEqual((had as string[]).filter((a) => !aliases.includes(a)), [], `${urn} dropped an alias`);
            }
            const added = resources.filter((r) => !(r.urn in baseline)).map((r) => r.type);
            assert.deepStrictEqual([...new Set(added)].sort(), [...(ADDED[stack] ?? [])].sort());
        });
    }
});
