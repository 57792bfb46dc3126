import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { placeholderId } from "../offline/engine/mockAws";
import { evaluateStack } from "../offline/engine/program";
import { PLUGIN_FRAMEWORK } from "../offline/engine/view";

const ROOT = path.resolve(__dirname, "..");

/**
 * The committed stacks as they were before the load balancer, scaling and flow logs arrived
 * (tests/fixtures/baseline, recorded after up). A new feature must not move, rename or change one
 * of their resources: a changed URN is a delete and a create in a real `pulumi up`.
 */
const ADDED: Record<string, string[]> = {
    // prod turns VPC flow logs on (on by default there): a log group, a role, its policy, the flow log.
    prod: [
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:ec2/flowLog:FlowLog",
        "ecsnet:network:VpcFlowLogs",
    ],
};

describe("the committed stacks keep every resource they had", () => {
    for (const stack of ["dev", "prod", "games", "ec2"]) {
        it(`${stack}: the same URNs, inputs, dependencies and options as before${ADDED[stack] ? ", plus its flow logs" : ""}`, async () => {
            const baseline = JSON.parse(
                fs.readFileSync(
                    path.join(ROOT, "tests", "fixtures", "baseline", `${stack}.json`),
                    "utf8",
                ),
            );
            const { resources, registrations } = await evaluateStack(ROOT, stack, {
                mode: "after-up",
            });
            const now = new Map(resources.map((r) => [r.urn, r]));
            // A resource renamed with an alias to its old URN is the same resource to the engine.
            const aliased = new Map(
                registrations.flatMap((r) => r.aliasUrns.map((a) => [a, now.get(r.urn)!] as const)),
            );
            // What the baseline recorded under an old name (URNs and placeholder ids) reads under the new one.
            const renames = [...aliased.entries()]
                .filter(([old]) => old in baseline)
                .flatMap(([old, r]) => [
                    [old, r.urn],
                    [placeholderId(r.type, old.split("::").pop()!), placeholderId(r.type, r.name)],
                ]);
            const translate = (value: unknown) =>
                JSON.parse(
                    renames.reduce(
                        (text, [from, to]) =>
                            text
                                .split(JSON.stringify(from).slice(1, -1))
                                .join(JSON.stringify(to).slice(1, -1)),
                        JSON.stringify(value),
                    ),
                );
            // The baseline was recorded when the offline plan named a resource after up by its
            // Pulumi name alone; the provider's generated name (with its suffix) reads as that.
            const generated = resources.flatMap((r) =>
                r.autoNamed ? [[String(r.inputs[r.autoNamed]), r.name] as const] : [],
            );
            const rename = (text: string) =>
                generated.reduce((t, [from, to]) => t.split(from).join(to), text);
            const asRecorded = (value: unknown): any => {
                if (typeof value === "string") {
                    // User data carries the names base64-encoded.
                    const decoded = Buffer.from(value, "base64").toString("utf8");
                    return /^[A-Za-z0-9+/]+=*$/.test(value) && rename(decoded) !== decoded
                        ? Buffer.from(rename(decoded)).toString("base64")
                        : rename(value);
                }
                if (Array.isArray(value)) return value.map(asRecorded);
                if (value !== null && typeof value === "object")
                    return Object.fromEntries(
                        Object.entries(value).map(([k, v]) => [k, asRecorded(v)]),
                    );
                return value;
            };
            for (const [urn, recorded] of Object.entries(baseline) as [string, any][]) {
                const before = translate(recorded);
                const r = now.get(urn) ?? aliased.get(urn);
                assert.ok(r, `${urn} is gone`);
                if (r.urn !== urn) {
                    // Its Name tag follows the new name, an update in place.
                    for (const key of ["tags", "tagsAll"])
                        if (before.inputs[key]) before.inputs[key].Name = r.inputs[key].Name;
                    if (before.inputs.tags?.["ecsnet:tier"]) {
                        assert.strictEqual(
                            r.inputs.tags["ecsnet:tier"],
                            before.inputs.tags["ecsnet:tier"],
                            "the tier tag says what the subnet does",
                        );
                    }
                }
                // A name the provider generates at Check is not the program's: a live stack keeps
                // the one its state holds (the bridge's Check reuses the old inputs' name).
                const inputs = asRecorded(r.inputs);
                // Recorded before the plan knew that a Plugin Framework resource's Check adds no tagsAll.
                if (PLUGIN_FRAMEWORK.has(r.type)) delete before.inputs.tagsAll;
                if (r.autoNamed) delete inputs[r.autoNamed];
                // Aliases may be added (they keep a live stack's names), never dropped.
                const { aliases, ...options } = r.options;
                const { aliases: had, ...optionsBefore } = before.options;
                assert.deepStrictEqual(
                    { inputs, dependencies: [...r.dependencies].sort(), options },
                    JSON.parse(JSON.stringify({ ...before, options: optionsBefore })),
                    urn,
                );
                assert.deepStrictEqual(
                    (had as string[]).filter((a) => !aliases.includes(a)),
                    [],
                    `${urn} dropped an alias`,
                );
            }
            const renamed = new Set(
                [...aliased.entries()].filter(([a]) => a in baseline).map(([, r]) => r.urn),
            );
            const added = resources
                .filter((r) => !(r.urn in baseline) && !renamed.has(r.urn))
                .map((r) => r.type);
            assert.deepStrictEqual([...new Set(added)].sort(), [...(ADDED[stack] ?? [])].sort());
        });
    }
});
