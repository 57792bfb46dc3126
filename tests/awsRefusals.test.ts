import * as assert from "assert";
import * as fc from "fast-check";
import * as path from "path";
import { awsNameProblem, awsResourceName } from "../components/naming";
import { planCapacity } from "../components/capacity/plan";
import {
    INSTANCE_TYPES,
    instanceType,
    registeredMemoryMiB,
} from "../components/capacity/instanceTypes";
import { matcherProblem, RouteRegister, routeTier } from "../components/loadBalancer/plan";
import { NetworkFacts } from "../components/network/plan";
import { evaluateStack } from "../offline/engine/program";
import { refusal } from "./support/helpers";

const ROOT = path.resolve(__dirname, "..");
const AWS_NAMES_TYPES = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
} as const;
const CERT = "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10";
const NGINX = "public.ecr.aws/nginx/nginx:stable";
const routed = (
    name: string,
    route: Record<string, unknown>,
    port: Record<string, unknown> = {},
) => ({
    name,
    image: NGINX,
    ports: [{ name: "http", containerPort: 80, ...port }],
    loadBalancer: { port: "http", ...route },
});

/**
 * Stack files AWS would fail (a name, an architecture, a size, a registry, a target group, a route,
 * a subnet, a rule), each refused before anything registers, in the stack file's keys.
 */
