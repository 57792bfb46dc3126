import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PolicyPackClient, PACK_DIR } from "../offline/policy/analyzer";
import { checkPolicies } from "../offline/policy/check";
import { evaluateStack } from "../offline/engine/program";
import { listStacks } from "../offline/engine/project";
import { countsByType, T } from "./support/helpers";
import { listeningPorts } from "./support/imagePorts";

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "basic");

/** The README's example program, run as `pulumi up` would run it, so it cannot rot. */
describe("examples/basic (the README's example)", () => {
    it("builds a public web service and a private server with its client, wired through Service Connect", async () => {
        const { registrations, outputs } = await evaluateStack(EXAMPLE, "example", {
            mode: "after-up",
        });
        const counts = countsByType(registrations);
        assert.deepStrictEqual(
            [counts[T.vpc], counts[T.nat], counts[T.service], counts[T.cluster]],
            [2, 1, 3, 1],
        );
        assert.strictEqual(outputs.apiUrl, "http://api.apps.internal:80");
        const services = registrations.filter((r) => r.type === T.service);
        const byName = (n: string) => services.find((s) => s.name === n)!;
        assert.strictEqual((byName("web").inputs.networkConfiguration as any).assignPublicIp, true);
        assert.strictEqual(
            (byName("api").inputs.networkConfiguration as any).assignPublicIp,
            false,
        );
        assert.ok(
            byName("worker").dependencies.includes(byName("api").urn),
            "the client deploys after its server",
        );
        const open = registrations.filter(
            (r) => r.type === T.ingress && r.inputs.cidrIpv4 === "0.0.0.0/0",
        );
        assert.deepStrictEqual(
            open.map((r) => [r.name, r.inputs.fromPort]),
            [["web-in-tcp-80-from-internet", 80]],
        );
    });

    it("exposes and routes only ports its images listen on, in the example and every committed stack", async () => {
        const stacks = [
            { dir: EXAMPLE, stack: "example" },
            ...listStacks(ROOT).map((stack) => ({ dir: ROOT, stack })),
        ];
        const checked: string[] = [];
        for (const { dir, stack } of stacks) {
            const { registrations } = await evaluateStack(dir, stack, { mode: "after-up" });
            const byUrn = new Map(registrations.map((r) => [r.urn, r]));
            for (const svc of registrations.filter((r) => r.type === T.service)) {
                const taskDefinition = byUrn.get(
                    (svc.propertyDependencies.taskDefinition ?? [])[0],
                )!;
                const containers = JSON.parse(taskDefinition.inputs.containerDefinitions) as {
                    image: string;
                    portMappings: { name: string; containerPort: number }[];
                }[];
                const used = [
                    ...((svc.inputs.serviceConnectConfiguration as any)?.services ?? []).map(
                        (s: any) => s.portName as string,
                    ),
                    ...((svc.inputs.loadBalancers as any[]) ?? []).map(
                        (lb) =>
                            containers
                                .flatMap((c) => c.portMappings)
                                .find((p) => p.containerPort === lb.containerPort)!.name,
                    ),
                ];
                for (const c of containers) {
                    const served = c.portMappings.filter((m) => used.includes(m.name));
                    if (served.length === 0) continue;
                    const listening = listeningPorts(c.image);
                    assert.ok(
                        listening,
                        `${stack}: ${c.image} is not in tests/support/imagePorts.ts; add what it listens on`,
                    );
                    for (const p of served) {
                        assert.ok(
                            listening!.includes(p.containerPort),
                            `${stack}: ${svc.name} sends traffic to ${c.image} on ${p.containerPort}, but it listens on ${listening!.join(", ") || "nothing"}`,
                        );
                        checked.push(`${stack}/${svc.name}:${p.containerPort}`);
                    }
                }
            }
        }
        assert.ok(checked.includes("example/api:80") && checked.length >= 6, checked.join(" "));
    });

    it("is what the README shows: every line of the README's example is in examples/basic/index.ts", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const [, block] =
            /## Using the components in your own program[\s\S]*?```ts\n([\s\S]*?)```/.exec(
                readme,
            ) ?? [];
        const source = fs.readFileSync(path.join(EXAMPLE, "index.ts"), "utf8").split("\n");
        const lines = block.split("\n").filter((l) => l.trim() !== "");
        assert.ok(lines.length > 20);
        assert.deepStrictEqual(
            lines.filter((l) => !source.includes(l)),
            [],
        );
    });

    it("passes the policy pack at preview", async () => {
        const evaluation = await evaluateStack(EXAMPLE, "example");
        const client = await PolicyPackClient.start(path.join(ROOT, PACK_DIR));
        try {
            const check = await checkPolicies(client, evaluation.resources, {
                project: "ecs-example",
                stack: "example",
                mode: "preview",
            });
            assert.deepStrictEqual(check.violations, []);
        } finally {
            client.close();
        }
    });
});
