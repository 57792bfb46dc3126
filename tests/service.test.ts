import * as aws from "@pulumi/aws";
import * as assert from "assert";
import { adoptNetwork } from "../components/network/adopt";
import { ServiceConnectCluster } from "../components/service/cluster";
import { EcsService, EcsServiceArgs } from "../components/service/ecsService";
import { fargateSizeProblem } from "../components/service/fargate";
import { Registration } from "../offline/engine/runtime";
import {
    byId,
    countsByType,
    ofType,
    one,
    SEED_SERVICE_COUNTS,
    startRuntime,
    T,
} from "./support/helpers";

const privateNet = () =>
    adoptNetwork({
        pattern: "private",
        vpcId: "vpc-1",
        vpcCidr: "10.0.0.0/16",
        taskSubnetIds: ["subnet-a", "subnet-b"],
    });
const publicNet = () =>
    adoptNetwork({
        pattern: "public",
        vpcId: "vpc-1",
        vpcCidr: "10.0.0.0/16",
        taskSubnetIds: ["subnet-a"],
    });

const nginx = (name: string, extra: Partial<EcsServiceArgs["containers"][0]> = {}) => ({
    name,
    image: "public.ecr.aws/nginx/nginx:stable",
    portMappings: [{ name, containerPort: 80, appProtocol: "http" as const }],
    ...extra,
});

/** The seed scenario: internal-nginx (server, sensitive) and client-nginx (client, ECS Exec). */
async function seed(
    extraServer?: (c: ServiceConnectCluster, net: ReturnType<typeof privateNet>) => EcsService,
) {
    const runtime = await startRuntime();
    const network = privateNet();
    const cluster = new ServiceConnectCluster("core", { namespaceName: "serviceconnectns" });
    const server = new EcsService("internal-nginx", {
        cluster,
        network,
        containers: [nginx("internal-nginx")],
        expose: [{ portName: "internal-nginx" }],
        sensitive: true,
    });
    const more = extraServer ? [extraServer(cluster, network)] : [];
    const client = new EcsService("client-nginx", {
        cluster,
        network,
        containers: [{ name: "client-nginx", image: "public.ecr.aws/nginx/nginx:stable" }],
        calls: [server, ...more],
        enableExecuteCommand: true,
    });
    await runtime.settle();
    return { regs: runtime.registrations, server, client };
}

const service = (regs: Registration[], name: string) => one(regs, T.service, name);

describe("ServiceConnectCluster", () => {
    it("creates an HTTP namespace and points the cluster's Service Connect default at it by ARN", async () => {
        const runtime = await startRuntime();
        new ServiceConnectCluster("core", { namespaceName: "serviceconnectns" });
        await runtime.settle();
        const regs = runtime.registrations;
        assert.deepStrictEqual(countsByType(regs), { [T.httpNamespace]: 1, [T.cluster]: 1 });
        const ns = one(regs, T.httpNamespace, "core-namespace");
        assert.strictEqual(ns.inputs.name, "serviceconnectns");
        const cluster = one(regs, T.cluster, "core-cluster");
        assert.deepStrictEqual(cluster.inputs.serviceConnectDefaults, {
            namespace:
                "arn:aws:servicediscovery:us-east-1:000000000000:httpnamespace/serviceconnectns",
        });
        assert.ok(cluster.dependencies.includes(ns.urn));
        assert.deepStrictEqual(cluster.inputs.settings, [
            { name: "containerInsights", value: "enabled" },
        ]);
    });

    it("creates a private DNS namespace in the VPC when asked", async () => {
        const runtime = await startRuntime();
        new ServiceConnectCluster("core", {
            namespaceName: "internal.local",
            namespaceType: "dns",
            vpcId: "vpc-1",
            containerInsights: false,
        });
        await runtime.settle();
        const ns = one(runtime.registrations, T.dnsNamespace, "core-namespace");
        assert.deepStrictEqual([ns.inputs.name, ns.inputs.vpc], ["internal.local", "vpc-1"]);
        assert.deepStrictEqual(
            one(runtime.registrations, T.cluster, "core-cluster").inputs.settings,
            [{ name: "containerInsights", value: "disabled" }],
        );
    });
});