const REFUSED: [string, Record<string, unknown>, string][] = [
    [
        "an instance type with a typo",
        { "ecsnet:launchType": "EC2", "ecsnet:instanceType": "t3.smal" },
        'ecsnet:instanceType "t3.smal" is not an instance type this project knows (did you mean t3.small or t3a.small or t2.small?); use a size of t3, t3a, t4g, t2, m5, m5a, m6i, m6a, m7i, m7a, m6g, m7g, m8g, c5, c5a, c6i, c6a, c7i, c7a, c6g, c7g, c8g, r5, r5a, r6i, r6a, r7i, r7a, r6g, r7g, r8g (AWS\'s specifications, reviewed 2026-12-02), or add its family to components/capacity/instanceTypes.ts. (refused by Ec2Capacity "dev")',
    ],
    [
        "an ARM64 task on x86 capacity",
        {
            "ecsnet:launchType": "EC2",
            "ecsnet:services": [{ name: "api", image: NGINX, runtimePlatform: "ARM64" }],
        },
        'ecsnet:services[0].runtimePlatform ARM64 cannot run on the EC2 capacity\'s t3.small instances, whose processors are x86_64, so its tasks would never place; run the service on Fargate, pick a arm64 instance type for the capacity, or change ecsnet:services[0].runtimePlatform. (refused by EcsService "api")',
    ],
    [
        "an X86_64 task on Graviton capacity",
        {
            "ecsnet:launchType": "EC2",
            "ecsnet:instanceType": "m7g.large",
            "ecsnet:services": [{ name: "api", image: NGINX, runtimePlatform: "X86_64" }],
        },
        'ecsnet:services[0].runtimePlatform X86_64 cannot run on the EC2 capacity\'s m7g.large instances, whose processors are arm64, so its tasks would never place; run the service on Fargate, pick a x86_64 instance type for the capacity, or change ecsnet:services[0].runtimePlatform. (refused by EcsService "api")',
    ],
    [
        "a task larger than an instance's CPU",
        {
            "ecsnet:launchType": "EC2",
            "ecsnet:services": [{ name: "api", image: NGINX, cpu: 4096, memory: 1024 }],
        },
        'ecsnet:services[0].cpu 4096 is more than one t3.small instance registers with ECS (2048 units), so the task would never place; lower it or pick a larger instance type. (refused by EcsService "api")',
    ],
    [
        "a task larger than an instance's memory after the kernel's and the agent's share",
        {
            "ecsnet:launchType": "EC2",
            "ecsnet:services": [{ name: "api", image: NGINX, cpu: 1024, memory: 2048 }],
        },
        'ecsnet:services[0].memory 2048 MiB is more than one t3.small instance offers tasks (about 1932 MiB once the kernel and the ECS agent have theirs), so the task would never place; lower it or pick a larger instance type. (refused by EcsService "api")',
    ],
    [
        "an image from another Region's ECR behind endpoints only",
        {
            "ecsnet:natStrategy": "None",
            "ecsnet:vpcEndpoints": true,
            "ecsnet:services": [
                { name: "api", image: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/api:1" },
            ],
        },
        'ecsnet:services[0].image "111111111111.dkr.ecr.eu-west-1.amazonaws.com/api:1" comes from the ECR registry of eu-west-1, and the network has no outbound internet (no NAT): its ECR endpoints serve only us-east-1\'s registry; replicate the repository to us-east-1 (ECR cross-Region replication) and use that image, or give the network a NAT gateway. (refused by EcsService "api")',
    ],
    [
        "a health check matcher outside 200-499",
        {
            "ecsnet:certificateArn": CERT,
            "ecsnet:services": [routed("web", { healthCheck: { matcher: "100-199" } })],
        },
        'ecsnet:services[0].loadBalancer.healthCheck.matcher "100-199" has 100-199, but a load balancer takes HTTP codes 200 to 499 (such as 200 or 200-399). (refused by EcsService "web")',
    ],
    [
        "an HTTP matcher on a gRPC port",
        {
            "ecsnet:certificateArn": CERT,
            "ecsnet:services": [
                routed("rpc", { healthCheck: { matcher: "200" } }, { appProtocol: "grpc" }),
            ],
        },
        'ecsnet:services[0].loadBalancer.healthCheck.matcher "200" has 200, but a GRPC target group takes gRPC codes 0 to 99 (such as 0 (OK) or 0-2). (refused by EcsService "rpc")',
    ],
    [
        "a gRPC port behind a plain HTTP listener",
        {
            "ecsnet:allowPlainHttp": true,
            "ecsnet:services": [routed("rpc", {}, { appProtocol: "grpc" })],
        },
        'ecsnet:services[0].loadBalancer.port "http" speaks grpc, which an Application Load Balancer forwards only from an HTTPS listener, and this one serves plain HTTP; set ecsnet:certificateArn for HTTPS, or route an http port. (refused by EcsService "rpc")',
    ],
    [
        "load balancer subnets smaller than /27",
        {
            "ecsnet:vpcCidr": "10.0.0.0/22",
            "ecsnet:certificateArn": CERT,
            "ecsnet:services": [routed("web", {})],
        },
        'the network\'s public subnets are /28, and an Application Load Balancer needs subnets of /27 or larger with 8 free addresses in each; give the network a larger ecsnet:vpcCidr (a /21 or larger VPC gives them that in this layout), or public subnet CIDRs of /27 or larger. (refused by PublicLoadBalancer "dev")',
    ],
    [
        "a load balancer CIDR listed twice",
        {
            "ecsnet:certificateArn": CERT,
            "ecsnet:loadBalancerCidrs": ["203.0.113.0/24", "198.51.100.0/24", "203.0.113.0/24"],
            "ecsnet:services": [routed("web", {})],
        },
        'ecsnet:loadBalancerCidrs[2] "203.0.113.0/24" repeats ecsnet:loadBalancerCidrs[0]; AWS refuses a second identical security group rule, so list each CIDR once. (refused by PublicLoadBalancer "dev")',
    ],
];

describe("what AWS would fail is refused before anything registers, in the stack file's terms", () => {
    for (const [what, extra, message] of REFUSED) {
        it(`refuses ${what}`, async () => {
            const { error, registered } = await refusal(extra);
            assert.deepStrictEqual(
                { name: error.name, message: error.message, registered },
                { name: "ConfigError", message, registered: [] },
            );
        });
    }
});

describe("what AWS would fail is built the way AWS accepts it", () => {
    it("derives load balancer and target group names AWS accepts from any service and stack name, and keeps names that fit", async () => {
        const { registrations } = await evaluateStack(ROOT, "dev", {
            mode: "after-up",
            extraConfig: {
                "ecsnet:certificateArn": CERT,
                "ecsnet:services": [
                    routed("storefront_web_frontend", {}),
                    routed("internal-tools-api-gateway-service", { paths: ["/tools/*"] }),
                ],
            },
        });
        const names = registrations
            .filter((r) => r.type === AWS_NAMES_TYPES.tg || r.type === AWS_NAMES_TYPES.lb)
            .map((r) => r.name);
        assert.deepStrictEqual(names.sort(), [
            "dev-lb",
            "internal-tools-3d6d37-tg",
            "storefront-web-14ee72-tg",
        ]);
        // The auto-name Pulumi adds: 7 characters after a dash.
        for (const r of registrations.filter(
            (x) => x.type === AWS_NAMES_TYPES.tg || x.type === AWS_NAMES_TYPES.lb,
        )) {
            assert.strictEqual(awsNameProblem(r.type, `${r.name}-abcdefg`), undefined, r.name);
        }
    });

    it("never derives a name AWS refuses, and never the same name from two bases (property)", () => {
        const base = fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/);
        for (const type of [AWS_NAMES_TYPES.lb, AWS_NAMES_TYPES.tg]) {
            fc.assert(
                fc.property(base, base, (a, b) => {
                    const [na, nb] = [awsResourceName(type, a, "x"), awsResourceName(type, b, "x")];
                    assert.strictEqual(
                        awsNameProblem(type, `${na}-abcdefg`),
                        undefined,
                        `${a} -> ${na}`,
                    );
                    assert.ok(a === b || na !== nb, `${a} and ${b} both -> ${na}`);
                }),
                { numRuns: 500 },
            );
        }
        assert.strictEqual(
            awsResourceName(AWS_NAMES_TYPES.lb, "internal", "lb"),
            "x-internal-3bed2c-lb",
        );
        assert.strictEqual(
            awsNameProblem(AWS_NAMES_TYPES.lb, "internal-web-lb"),
            "begins with internal-, which AWS reserves",
        );
    });

    it("boots Graviton capacity from the arm64 ECS AMI and x86 capacity from the x86_64 one", async () => {
        const ami = async (instanceTypeName: string) => {
            const { registrations } = await evaluateStack(ROOT, "ec2", {
                mode: "after-up",
                extraConfig: { "ecsnet:instanceType": instanceTypeName },
            });
            const template = registrations.find(
                (r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate",
            )!;
            return [template.inputs.instanceType, template.inputs.imageId];
        };
        assert.deepStrictEqual(await ami("m7g.large"), [
            "m7g.large",
            "<ami:ecs-optimized-al2023-arm64>",
        ]);
        assert.deepStrictEqual(await ami("t3.small"), ["t3.small", "<ami:ecs-optimized-al2023>"]);
    });

    it("gives a gRPC route a GRPC target group checked with the gRPC health protocol, and an http2 route an HTTP2 one", async () => {
        const { registrations } = await evaluateStack(ROOT, "dev", {
            mode: "after-up",
            extraConfig: {
                "ecsnet:certificateArn": CERT,
                "ecsnet:services": [
                    routed("rpc", { hosts: ["rpc.example.com"] }, { appProtocol: "grpc" }),
                    routed("h2", { hosts: ["h2.example.com"] }, { appProtocol: "http2" }),
                    routed("web", {}),
                ],
            },
        });
        const tg = (name: string) =>
            registrations.find((r) => r.type === AWS_NAMES_TYPES.tg && r.name === `${name}-tg`)!
                .inputs;
        assert.deepStrictEqual(
            [tg("rpc").protocolVersion, tg("rpc").healthCheck.path, tg("rpc").healthCheck.matcher],
            ["GRPC", "/grpc.health.v1.Health/Check", "0"],
        );
        assert.deepStrictEqual(
            [tg("h2").protocolVersion, tg("h2").healthCheck.matcher],
            ["HTTP2", "200-399"],
        );
        // HTTP/1.1 is AWS's default: left unset, so a live target group's input never changes.
        assert.strictEqual(tg("web").protocolVersion, undefined);
    });

    it("puts a specific route ahead of a catch-all declared before it, and keeps every priority when routes come and go", async () => {
        const services = [
            routed("site", { paths: ["/*"] }),
            routed("api", { paths: ["/api/*"] }),
            routed("v2", { paths: ["/api/v2/*"] }),
            routed("admin", { hosts: ["admin.example.com"] }),
        ];
        const priorities = async (list: typeof services) => {
            const { registrations } = await evaluateStack(ROOT, "dev", {
                mode: "after-up",
                extraConfig: { "ecsnet:certificateArn": CERT, "ecsnet:services": list },
            });
            return Object.fromEntries(
                registrations
                    .filter((r) => r.type === "aws:lb/listenerRule:ListenerRule")
                    .map((r) => [r.name, r.inputs.priority as number]),
            );
        };
        const all = await priorities(services);
        // Evaluated in priority order: the host rule, the longest path, the shorter path, the catch-all.
        assert.deepStrictEqual(
            Object.keys(all).sort((a, b) => all[a] - all[b]),
            ["admin-route", "v2-route", "api-route", "site-route"],
        );
        // Removing one and reversing the rest renumbers nothing (AWS would refuse a priority still held: PriorityInUse).
        const changed = await priorities([services[3], services[2], services[0]]);
        assert.deepStrictEqual(changed, {
            "admin-route": all["admin-route"],
            "v2-route": all["v2-route"],
            "site-route": all["site-route"],
        });
    });

    it("orders route tiers by specificity and moves only a colliding claimant within its tier", () => {
        assert.ok(
            routeTier({ hosts: ["a.example.com"], paths: [] }) <
                routeTier({ hosts: ["*.example.com"], paths: [] }),
        );
        assert.ok(
            routeTier({ hosts: [], paths: ["/exact"] }) <
                routeTier({ hosts: [], paths: ["/api/v2/*"] }),
        );
        assert.ok(
            routeTier({ hosts: [], paths: ["/api/v2/*"] }) <
                routeTier({ hosts: [], paths: ["/api*"] }),
        );
        assert.ok(
            routeTier({ hosts: [], paths: ["/api/*", "/*"] }) ===
                routeTier({ hosts: [], paths: ["/*"] }),
            "a route is as broad as its broadest path",
        );
        // 160 routes of one tier all get distinct priorities inside it.
        const register = new RouteRegister();
        const got = Array.from({ length: 160 }, (_, i) =>
            register.claim(`s${i}`, "loadBalancer", { hosts: [`h${i}.example.com`], paths: [] }),
        );
        assert.strictEqual(new Set(got).size, 160);
        const tier = routeTier({ hosts: ["h.example.com"], paths: [] });
        assert.ok(got.every((p) => p > tier * 160 && p <= (tier + 1) * 160));
        assert.throws(
            () =>
                register.claim("s160", "loadBalancer", { hosts: ["h160.example.com"], paths: [] }),
            /finds no free rule priority among the 160 of its specificity/,
        );
    });

    it("warns, in the preview's diagnostics, of ECR endpoints that serve no image and of a $..._URL no call provides", async () => {
        const prod = await evaluateStack(ROOT, "prod");
        assert.deepStrictEqual(prod.diagnostics, [
            {
                severity: "warning",
                message:
                    "ecsnet:vpcEndpoints pays for the ecr.api and ecr.dkr interface endpoints in 3 zones, but no service pulls from us-east-1's private ECR (the images come from public.ecr.aws), and those endpoints serve nothing else; the pulls go through the NAT gateways either way. Move the images to ECR in us-east-1, or turn ecsnet:vpcEndpoints off.",
            },
        ]);
        const own = await evaluateStack(ROOT, "prod", {
            extraConfig: {
                "ecsnet:services": [
                    { name: "api", image: "111111111111.dkr.ecr.us-east-1.amazonaws.com/api:1" },
                ],
            },
        });
        assert.deepStrictEqual(
            own.diagnostics,
            [],
            "an image from the Region's private ECR puts the endpoints to work",
        );

        const server = {
            name: "orders-api",
            image: NGINX,
            ports: [{ name: "api", containerPort: 80, appProtocol: "http", serviceConnect: true }],
        };
        const client = (env: Record<string, string>, calls?: string[]) => ({
            name: "web",
            image: NGINX,
            command: ["sh", "-c", "curl $ORDERS_API_URL/health"],
            environment: env,
            ...(calls ? { calls } : {}),
        });
        const called = await evaluateStack(ROOT, "dev", {
            extraConfig: { "ecsnet:services": [server, client({}, ["orders-api"])] },
        });
        assert.deepStrictEqual(
            called.diagnostics.map((d) => d.message),
            [
                "ecsnet:services[1].command refers to $ORDERS_API_URL, which no call provides (a called server's URL arrives in <DISCOVERY NAME>_URL, named after the server port's discovery name, not the service); use $API_URL, which its calls provide.",
            ],
        );
        const uncalled = await evaluateStack(ROOT, "dev", {
            extraConfig: {
                "ecsnet:services": [
                    { ...server, ports: [{ ...server.ports[0], name: "orders-api" }] },
                    client({ UPSTREAM: "${ORDERS_API_URL}" }),
                ],
            },
        });
        assert.deepStrictEqual(
            uncalled.diagnostics.map((d) => d.message),
            [
                "ecsnet:services[1].command refers to $ORDERS_API_URL, which no call provides (a called server's URL arrives in <DISCOVERY NAME>_URL, named after the server port's discovery name, not the service); orders-api's port \"orders-api\" provides it: add that service to ecsnet:services[1].calls.",
            ],
        );
        const fine = await evaluateStack(ROOT, "dev", {
            extraConfig: {
                "ecsnet:services": [
                    { ...server, ports: [{ ...server.ports[0], name: "orders-api" }] },
                    client({}, ["orders-api"]),
                ],
            },
        });
        assert.deepStrictEqual(fine.diagnostics, []);
    });
});

describe("the capacity planner and its instance type table", () => {
    const network: NetworkFacts = {
        pattern: "private",
        tasksGetPublicIp: false,
        hostsGetPublicIp: false,
        outboundInternet: true,
        vpcEndpointServices: [],
    };

    it("takes the AMI's architecture from the instance type and refuses another", () => {
        assert.strictEqual(
            planCapacity('Ec2Capacity "c"', { instanceType: "c7g.xlarge", network }).architecture,
            "arm64",
        );
        assert.strictEqual(
            planCapacity('Ec2Capacity "c"', { instanceType: "c7i.xlarge", network }).architecture,
            "x86_64",
        );
        assert.throws(
            () =>
                planCapacity('Ec2Capacity "c"', {
                    instanceType: "t4g.small",
                    architecture: "x86_64",
                    network,
                }),
            {
                message:
                    'Ec2Capacity "c": architecture x86_64 does not run on t4g.small, whose processors are arm64; the instances would never boot the AMI, so leave architecture unset (it follows the instance type) or pick a x86_64 instance type.',
            },
        );
    });

    it("knows AWS's published sizes (spot checks against the EC2 instance type pages)", () => {
        const spec = (n: string) => {
            const t = instanceType(n)!;
            return [t.vcpu, t.memoryMiB / 1024, t.architecture];
        };
        assert.deepStrictEqual(spec("t3.small"), [2, 2, "x86_64"]);
        assert.deepStrictEqual(spec("t2.micro"), [1, 1, "x86_64"]);
        assert.deepStrictEqual(spec("m7g.medium"), [1, 4, "arm64"]);
        assert.deepStrictEqual(spec("c5.9xlarge"), [36, 72, "x86_64"]);
        assert.deepStrictEqual(spec("r6i.2xlarge"), [8, 64, "x86_64"]);
        assert.strictEqual(instanceType("c5.8xlarge"), undefined, "c5 has no 8xlarge");
        assert.strictEqual(instanceType("m6i.medium"), undefined, "m6i has no medium");
        // AWS's own example: an m4.large's 8 GiB register as 7,985 MiB; the model holds back at least that much.
        assert.ok(
            registeredMemoryMiB({
                name: "m4.large",
                vcpu: 2,
                memoryMiB: 8192,
                architecture: "x86_64",
            }) <= 7985,
        );
        assert.ok(INSTANCE_TYPES.size > 200);
    });

    it("takes ALB matcher codes 200-499, and gRPC codes 0-99 for GRPC target groups", () => {
        assert.strictEqual(matcherProblem("200-399,404", "HTTP1"), undefined);
        assert.strictEqual(matcherProblem("0-2,12", "GRPC"), undefined);
        assert.strictEqual(
            matcherProblem("500", "HTTP2"),
            "has 500, but a load balancer takes HTTP codes 200 to 499 (such as 200 or 200-399)",
        );
        assert.strictEqual(
            matcherProblem("2xx", "HTTP1"),
            "is not a list of HTTP codes or ranges (such as 200 or 200-399)",
        );
        assert.strictEqual(
            matcherProblem("300-200", "HTTP1"),
            "has 300-200, but a load balancer takes HTTP codes 200 to 499 (such as 200 or 200-399)",
        );
    });
});
