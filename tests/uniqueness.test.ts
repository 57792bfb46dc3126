/**
 * What a real AWS account refuses and mocks accept: names AWS keeps unique per account or Region,
 * replacements that would create a second holder of a unique name, and names AWS's own rules forbid.
 */
import * as assert from "assert";
import * as path from "path";
import {
    iamRoleResourceName,
    taskFamily,
    defaultNamespaceName,
    dnsLabel,
} from "../components/naming";
import { evaluateStack } from "../offline/engine/program";
import { listStacks } from "../offline/engine/project";
import { collisions, fixedNames } from "../offline/engine/uniqueNames";
import { EcsService } from "../components/service/ecsService";
import { ServiceConnectCluster } from "../components/service/cluster";
import { adoptNetwork } from "../components/network/adopt";
import { ofType, startRuntime, T } from "./support/helpers";

const ROOT = path.resolve(__dirname, "..");

describe("names AWS keeps unique", () => {
    let planned: {
        stack: string;
        region: string;
        names: ReturnType<typeof fixedNames>;
        families: string[];
    }[];
    before(async () => {
        planned = [];
        for (const stack of listStacks(ROOT)) {
            const e = await evaluateStack(ROOT, stack);
            planned.push({
                stack,
                region: e.region,
                names: fixedNames(e.resources, e.region),
                families: ofType(e.registrations, T.taskDef).map((t) => t.inputs.family),
            });
        }
    });

    it("every committed stack planned into one account and Region collides on no unique name", () => {
        assert.deepStrictEqual(collisions(planned), []);
        // The check is not vacuous: every stack fixes its namespace, log group names and discovery names.
        for (const p of planned) {
            assert.ok(
                p.names.some(
                    (n) =>
                        n.type === "aws:servicediscovery/httpNamespace:HttpNamespace" &&
                        n.name === `${p.stack}.serviceconnectns`,
                ),
                p.stack,
            );
        }
    });

    it("finds the collision two stacks with the old shared default namespace would hit (NamespaceAlreadyExists)", () => {
        const shared = (stack: string) => ({
            stack,
            names: [
                {
                    urn: `urn:${stack}:ns`,
                    type: "aws:servicediscovery/httpNamespace:HttpNamespace",
                    name: "serviceconnectns",
                    key: "region:us-east-1:aws:servicediscovery/httpNamespace:HttpNamespace:serviceconnectns",
                    deleteBeforeReplace: true,
                },
            ],
        });
        assert.deepStrictEqual(collisions([shared("dev"), shared("prod")]), [
            {
                key: "region:us-east-1:aws:servicediscovery/httpNamespace:HttpNamespace:serviceconnectns",
                holders: ["dev: urn:dev:ns", "prod: urn:prod:ns"],
            },
        ]);
    });

    it("every resource that fixes a unique name is replaced delete-first (a create-first replacement would collide with itself), but the namespace", () => {
        const fixed = planned.flatMap((p) => p.names);
        assert.ok(
            fixed.some((n) => n.type === "aws:ecs/service:Service"),
            "Service Connect servers fix discovery names",
        );
        // A namespace is replaced only when its name changes, so the new one never collides with the old;
        // and Cloud Map refuses to delete a namespace that still has services (ResourceInUse), so it
        // must go last, once the services moved to the new one.
        const namespaces = fixed.filter((n) => n.type.startsWith("aws:servicediscovery/"));
        assert.deepStrictEqual(
            [namespaces.length, namespaces.filter((n) => n.deleteBeforeReplace).length],
            [planned.length, 0],
        );
        assert.deepStrictEqual(
            fixed
                .filter((n) => !n.deleteBeforeReplace && !namespaces.includes(n))
                .map((n) => `${n.type} ${n.name}`),
            [],
        );
    });

    it("puts the project and stack in every task definition family, so stacks never interleave revisions", () => {
        const families = planned.flatMap((p) => p.families);
        assert.strictEqual(new Set(families).size, families.length);
        assert.deepStrictEqual([...planned.find((p) => p.stack === "dev")!.families].sort(), [
            "ecsnet-dev-client-nginx",
            "ecsnet-dev-internal-nginx",
        ]);
    });
});

describe("names AWS refuses", () => {
    it("keeps auto-named IAM roles within 64 characters, whatever the service is called", async () => {
        const runtime = await startRuntime();
        const cluster = new ServiceConnectCluster("core", { namespaceName: "ns" });
        const long = "payments-settlement-reconciliation-worker-eu-central";
        new EcsService(long, {
            cluster,
            network: adoptNetwork({
                pattern: "private",
                vpcId: "v",
                vpcCidr: "10.0.0.0/16",
                taskSubnetIds: ["s"],
            }),
            containers: [{ name: "app", image: "x" }],
        });
        await runtime.settle();
        const roles = ofType(runtime.registrations, T.role).map((r) => r.name);
        assert.strictEqual(roles.length, 2);
        for (const name of roles) {
            assert.ok(
                name.length + 8 <= 64,
                `${name} (${name.length}) + Pulumi's 8-character suffix exceeds IAM's 64`,
            );
        }
        assert.notStrictEqual(roles[0], roles[1]);
        assert.match(roles[0], /-execution$/);
    });

    it("shortens a long role base deterministically, and keeps distinct bases distinct", () => {
        const a = iamRoleResourceName("x".repeat(60), "execution");
        assert.strictEqual(a, iamRoleResourceName("x".repeat(60), "execution"));
        assert.strictEqual(a.length, 56);
        assert.notStrictEqual(a, iamRoleResourceName("x".repeat(59) + "y", "execution"));
        assert.strictEqual(iamRoleResourceName("api", "task"), "api-task");
    });

    it("derives a valid per-stack namespace and family from any stack name", () => {
        assert.strictEqual(defaultNamespaceName("Prod_EU.1"), "prod-eu-1.serviceconnectns");
        assert.strictEqual(dnsLabel("---"), "stack");
        assert.strictEqual(taskFamily("ecsnet", "prod.eu", "api"), "ecsnet-prod-eu-api");
    });
});