describe("EcsService with Service Connect", () => {
    it("registers exactly the resources of a server and a client", async () => {
        const { regs } = await seed();
        assert.deepStrictEqual(countsByType(regs), SEED_SERVICE_COUNTS);
    });

    it("the server exposes its port by portName with one client alias, namespace by ARN", async () => {
        const { regs, server } = await seed();
        assert.deepStrictEqual(service(regs, "internal-nginx").inputs.serviceConnectConfiguration, {
            enabled: true,
            namespace:
                "arn:aws:servicediscovery:us-east-1:000000000000:httpnamespace/serviceconnectns",
            services: [
                {
                    portName: "internal-nginx",
                    discoveryName: "internal-nginx",
                    clientAlias: [{ port: 80 }],
                },
            ],
        });
        assert.deepStrictEqual(server.endpointUrls, ["http://internal-nginx.serviceconnectns:80"]);
        assert.strictEqual(server.role, "server");
    });

    it("passes TLS, timeouts and a client alias dnsName through to the server's entry and URL", async () => {
        const runtime = await startRuntime();
        const cluster = new ServiceConnectCluster("core", { namespaceName: "serviceconnectns" });
        const grpc = {
            name: "orders",
            image: "x",
            portMappings: [{ name: "orders", containerPort: 50051, appProtocol: "grpc" as const }],
        };
        const server = new EcsService("orders", {
            cluster,
            network: privateNet(),
            containers: [grpc],
            expose: [
                {
                    portName: "orders",
                    clientAliases: [{ port: 443, dnsName: "orders.internal" }],
                    idleTimeoutSeconds: 0,
                    perRequestTimeoutSeconds: 30,
                    tls: {
                        issuerCertAuthorityArn:
                            "arn:aws:acm-pca:us-east-1:1:certificate-authority/ca",
                        roleArn: "arn:aws:iam::1:role/sc-tls",
                    },
                },
            ],
        });
        await runtime.settle();
        assert.deepStrictEqual(
            one(runtime.registrations, T.service, "orders").inputs.serviceConnectConfiguration
                .services,
            [
                {
                    portName: "orders",
                    discoveryName: "orders",
                    clientAlias: [{ port: 443, dnsName: "orders.internal" }],
                    timeout: { idleTimeoutSeconds: 0, perRequestTimeoutSeconds: 30 },
                    tls: {
                        issuerCertAuthority: {
                            awsPcaAuthorityArn:
                                "arn:aws:acm-pca:us-east-1:1:certificate-authority/ca",
                        },
                        roleArn: "arn:aws:iam::1:role/sc-tls",
                    },
                },
            ],
        );
        assert.deepStrictEqual(server.endpointUrls, ["grpc://orders.internal:443"]);
    });

    it("the client enables Service Connect in the namespace with no services", async () => {
        const { regs, client } = await seed();
        assert.deepStrictEqual(service(regs, "client-nginx").inputs.serviceConnectConfiguration, {
            enabled: true,
            namespace:
                "arn:aws:servicediscovery:us-east-1:000000000000:httpnamespace/serviceconnectns",
        });
        assert.strictEqual(client.role, "client");
    });

    it("the client service depends on the server service, the cluster and the namespace", async () => {
        const { regs } = await seed();
        const client = service(regs, "client-nginx");
        for (const dep of [
            service(regs, "internal-nginx"),
            one(regs, T.cluster, "core-cluster"),
            one(regs, T.httpNamespace, "core-namespace"),
        ]) {
            assert.ok(
                client.dependencies.includes(dep.urn),
                `client does not depend on ${dep.name}`,
            );
        }
    });

    it("the server's only ingress is the client's security group on the container port", async () => {
        const { regs } = await seed();
        const serverSg = one(regs, T.sg, "internal-nginx-sg");
        const clientSg = one(regs, T.sg, "client-nginx-sg");
        const rules = ofType(regs, T.ingress).filter(
            (r) => r.inputs.securityGroupId === serverSg.id,
        );
        assert.deepStrictEqual(
            rules.map((r) => [
                r.inputs.ipProtocol,
                r.inputs.fromPort,
                r.inputs.toPort,
                r.inputs.referencedSecurityGroupId,
                r.inputs.cidrIpv4,
            ]),
            [["tcp", 80, 80, clientSg.id, undefined]],
        );
        assert.deepStrictEqual(
            ofType(regs, T.ingress).filter((r) => r.inputs.securityGroupId === clientSg.id),
            [],
        );
        assert.ok(
            service(regs, "client-nginx").dependencies.includes(rules[0].urn),
            "the client starts only once it is admitted",
        );
    });

    it("opens nothing to 0.0.0.0/0 or ::/0", async () => {
        const { regs } = await seed();
        for (const rule of ofType(regs, T.ingress)) {
            assert.strictEqual(rule.inputs.cidrIpv4, undefined);
            assert.strictEqual(rule.inputs.cidrIpv6, undefined);
        }
    });

    it("passes the endpoint URL to the client's containers as INTERNAL_NGINX_URL", async () => {
        const { regs } = await seed();
        const [container] = JSON.parse(
            one(regs, T.taskDef, "client-nginx-task").inputs.containerDefinitions,
        );
        assert.deepStrictEqual(container.environment, [
            { name: "INTERNAL_NGINX_URL", value: "http://internal-nginx.serviceconnectns:80" },
        ]);
    });

    it("the server's port mapping carries its name and appProtocol", async () => {
        const { regs } = await seed();
        const [container] = JSON.parse(
            one(regs, T.taskDef, "internal-nginx-task").inputs.containerDefinitions,
        );
        assert.deepStrictEqual(container.portMappings, [
            { name: "internal-nginx", containerPort: 80, protocol: "tcp", appProtocol: "http" },
        ]);
    });

    it("redeploys the client when a new server joins its calls, through its task definition, and never forces a deployment", async () => {
        const taskDefOf = (regs: Registration[]) =>
            one(regs, T.taskDef, "client-nginx-task").inputs.containerDefinitions;
        const before = await seed();
        const after = await seed(
            (cluster, network) =>
                new EcsService("orders", {
                    cluster,
                    network,
                    containers: [nginx("orders")],
                    expose: [{ portName: "orders" }],
                }),
        );
        // A new task definition revision is a new deployment: the new tasks learn the new name.
        assert.notStrictEqual(taskDefOf(before.regs), taskDefOf(after.regs));
        assert.deepStrictEqual(JSON.parse(taskDefOf(after.regs))[0].environment, [
            { name: "INTERNAL_NGINX_URL", value: "http://internal-nginx.serviceconnectns:80" },
            { name: "ORDERS_URL", value: "http://orders.serviceconnectns:80" },
        ]);
        // forceNewDeployment: true makes the provider redeploy every task on every update, whatever changed.
        for (const { regs } of [before, after]) {
            for (const svc of ofType(regs, T.service)) {
                assert.deepStrictEqual(
                    [svc.inputs.forceNewDeployment, svc.inputs.triggers],
                    [undefined, undefined],
                    svc.name,
                );
            }
        }
    });

    it("changing only desiredCount leaves the task definition alone and forces no deployment", async () => {
        const build = async (desiredCount: number) => {
            const runtime = await startRuntime();
            const cluster = new ServiceConnectCluster("core", {
                namespaceName: "serviceconnectns",
            });
            const network = privateNet();
            const server = new EcsService("internal-nginx", {
                cluster,
                network,
                containers: [nginx("internal-nginx")],
                expose: [{ portName: "internal-nginx" }],
            });
            new EcsService("client-nginx", {
                cluster,
                network,
                containers: [{ name: "client-nginx", image: "x" }],
                calls: [server],
                desiredCount,
            });
            await runtime.settle();
            return runtime.registrations;
        };
        const [one1, one3] = [await build(1), await build(3)];
        assert.strictEqual(
            one(one1, T.taskDef, "client-nginx-task").inputs.containerDefinitions,
            one(one3, T.taskDef, "client-nginx-task").inputs.containerDefinitions,
        );
        const [a, b] = [service(one1, "client-nginx").inputs, service(one3, "client-nginx").inputs];
        assert.deepStrictEqual(
            [a.desiredCount, b.desiredCount, b.forceNewDeployment],
            [1, 3, undefined],
        );
    });

    it("a server waits for steady state before its clients are created, unless told not to", async () => {
        const { regs } = await seed();
        assert.strictEqual(service(regs, "internal-nginx").inputs.waitForSteadyState, true);
        assert.strictEqual(service(regs, "client-nginx").inputs.waitForSteadyState, false);
        assert.ok(
            service(regs, "client-nginx").dependencies.includes(
                service(regs, "internal-nginx").urn,
            ),
        );
        const runtime = await startRuntime();
        const cluster = new ServiceConnectCluster("core", { namespaceName: "serviceconnectns" });
        new EcsService("batch-api", {
            cluster,
            network: privateNet(),
            containers: [nginx("batch-api")],
            expose: [{ portName: "batch-api" }],
            waitForSteadyState: false,
        });
        await runtime.settle();
        assert.strictEqual(
            service(runtime.registrations, "batch-api").inputs.waitForSteadyState,
            false,
        );
    });

    it("replaces a server by deleting it first: its discovery name is unique in the namespace", async () => {
        const { regs } = await seed();
        assert.strictEqual(service(regs, "internal-nginx").deleteBeforeReplace, true);
        assert.strictEqual(
            service(regs, "client-nginx").deleteBeforeReplace,
            false,
            "a client claims no name, and keeps create-before-delete",
        );
        // The namespace is replaced only on a new name, create-first: Cloud Map keeps the old one until its services moved.
        assert.strictEqual(one(regs, T.httpNamespace, "core-namespace").deleteBeforeReplace, false);
    });

    it("starts tasks only once the roles can do their work and the network has a way out", async () => {
        const runtime = await startRuntime();
        const cluster = new ServiceConnectCluster("core", { namespaceName: "serviceconnectns" });
        const route = new aws.ec2.Route("nat-route", {
            routeTableId: "rtb-1",
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: "nat-1",
        });
        new EcsService("payments", {
            cluster,
            network: { ...privateNet(), outboundReady: [route] },
            containers: [
                {
                    name: "app",
                    image: "x",
                    secrets: { DB: "arn:aws:ssm:us-east-1:111111111111:parameter/db" },
                },
            ],
            enableExecuteCommand: true,
        });
        await runtime.settle();
        const regs = runtime.registrations;
        const deps = service(regs, "payments").dependencies;
        for (const [type, name] of [
            [T.policyAttachment, "payments-execution-managed"],
            [T.rolePolicy, "payments-execution-secrets"],
            [T.rolePolicy, "payments-task-exec"],
            [T.route, "nat-route"],
        ]) {
            assert.ok(
                deps.includes(one(regs, type, name).urn),
                `the service does not wait for ${name}`,
            );
        }
    });

    it("tags the sensitive service and its task definition, and propagates tags to tasks", async () => {
        const { regs } = await seed();
        assert.strictEqual(
            service(regs, "internal-nginx").inputs.tags["data-classification"],
            "confidential",
        );
        assert.strictEqual(
            one(regs, T.taskDef, "internal-nginx-task").inputs.tags["data-classification"],
            "confidential",
        );
        assert.strictEqual(service(regs, "internal-nginx").inputs.propagateTags, "TASK_DEFINITION");
        assert.strictEqual(
            service(regs, "client-nginx").inputs.tags["data-classification"],
            undefined,
        );
    });

    it("gives the execution role exactly the AWS-managed task execution policy, the task role nothing by default", async () => {
        const { regs } = await seed();
        const role = one(regs, T.role, "internal-nginx-execution");
        const attached = ofType(regs, T.policyAttachment).filter(
            (a) => a.inputs.role === role.state.name,
        );
        assert.deepStrictEqual(
            attached.map((a) => a.inputs.policyArn),
            ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
        );
        assert.deepStrictEqual(
            ofType(regs, T.rolePolicy).filter((p) => p.inputs.role === role.id),
            [],
        );
        const serverTaskRole = one(regs, T.role, "internal-nginx-task");
        assert.deepStrictEqual(
            [...ofType(regs, T.rolePolicy), ...ofType(regs, T.policyAttachment)].filter(
                (p) =>
                    p.inputs.role === serverTaskRole.id ||
                    p.inputs.role === serverTaskRole.state.name,
            ),
            [],
        );
    });

    it("trusts ECS tasks as AWS documents: plainly for the execution role, this account and Region only for the task role", async () => {
        const { regs } = await seed();
        // "Amazon ECS task execution IAM role": the agents assume it with no source context to condition on.
        assert.deepStrictEqual(
            JSON.parse(one(regs, T.role, "internal-nginx-execution").inputs.assumeRolePolicy),
            {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "ecs-tasks.amazonaws.com" },
                        Action: "sts:AssumeRole",
                    },
                ],
            },
        );
        // "Amazon ECS task IAM role": the confused-deputy conditions.
        assert.deepStrictEqual(
            JSON.parse(one(regs, T.role, "internal-nginx-task").inputs.assumeRolePolicy).Statement,
            [
                {
                    Effect: "Allow",
                    Principal: { Service: "ecs-tasks.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:000000000000:*" },
                        StringEquals: { "aws:SourceAccount": "000000000000" },
                    },
                },
            ],
        );
    });

    it("ECS Exec adds only the four ssmmessages actions to the client's task role", async () => {
        const { regs } = await seed();
        const taskRole = one(regs, T.role, "client-nginx-task");
        const [policy] = ofType(regs, T.rolePolicy).filter((p) => p.inputs.role === taskRole.id);
        assert.deepStrictEqual(JSON.parse(policy.inputs.policy).Statement, [
            {
                Sid: "EcsExec",
                Effect: "Allow",
                Action: [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                Resource: "*",
            },
        ]);
        assert.strictEqual(service(regs, "client-nginx").inputs.enableExecuteCommand, true);
    });

    it("reads secrets through an execution-role policy scoped to exactly their ARNs", async () => {
        const runtime = await startRuntime();
        const cluster = new ServiceConnectCluster("core", { namespaceName: "serviceconnectns" });
        const ssm = "arn:aws:ssm:us-east-1:111111111111:parameter/db/password";
        const sm = "arn:aws:secretsmanager:us-east-1:111111111111:secret:api-key-AbCdEf";
        new EcsService("payments", {
            cluster,
            network: privateNet(),
            containers: [{ name: "app", image: "x", secrets: { DB_PASSWORD: ssm, API_KEY: sm } }],
        });
        await runtime.settle();
        const [policy] = ofType(runtime.registrations, T.rolePolicy);
        assert.strictEqual(
            byId(runtime.registrations, policy.inputs.role).name,
            "payments-execution",
        );
        assert.deepStrictEqual(JSON.parse(policy.inputs.policy).Statement, [
            {
                Sid: "SsmParameters",
                Effect: "Allow",
                Action: ["ssm:GetParameters"],
                Resource: [ssm],
            },
            {
                Sid: "SecretsManager",
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue"],
                Resource: [sm],
            },
        ]);
        const [container] = JSON.parse(
            one(runtime.registrations, T.taskDef, "payments-task").inputs.containerDefinitions,
        );
        assert.deepStrictEqual(container.secrets, [
            { name: "DB_PASSWORD", valueFrom: ssm },
            { name: "API_KEY", valueFrom: sm },
        ]);
    });

    it("grants a Secrets Manager JSON key or version on the secret's own ARN, and decrypt on customer-managed keys", async () => {
        const runtime = await startRuntime();
        const cluster = new ServiceConnectCluster("core", { namespaceName: "serviceconnectns" });
        const secret = "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf";
        const key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        new EcsService("payments", {
            cluster,
            network: privateNet(),
            containers: [
                {
                    name: "app",
                    image: "x",
                    secrets: {
                        DB_USER: `${secret}:username::`,
                        DB_PASS: `${secret}:password:AWSCURRENT:`,
                        OLD: `${secret}::AWSPREVIOUS:`,
                    },
                },
            ],
            secretsKmsKeyArns: [key],
        });
        await runtime.settle();
        const [policy] = ofType(runtime.registrations, T.rolePolicy);
        assert.deepStrictEqual(JSON.parse(policy.inputs.policy).Statement, [
            {
                Sid: "SecretsManager",
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue"],
                Resource: [secret],
            },
            { Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [key] },
        ]);
    });

    it("places Fargate tasks in the network's subnets with assignPublicIp from the pattern", async () => {
        const runtime = await startRuntime();
        const cluster = new ServiceConnectCluster("core", { namespaceName: "serviceconnectns" });
        new EcsService("game", {
            cluster,
            network: publicNet(),
            containers: [
                {
                    name: "game",
                    image: "x",
                    portMappings: [
                        {
                            name: "game",
                            containerPort: 7777,
                            protocol: "udp",
                            openToInternet: true,
                        },
                    ],
                },
            ],
        });
        await runtime.settle();
        const regs = runtime.registrations;
        const svc = service(regs, "game");
        assert.deepStrictEqual(svc.inputs.networkConfiguration, {
            subnets: ["subnet-a"],
            securityGroups: ["<securitygroup:game-sg>"],
            assignPublicIp: true,
        });
        assert.strictEqual(svc.inputs.serviceConnectConfiguration, undefined);
        const rules = ofType(regs, T.ingress);
        assert.deepStrictEqual(
            rules.map((r) => [
                r.inputs.ipProtocol,
                r.inputs.fromPort,
                r.inputs.toPort,
                r.inputs.cidrIpv4,
            ]),
            [["udp", 7777, 7777, "0.0.0.0/0"]],
        );
    });
});

