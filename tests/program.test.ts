import * as assert from "assert";
import * as path from "path";
import { ConfigError, parseStackConfig } from "../stack/config";
import { evaluateStack } from "../offline/engine/program";
import { configString, listStacks, loadProject } from "../offline/engine/project";
import { deployOrder } from "../stack/plan";
import { countsByType, ofType, SEED_SERVICE_COUNTS, T } from "./support/helpers";

const ROOT = path.resolve(__dirname, "..");

describe("the whole program", () => {
    it("has exactly the committed stacks dev, ec2, games, prod and web", () => {
        assert.deepStrictEqual(listStacks(ROOT), ["dev", "ec2", "games", "prod", "web"]);
    });

    it("dev: the private pattern on 2 AZs, one NAT gateway, the seed services", async () => {
        const { registrations } = await evaluateStack(ROOT, "dev");
        assert.deepStrictEqual(countsByType(registrations), {
            ...SEED_SERVICE_COUNTS,
            [T.vpc]: 1,
            [T.igw]: 1,
            [T.subnet]: 3,
            [T.routeTable]: 3,
            [T.rta]: 3,
            [T.route]: 3,
            [T.eip]: 1,
            [T.nat]: 1,
        });
    });

    it("prod: the private pattern on 3 AZs, a NAT gateway per AZ, endpoints, flow logs, the seed services", async () => {
        const { registrations } = await evaluateStack(ROOT, "prod");
        assert.deepStrictEqual(countsByType(registrations), {
            ...SEED_SERVICE_COUNTS,
            // VPC flow logs: their log group, role, role policy and the flow log.
            [T.logGroup]: 3,
            [T.role]: 5,
            [T.rolePolicy]: 2,
            "aws:ec2/flowLog:FlowLog": 1,
            [T.sg]: 3,
            [T.ingress]: 2,
            [T.vpc]: 1,
            [T.igw]: 1,
            [T.subnet]: 6,
            [T.routeTable]: 4,
            [T.rta]: 6,
            [T.route]: 4,
            [T.eip]: 3,
            [T.nat]: 3,
            [T.endpoint]: 4,
        });
        const zones = ofType(registrations, T.subnet)
            .filter((s) => s.inputs.tags["ecsnet:tier"] === "private")
            .map((s) => s.inputs.availabilityZone);
        assert.deepStrictEqual(zones, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    });

    it("games: the public pattern with one non-sensitive game server admitting only its UDP game port", async () => {
        const { registrations } = await evaluateStack(ROOT, "games");
        assert.deepStrictEqual(countsByType(registrations), {
            [T.vpc]: 1,
            [T.igw]: 1,
            [T.subnet]: 2,
            [T.routeTable]: 1,
            [T.rta]: 2,
            [T.route]: 1,
            [T.httpNamespace]: 1,
            [T.cluster]: 1,
            [T.logGroup]: 1,
            [T.role]: 2,
            [T.policyAttachment]: 1,
            [T.sg]: 1,
            [T.egress]: 1,
            [T.ingress]: 1,
            [T.taskDef]: 1,
            [T.service]: 1,
        });
        const [svc] = ofType(registrations, T.service);
        assert.strictEqual(svc.inputs.networkConfiguration.assignPublicIp, true);
        assert.strictEqual(svc.inputs.tags["data-classification"], undefined);
        const [rule] = ofType(registrations, T.ingress);
        assert.deepStrictEqual(
            [
                rule.inputs.ipProtocol,
                rule.inputs.fromPort,
                rule.inputs.toPort,
                rule.inputs.cidrIpv4,
            ],
            ["udp", 7777, 7777, "0.0.0.0/0"],
        );
    });

    it("roots every resource in the stack: the Stack resource is the top parent", async () => {
        const { registrations } = await evaluateStack(ROOT, "dev");
        const stack = registrations.find((r) => r.type === "pulumi:pulumi:Stack")!;
        const urns = new Set(registrations.map((r) => r.urn));
        for (const r of registrations.filter((x) => x !== stack)) {
            assert.ok(
                r.parent !== null && urns.has(r.parent),
                `${r.type} ${r.name} has no registered parent`,
            );
        }
    });

    it("exports the VPC, cluster, service names, endpoint URLs and the exact ECS Exec check (after up)", async () => {
        const { outputs, resources } = await evaluateStack(ROOT, "dev", { mode: "after-up" });
        // The names the provider generated (`<name>-<7 hex>`), as the stack exports them.
        const named = (type: string, name: string) =>
            resources.find((r) => r.type === type && r.name === name)!.outputs.name as string;
        const cluster = named("aws:ecs/cluster:Cluster", "dev-cluster");
        const [server, client] = ["internal-nginx", "client-nginx"].map((n) =>
            named("aws:ecs/service:Service", n),
        );
        assert.match(cluster, /^dev-cluster-[0-9a-f]{7}$/);
        assert.deepStrictEqual(outputs, {
            pattern: "private",
            launchType: "FARGATE",
            vpcId: "<vpc:dev-vpc>",
            taskSubnetIds: ["<subnet:dev-private-0>", "<subnet:dev-private-1>"],
            clusterName: cluster,
            namespace: "dev.serviceconnectns",
            serviceNames: { "internal-nginx": server, "client-nginx": client },
            serviceConnectEndpoints: {
                "internal-nginx": ["http://internal-nginx.dev.serviceconnectns:80"],
            },
            execCheckCommands: {
                "client-nginx -> internal-nginx": `aws ecs execute-command --region us-east-1 --cluster ${cluster} --task $(aws ecs list-tasks --region us-east-1 --cluster ${cluster} --service-name ${client} --query 'taskArns[0]' --output text) --container client-nginx --interactive --command "curl -sS http://internal-nginx.dev.serviceconnectns:80"`,
            },
        });
    });
});

describe("a stack with no NAT gateway", () => {
    const fixture = path.join(ROOT, "tests", "fixtures", "Pulumi.isolated.yaml");

    it("gets an endpoint for everything its services call: images, logs, ECS Exec, Secrets Manager", async () => {
        const { registrations } = await evaluateStack(ROOT, "isolated", { stackFile: fixture });
        assert.deepStrictEqual(ofType(registrations, T.nat), []);
        const services = ofType(registrations, T.endpoint).map((e) =>
            String(e.inputs.serviceName).split(".").slice(3).join("."),
        );
        assert.deepStrictEqual(services.sort(), [
            "ecr.api",
            "ecr.dkr",
            "logs",
            "s3",
            "secretsmanager",
            "ssmmessages",
        ]);
        // Tasks start only once the endpoints exist.
        const svc = ofType(registrations, T.service).find((s) => s.name === "reports")!;
        for (const e of ofType(registrations, T.endpoint)) {
            assert.ok(svc.dependencies.includes(e.urn), `reports does not wait for ${e.name}`);
        }
    });

    it("refuses an image no endpoint serves, naming the stack-file key, the image and the fix", async () => {
        await assert.rejects(
            evaluateStack(ROOT, "isolated", {
                stackFile: fixture,
                extraConfig: {
                    "ecsnet:services": [
                        { name: "web", image: "public.ecr.aws/nginx/nginx:stable" },
                    ],
                },
            }),
            {
                name: "ConfigError",
                message:
                    'ecsnet:services[0].image "public.ecr.aws/nginx/nginx:stable" comes from public.ecr.aws, which no VPC endpoint serves, and the network has no outbound internet (no NAT); copy the image to a private ECR repository, or give the network a NAT gateway. (refused by EcsService "web")',
            },
        );
    });
});

describe("stack configuration", () => {
    /** Pulumi.yaml's defaults, as the CLI hands them to the program (strings; JSON for lists). */
    const base: Record<string, string> = Object.fromEntries(
        Object.entries(loadProject(ROOT).config).map(([k, d]) => [k, configString(d.default)]),
    );

    it("types the declared keys and the services list", () => {
        const config = parseStackConfig(
            {
                ...base,
                services: JSON.stringify([
                    {
                        name: "a",
                        image: "x",
                        ports: [{ name: "web", containerPort: 80, serviceConnect: true }],
                    },
                ]),
            },
            "ecsnet",
        );
        assert.deepStrictEqual(config.network, {
            pattern: "private",
            cidrBlock: "10.0.0.0/16",
            azCount: 2,
            natStrategy: "OnePerAz",
            vpcEndpoints: false,
        });
        assert.deepStrictEqual(config.services, [
            {
                name: "a",
                image: "x",
                ports: [{ name: "web", containerPort: 80, serviceConnect: true }],
            },
        ]);
    });

    it("uses availabilityZones instead of azCount when it lists zones", () => {
        const config = parseStackConfig({ ...base, availabilityZones: '["us-east-1b"]' }, "ecsnet");
        assert.deepStrictEqual(config.network.availabilityZones, ["us-east-1b"]);
        assert.strictEqual(config.network.azCount, undefined);
    });

    const bad: [string, Record<string, string>, string][] = [
        [
            "an unknown pattern",
            { pattern: "hybrid" },
            'ecsnet:pattern must be one of private, public (got "hybrid"); set one of those.',
        ],
        [
            "a non-integer azCount",
            { azCount: "two" },
            'ecsnet:azCount must be an integer (got "two"); set a whole number.',
        ],
        [
            "an unknown NAT strategy",
            { natStrategy: "PerAz" },
            'ecsnet:natStrategy must be one of OnePerAz, Single, None (got "PerAz"); set one of those.',
        ],
        [
            "endpoints on the public pattern",
            { pattern: "public", vpcEndpoints: "true" },
            "ecsnet:vpcEndpoints applies to the private pattern only, but ecsnet:pattern is public; remove vpcEndpoints from the stack file or set pattern to private.",
        ],
        [
            "a service without an image",
            { services: '[{"name":"a"}]' },
            "ecsnet:services[0].image is required; add it.",
        ],
        [
            "a misspelt service field",
            { services: '[{"name":"a","image":"x","imge":"y"}]' },
            'ecsnet:services[0] has an unknown field "imge"; the fields are name, image, command, cpu, memory, desiredCount, sensitive, enableExec, calls, ports, environment, secrets, secretsKmsKeyArns, networkMode, allowInstanceRoleAccess, waitForSteadyState, loadBalancer, scaling, runtimePlatform.',
        ],
        [
            "a port given as a string",
            {
                services:
                    '[{"name":"a","image":"x","ports":[{"name":"web","containerPort":"80"}]}]',
            },
            'ecsnet:services[0].ports[0].containerPort must be an integer (got "80"); write a number without quotes.',
        ],
        [
            "a call to a service that does not exist",
            { services: '[{"name":"a","image":"x","calls":["b"]}]' },
            'ecsnet:services[0].calls[0] names "b", which is not a service in this stack; use one of a.',
        ],
        [
            "two services with one name",
            { services: '[{"name":"a","image":"x"},{"name":"a","image":"y"}]' },
            'ecsnet:services[1].name "a" is used twice; give each service its own name.',
        ],
    ];
    for (const [what, change, message] of bad) {
        it(`refuses ${what}`, () => {
            assert.throws(() => parseStackConfig({ ...base, ...change }, "ecsnet"), {
                name: "ConfigError",
                message,
            });
        });
    }

    it("orders servers before their clients and refuses cycles", () => {
        const order = deployOrder([
            { name: "web", image: "x", calls: ["api"] },
            { name: "api", image: "x", calls: ["db"] },
            { name: "db", image: "x" },
        ]).map((s) => s.name);
        assert.deepStrictEqual(order, ["db", "api", "web"]);
        assert.throws(
            () =>
                deployOrder(
                    [
                        { name: "a", image: "x", calls: ["b"] },
                        { name: "b", image: "x", calls: ["a"] },
                    ],
                    "ecsnet:services",
                ),
            new ConfigError(
                "ecsnet:services: calls form a cycle (a -> b -> a); Service Connect starts servers before their clients, so break the cycle.",
            ),
        );
    });
});