const L = (n: string) => `EcsService "${n}"`;
const c0 = { name: "app", image: "x" };

describe("bad service input is refused before any resource registers", () => {
    const cases: [string, (cluster: ServiceConnectCluster) => void, string][] = [
        [
            "a portName that names no port mapping",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [{ ...c0, portMappings: [{ name: "web", containerPort: 80 }] }],
                    expose: [{ portName: "http" }],
                }),
            `${L("api")}: expose[0].portName "http" names no port mapping of this task; use one of web.`,
        ],
        [
            "a port name with capitals",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [{ ...c0, portMappings: [{ name: "Web", containerPort: 80 }] }],
                }),
            `${L("api")}: containers[0].portMappings[0].name "Web" breaks ECS's port name format (lowercase letters, digits, _ and -, at most 64 characters, not starting with -); use a name such as "web".`,
        ],
        [
            "a port name starting with -",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [{ ...c0, portMappings: [{ name: "-web", containerPort: 80 }] }],
                }),
            `${L("api")}: containers[0].portMappings[0].name "-web" breaks ECS's port name format (lowercase letters, digits, _ and -, at most 64 characters, not starting with -); use a name such as "web".`,
        ],
        [
            "a port name of 65 characters",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [
                        { ...c0, portMappings: [{ name: "a".repeat(65), containerPort: 80 }] },
                    ],
                }),
            `${L("api")}: containers[0].portMappings[0].name "${"a".repeat(65)}" breaks ECS's port name format (lowercase letters, digits, _ and -, at most 64 characters, not starting with -); use a name such as "web".`,
        ],
        [
            "two client aliases on one entry",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [nginx("api")],
                    expose: [{ portName: "api", clientAliases: [{ port: 80 }, { port: 8080 }] }],
                }),
            `${L("api")}: expose[0].clientAliases lists 2 aliases; ECS accepts one per entry, so expose the port again with another discoveryName for a second alias.`,
        ],
        [
            "a per-request timeout on a TCP port",
            (cluster) =>
                new EcsService("db", {
                    cluster,
                    network: privateNet(),
                    containers: [{ ...c0, portMappings: [{ name: "db", containerPort: 5432 }] }],
                    expose: [{ portName: "db", perRequestTimeoutSeconds: 5 }],
                }),
            `${L("db")}: expose[0].perRequestTimeoutSeconds applies only to http, http2 and grpc ports, and port mapping "db" has no appProtocol (plain TCP); remove the timeout or set appProtocol.`,
        ],
        [
            "a timeout below 1 s other than 0",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [nginx("api")],
                    expose: [{ portName: "api", idleTimeoutSeconds: 0.5 }],
                }),
            `${L("api")}: expose[0].idleTimeoutSeconds must be 0 (off) or a whole number of seconds, at least 1 (got 0.5).`,
        ],
        [
            "a negative per-request timeout",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [nginx("api")],
                    expose: [{ portName: "api", perRequestTimeoutSeconds: -1 }],
                }),
            `${L("api")}: expose[0].perRequestTimeoutSeconds must be 0 (off) or a whole number of seconds, at least 1 (got -1).`,
        ],
        [
            "a Fargate size Fargate does not offer",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [c0],
                    cpu: 256,
                    memory: 4096,
                }),
            `${L("api")}: cpu 256 with memory 4096 is not a size Fargate offers; with cpu 256 use memory 512, 1024, 2048.`,
        ],
        [
            "a cpu Fargate does not offer",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [c0],
                    cpu: 300,
                }),
            `${L("api")}: cpu 300 is not a Fargate size; use 256, 512, 1024, 2048, 4096, 8192, 16384.`,
        ],
        [
            "a client calling a service that exposes nothing",
            (cluster) => {
                const worker = new EcsService("worker", {
                    cluster,
                    network: privateNet(),
                    containers: [c0],
                });
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [c0],
                    calls: [worker],
                });
            },
            `${L("api")}: calls[0] names EcsService "worker", which exposes no Service Connect endpoint; add expose to it or remove it from calls.`,
        ],
        [
            "two services with one discovery name",
            (cluster) => {
                new EcsService("a", {
                    cluster,
                    network: privateNet(),
                    containers: [nginx("web")],
                    expose: [{ portName: "web" }],
                });
                new EcsService("b", {
                    cluster,
                    network: privateNet(),
                    containers: [nginx("web")],
                    expose: [{ portName: "web" }],
                });
            },
            `${L("b")}: expose[0].discoveryName "web" is already used in namespace serviceconnectns by EcsService "a"; pick another discoveryName.`,
        ],
        [
            "two services with one client alias",
            (cluster) => {
                new EcsService("a", {
                    cluster,
                    network: privateNet(),
                    containers: [nginx("web")],
                    expose: [{ portName: "web", clientAliases: [{ port: 80, dnsName: "api" }] }],
                });
                new EcsService("b", {
                    cluster,
                    network: privateNet(),
                    containers: [nginx("www")],
                    expose: [{ portName: "www", clientAliases: [{ port: 80, dnsName: "api" }] }],
                });
            },
            `${L("b")}: expose[0] client alias api:80 is already used in namespace serviceconnectns by EcsService "a"; pick another dnsName or port.`,
        ],
        [
            "more than 16 subnets",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: { ...privateNet(), taskSubnetCount: 17 },
                    containers: [c0],
                }),
            `${L("api")}: the network has 17 task subnets, more than the 16 ECS accepts for a service; place the service in at most 16.`,
        ],
        [
            "more than 5 security groups",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [c0],
                    securityGroupIds: ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5"],
                }),
            `${L("api")}: securityGroupIds brings the task to 6 security groups (its own plus 5), more than the 5 ECS accepts; pass at most 4.`,
        ],
        [
            "a sensitive service on the public pattern",
            (cluster) =>
                new EcsService("payments", {
                    cluster,
                    network: publicNet(),
                    containers: [c0],
                    sensitive: true,
                }),
            `${L("payments")}: sensitive is true but the network gives tasks public IPs (the public pattern); run the service on a private network, or clear sensitive if its data is not sensitive.`,
        ],
        [
            "openToInternet on the private pattern",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [
                        {
                            ...c0,
                            portMappings: [
                                { name: "web", containerPort: 443, openToInternet: true },
                            ],
                        },
                    ],
                }),
            `${L("api")}: containers[0].portMappings[0].openToInternet is set on port 443, but tasks on the private pattern get no public IP, so it would open nothing reachable; use the public pattern, or put a load balancer in front.`,
        ],
        [
            "a secret that is not an SSM or Secrets Manager ARN",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [{ ...c0, secrets: { TOKEN: "my-token" } }],
                }),
            `${L("api")}: containers[0].secrets.TOKEN "my-token" is not the ARN of an SSM parameter or a Secrets Manager secret; pass the parameter's or secret's full ARN.`,
        ],
        [
            "a KMS key alias where a key ARN is needed",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [c0],
                    secretsKmsKeyArns: ["alias/payments"],
                }),
            `${L("api")}: secretsKmsKeyArns[0] "alias/payments" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); pass the key's ARN, not its alias.`,
        ],
        [
            "an image from a public registry on a network with no NAT",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: {
                        ...privateNet(),
                        outboundInternet: false,
                        vpcEndpointServices: ["s3", "ecr.api", "ecr.dkr", "logs"],
                    },
                    containers: [{ name: "app", image: "public.ecr.aws/nginx/nginx:stable" }],
                }),
            `${L("api")}: containers[0].image "public.ecr.aws/nginx/nginx:stable" comes from public.ecr.aws, which no VPC endpoint serves, and the network has no outbound internet (no NAT); copy the image to a private ECR repository, or give the network a NAT gateway.`,
        ],
        [
            "a Docker Hub image on a network with no NAT",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: {
                        ...privateNet(),
                        outboundInternet: false,
                        vpcEndpointServices: ["s3", "ecr.api", "ecr.dkr", "logs"],
                    },
                    containers: [{ name: "app", image: "nginx:1.27" }],
                }),
            `${L("api")}: containers[0].image "nginx:1.27" comes from docker.io, which no VPC endpoint serves, and the network has no outbound internet (no NAT); copy the image to a private ECR repository, or give the network a NAT gateway.`,
        ],
        [
            "ECS Exec and secrets on a network with no NAT and only the image endpoints",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: {
                        ...privateNet(),
                        outboundInternet: false,
                        vpcEndpointServices: ["s3", "ecr.api", "ecr.dkr", "logs"],
                    },
                    containers: [
                        {
                            name: "app",
                            image: "111111111111.dkr.ecr.us-east-1.amazonaws.com/api:1",
                            secrets: {
                                K: "arn:aws:secretsmanager:us-east-1:111111111111:secret:k-AbCdEf",
                            },
                        },
                    ],
                    enableExecuteCommand: true,
                }),
            `${L("api")}: the network has no outbound internet (no NAT) and no VPC endpoint for ssmmessages (ECS Exec), secretsmanager (Secrets Manager secrets); add those endpoints to the network (vpcEndpoints and interfaceEndpoints), or give it a NAT gateway.`,
        ],
        [
            "Service Connect on a UDP port",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [
                        {
                            ...c0,
                            portMappings: [{ name: "dns", containerPort: 53, protocol: "udp" }],
                        },
                    ],
                    expose: [{ portName: "dns" }],
                }),
            `${L("api")}: expose[0].portName "dns" is a udp port; Service Connect carries TCP only.`,
        ],
        [
            "a client calling a server in another network (VPC)",
            (cluster) => {
                const server = new EcsService("srv", {
                    cluster,
                    network: privateNet(),
                    containers: [nginx("srv")],
                    expose: [{ portName: "srv" }],
                });
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [c0],
                    calls: [server],
                });
            },
            `${L("api")}: calls[0] names EcsService "srv", which runs in another network (VPC); this service's security group cannot admit it there, and Service Connect traffic between VPCs needs peering this component does not build; run both services in one network.`,
        ],
        [
            "a container name ECS refuses",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [{ ...c0, name: "my app" }],
                }),
            `${L("api")}: containers[0].name "my app" is not an ECS container name (ASCII letters, digits, _ and -, 1 to 255 characters); rename it.`,
        ],
        [
            "an image reference with a quote",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [{ ...c0, image: '"nginx"' }],
                }),
            `${L("api")}: containers[0].image "\\"nginx\\"" contains a quote; write it as registry/repository:tag, such as public.ecr.aws/nginx/nginx:stable.`,
        ],
        [
            "two containers mapping one port in awsvpc mode",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [
                        { ...c0, portMappings: [{ name: "a", containerPort: 8080 }] },
                        {
                            name: "side",
                            image: "envoy",
                            portMappings: [{ name: "b", containerPort: 8080 }],
                        },
                    ],
                }),
            `${L("api")}: containers[1].portMappings[0].containerPort 8080/tcp is already mapped by containers[0].portMappings[0]; ECS refuses two mappings of one port, so map each port once.`,
        ],
        [
            "a container's memory above the task's",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [{ ...c0, memory: 1024 }],
                    memory: 512,
                }),
            `${L("api")}: containers[0].memory 1024 is above the task's memory 512; a container gets at most what its task has, so lower it or raise the task's memory.`,
        ],
        [
            "containers whose cpu adds up to more than the task's",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [
                        { ...c0, cpu: 200 },
                        { name: "side", image: "envoy", cpu: 100 },
                    ],
                    cpu: 256,
                }),
            `${L("api")}: containers[1].cpu brings the containers' cpu to 300, above the task's 256; lower the containers' cpu or raise the task's.`,
        ],
        [
            "a log retention CloudWatch does not offer",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [c0],
                    logRetentionDays: 10,
                }),
            `${L("api")}: logRetentionDays 10 is not a retention CloudWatch Logs offers; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.`,
        ],
        [
            "every independent mistake at once, one per line",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [{ ...c0, memory: 1024 }],
                    memory: 512,
                    logRetentionDays: 10,
                }),
            [
                `${L("api")}: 2 problems, fix each:`,
                "  - logRetentionDays 10 is not a retention CloudWatch Logs offers; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.",
                "  - containers[0].memory 1024 is above the task's memory 512; a container gets at most what its task has, so lower it or raise the task's memory.",
            ].join("\n"),
        ],
        [
            "a port mapping's bad name, and not the endpoint that names it (a consequence, checked once the containers pass)",
            (cluster) =>
                new EcsService("api", {
                    cluster,
                    network: privateNet(),
                    containers: [{ ...c0, portMappings: [{ name: "Web", containerPort: 80 }] }],
                    expose: [{ portName: "Web" }],
                }),
            `${L("api")}: containers[0].portMappings[0].name "Web" breaks ECS's port name format (lowercase letters, digits, _ and -, at most 64 characters, not starting with -); use a name such as "web".`,
        ],
    ];
    for (const [what, build, message] of cases) {
        it(what, async () => {
            const runtime = await startRuntime();
            const cluster = new ServiceConnectCluster("core", {
                namespaceName: "serviceconnectns",
            });
            await runtime.settle();
            const before = runtime.registrations.length;
            assert.throws(() => build(cluster), { name: "ServicePlanError", message });
            await runtime.settle();
            const after = runtime.registrations.slice(before).map((r) => r.name);
            // Only services built before the bad one (as in the two-service cases) may have registered.
            assert.ok(
                !after.some(
                    (n) =>
                        n.startsWith("api") ||
                        n.startsWith("b-") ||
                        n === "b" ||
                        n.startsWith("payments") ||
                        n.startsWith("db"),
                ),
                `registered: ${after.join(", ")}`,
            );
        });
    }

    it("refuses a second cluster of the program claiming the same namespace name, before it registers", async () => {
        const runtime = await startRuntime();
        new ServiceConnectCluster("a", { namespaceName: "shared.ns" });
        // A cluster's refusal is the planners' own family (PlanError), labelled with the cluster.
        assert.throws(() => new ServiceConnectCluster("b", { namespaceName: "shared.ns" }), {
            name: "PlanError",
            message:
                'ServiceConnectCluster "b": namespaceName "shared.ns" is already the namespace of ServiceConnectCluster "a" in this program, and a Cloud Map namespace name is unique per account and Region; give this cluster another name, or run its services on ServiceConnectCluster "a".',
        });
        new ServiceConnectCluster("c", { namespaceName: "other.ns" });
        await runtime.settle();
        assert.deepStrictEqual(
            runtime.registrations
                .filter((r) => r.type === "ecsnet:ecs:ServiceConnectCluster")
                .map((r) => r.name),
            ["a", "c"],
        );
    });

    it("names Fargate's memory range for the larger sizes", () => {
        assert.strictEqual(
            fargateSizeProblem(1024, 1024),
            "cpu 1024 with memory 1024 is not a size Fargate offers; with cpu 1024 use memory 2048 to 8192 in steps of 1024",
        );
        assert.strictEqual(fargateSizeProblem(16384, 122880), undefined);
    });
});
