import * as assert from "assert";
import * as path from "path";
import { evaluateStack } from "../offline/engine/program";
import { refusal } from "./support/helpers";

const ROOT = path.resolve(__dirname, "..");

/**
 * Broken stack files, each with the one message it must get. Every one names the stack-file key the
 * user wrote and the fix, and is refused before the first resource registers (the network, cluster
 * and earlier services included).
 */
const BROKEN: [string, Record<string, unknown>, string][] = [
    [
        "a CIDR that does not parse",
        { "ecsnet:vpcCidr": "10.0.0.0/33" },
        'ecsnet:vpcCidr "10.0.0.0/33" has a prefix length outside 0-32; use a block such as 10.0.0.0/16. (refused by PrivateSubnetNetwork "dev")',
    ],
    [
        "a VPC prefix AWS refuses",
        { "ecsnet:vpcCidr": "10.0.0.0/8" },
        'ecsnet:vpcCidr 10.0.0.0/8 has prefix /8, outside the /16 to /28 AWS allows for a VPC; use a prefix in that range. (refused by PrivateSubnetNetwork "dev")',
    ],
    [
        "more zones than us-east-1 has",
        { "ecsnet:azCount": 7 },
        'ecsnet:azCount must be between 1 and 6 (got 7); lower it or list ecsnet:availabilityZones. (refused by PrivateSubnetNetwork "dev")',
    ],
    [
        "more zones than an account gets in us-west-1",
        { "aws:region": "us-west-1", "ecsnet:azCount": 3 },
        'ecsnet:azCount asks for 3 availability zones but us-west-1 has 2 (us-west-1a, us-west-1b); lower ecsnet:azCount or use another region. (refused by PrivateSubnetNetwork "dev")',
    ],
    [
        "a zone the Region lacks",
        { "ecsnet:availabilityZones": ["us-east-1z"] },
        'ecsnet:availabilityZones names us-east-1z, which us-east-1 does not offer (available: us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f); list zones from that set. (refused by PrivateSubnetNetwork "dev")',
    ],
    [
        "a zone of another Region",
        { "ecsnet:availabilityZones": ["us-east-1a", "us-west-2a"] },
        'ecsnet:availabilityZones names us-west-2a, which us-east-1 does not offer (available: us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f); list zones from that set. (refused by PrivateSubnetNetwork "dev")',
    ],
    [
        "a minimum above the maximum",
        { "ecsnet:launchType": "EC2", "ecsnet:capacityMinSize": 5 },
        'ecsnet:capacityMinSize 5 is above ecsnet:capacityMaxSize 3; raise ecsnet:capacityMaxSize or lower ecsnet:capacityMinSize. (refused by Ec2Capacity "dev")',
    ],
    [
        "an instance type that is not one",
        { "ecsnet:launchType": "EC2", "ecsnet:instanceType": "t3 small" },
        'ecsnet:instanceType "t3 small" is not an EC2 instance type (family.size, such as t3.small or m7g.large). (refused by Ec2Capacity "dev")',
    ],
    [
        "a log retention CloudWatch lacks",
        { "ecsnet:logRetentionDays": 8 },
        'ecsnet:logRetentionDays 8 is not a retention CloudWatch Logs offers; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653. (refused by EcsService "internal-nginx")',
    ],
    [
        "a namespace that is not a DNS name",
        { "ecsnet:namespace": "Bad_NS" },
        'ecsnet:namespace "Bad_NS" is not a valid namespace name (lowercase DNS labels separated by dots, at most 253 characters); use a name such as serviceconnectns. (refused by ServiceConnectCluster "dev")',
    ],
    [
        "a service name with a space",
        { "ecsnet:services": [{ name: "api v2", image: "public.ecr.aws/nginx/nginx:stable" }] },
        'ecsnet:services[0].name "api v2" is not an ECS service name: ASCII letters, digits, _ and -, at most 247 characters (ECS\'s 255, less the 8 Pulumi\'s auto-name adds); rename the service. (refused by EcsService "api v2")',
    ],
    [
        "an image with a space",
        { "ecsnet:services": [{ name: "api", image: "nginx latest" }] },
        'ecsnet:services[0].image "nginx latest" contains whitespace; write it as registry/repository:tag, such as public.ecr.aws/nginx/nginx:stable. (refused by EcsService "api")',
    ],
    [
        "an image with a quote",
        { "ecsnet:services": [{ name: "api", image: "nginx:'1.25'" }] },
        'ecsnet:services[0].image "nginx:\'1.25\'" contains a quote; write it as registry/repository:tag, such as public.ecr.aws/nginx/nginx:stable. (refused by EcsService "api")',
    ],
    [
        "an image in uppercase",
        { "ecsnet:services": [{ name: "api", image: "Nginx:1.25" }] },
        'ecsnet:services[0].image "Nginx:1.25" is not an image reference ([registry/]repository[:tag][@digest], the repository in lowercase); write it as registry/repository:tag, such as public.ecr.aws/nginx/nginx:stable. (refused by EcsService "api")',
    ],
    [
        "two mappings of one port",
        {
            "ecsnet:services": [
                {
                    name: "api",
                    image: "public.ecr.aws/nginx/nginx:stable",
                    ports: [
                        { name: "a", containerPort: 80 },
                        { name: "b", containerPort: 80 },
                    ],
                },
            ],
        },
        'ecsnet:services[0].ports[1].containerPort 80/tcp is already mapped by ecsnet:services[0].ports[0]; ECS refuses two mappings of one port, so map each port once. (refused by EcsService "api")',
    ],
    [
        "a port name in uppercase",
        {
            "ecsnet:services": [
                {
                    name: "api",
                    image: "public.ecr.aws/nginx/nginx:stable",
                    ports: [{ name: "Web", containerPort: 80 }],
                },
            ],
        },
        'ecsnet:services[0].ports[0].name "Web" breaks ECS\'s port name format (lowercase letters, digits, _ and -, at most 64 characters, not starting with -); use a name such as "web". (refused by EcsService "api")',
    ],
    [
        "a cpu Fargate lacks",
        {
            "ecsnet:services": [
                { name: "api", image: "public.ecr.aws/nginx/nginx:stable", cpu: 300 },
            ],
        },
        'ecsnet:services[0].cpu 300 is not a Fargate size; use 256, 512, 1024, 2048, 4096, 8192, 16384. (refused by EcsService "api")',
    ],
    [
        "a sensitive service on the public pattern",
        {
            "ecsnet:pattern": "public",
            "ecsnet:natStrategy": "OnePerAz",
            "ecsnet:services": [
                { name: "api", image: "public.ecr.aws/nginx/nginx:stable", sensitive: true },
            ],
        },
        'ecsnet:services[0].sensitive is true but the network gives tasks public IPs (the public pattern); run the service on a private network, or clear sensitive if its data is not sensitive. (refused by EcsService "api")',
    ],
    [
        "an internet port on the private pattern",
        {
            "ecsnet:services": [
                {
                    name: "api",
                    image: "public.ecr.aws/nginx/nginx:stable",
                    ports: [{ name: "web", containerPort: 80, openToInternet: true }],
                },
            ],
        },
        'ecsnet:services[0].ports[0].openToInternet is set on port 80, but tasks on the private pattern get no public IP, so it would open nothing reachable; use the public pattern, or put a load balancer in front. (refused by EcsService "api")',
    ],
    [
        "a discovery name Cloud Map refuses",
        {
            "ecsnet:services": [
                {
                    name: "api",
                    image: "public.ecr.aws/nginx/nginx:stable",
                    ports: [
                        {
                            name: "web",
                            containerPort: 80,
                            serviceConnect: { discoveryName: "Web!" },
                        },
                    ],
                },
            ],
        },
        'ecsnet:services[0].ports[0].serviceConnect.discoveryName "Web!" is not a valid Cloud Map service name (lowercase letters, digits, _ and -, at most 64 characters); pick another. (refused by EcsService "api")',
    ],
    [
        "two services claiming one discovery name",
        {
            "ecsnet:services": [
                {
                    name: "api",
                    image: "public.ecr.aws/nginx/nginx:stable",
                    ports: [{ name: "web", containerPort: 80, serviceConnect: true }],
                },
                {
                    name: "api2",
                    image: "public.ecr.aws/nginx/nginx:stable",
                    ports: [{ name: "web", containerPort: 80, serviceConnect: true }],
                },
            ],
        },
        'ecsnet:services[1].ports[0].serviceConnect.discoveryName "web" is already used in namespace dev.serviceconnectns by EcsService "api"; pick another discoveryName. (refused by EcsService "api2")',
    ],
    [
        "a call to a service that exposes nothing",
        {
            "ecsnet:services": [
                { name: "api", image: "public.ecr.aws/nginx/nginx:stable" },
                { name: "client", image: "public.ecr.aws/nginx/nginx:stable", calls: ["api"] },
            ],
        },
        'ecsnet:services[1].calls[0] names EcsService "api", which exposes no Service Connect endpoint; add expose to it or remove it from calls. (refused by EcsService "client")',
    ],
    [
        "a request timeout on a TCP port",
        {
            "ecsnet:services": [
                {
                    name: "api",
                    image: "public.ecr.aws/nginx/nginx:stable",
                    ports: [
                        {
                            name: "db",
                            containerPort: 5432,
                            serviceConnect: { perRequestTimeoutSeconds: 5 },
                        },
                    ],
                },
            ],
        },
        'ecsnet:services[0].ports[0].serviceConnect.perRequestTimeoutSeconds applies only to http, http2 and grpc ports, and port mapping "db" has no appProtocol (plain TCP); remove the timeout or set appProtocol. (refused by EcsService "api")',
    ],
    [
        "bridge mode on Fargate",
        {
            "ecsnet:services": [
                { name: "api", image: "public.ecr.aws/nginx/nginx:stable", networkMode: "bridge" },
            ],
        },
        'ecsnet:services[0].networkMode bridge is not available on Fargate, which runs every task in awsvpc mode; use awsvpc, or EC2 capacity for bridge. (refused by EcsService "api")',
    ],
    [
        "host mode without accepting the instance role",
        {
            "ecsnet:launchType": "EC2",
            "ecsnet:services": [
                { name: "api", image: "public.ecr.aws/nginx/nginx:stable", networkMode: "host" },
            ],
        },
        "ecsnet:services[0].networkMode host shares the instance's network, so every container can read the instance role's credentials from the instance metadata service (the hop limit only stops bridge containers); use awsvpc or bridge, or set ecsnet:services[0].allowInstanceRoleAccess to true if the instance role's permissions are acceptable to this task. (refused by EcsService \"api\")",
    ],
    [
        "a secret that is not an ARN",
        {
            "ecsnet:services": [
                {
                    name: "api",
                    image: "public.ecr.aws/nginx/nginx:stable",
                    secrets: { DB: "my-password" },
                },
            ],
        },
        'ecsnet:services[0].secrets.DB "my-password" is not the ARN of an SSM parameter or a Secrets Manager secret; pass the parameter\'s or secret\'s full ARN. (refused by EcsService "api")',
    ],
    [
        "a KMS alias instead of a key ARN",
        {
            "ecsnet:services": [
                {
                    name: "api",
                    image: "public.ecr.aws/nginx/nginx:stable",
                    secretsKmsKeyArns: ["alias/mine"],
                },
            ],
        },
        'ecsnet:services[0].secretsKmsKeyArns[0] "alias/mine" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); pass the key\'s ARN, not its alias. (refused by EcsService "api")',
    ],
    [
        "the last service of many refused",
        {
            "ecsnet:services": [
                {
                    name: "api",
                    image: "public.ecr.aws/nginx/nginx:stable",
                    ports: [{ name: "web", containerPort: 80, serviceConnect: true }],
                },
                { name: "b", image: "public.ecr.aws/nginx/nginx:stable", calls: ["api"] },
                { name: "c", image: "public.ecr.aws/nginx/nginx:stable", cpu: 512, memory: 512 },
            ],
        },
        'ecsnet:services[2].cpu 512 with memory 512 is not a size Fargate offers; with cpu 512 use memory 1024, 2048, 3072, 4096. (refused by EcsService "c")',
    ],
    [
        "a client alias port outside 1-65535",
        {
            "ecsnet:services": [
                {
                    name: "a",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80, serviceConnect: { port: 70000 } }],
                },
            ],
        },
        'ecsnet:services[0].ports[0].serviceConnect.port must be between 1 and 65535 (got 70000). (refused by EcsService "a")',
    ],
    [
        "a client alias that is not a DNS name",
        {
            "ecsnet:services": [
                {
                    name: "a",
                    image: "nginx",
                    ports: [
                        {
                            name: "http",
                            containerPort: 80,
                            serviceConnect: { dnsName: "Bad_Name" },
                        },
                    ],
                },
            ],
        },
        'ecsnet:services[0].ports[0].serviceConnect.dnsName "Bad_Name" is not a DNS name (lowercase labels of letters, digits and -, separated by dots); pick another. (refused by EcsService "a")',
    ],
    [
        "a server called twice by one client",
        {
            "ecsnet:services": [
                {
                    name: "a",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80, serviceConnect: true }],
                },
                { name: "b", image: "nginx", calls: ["a", "a"] },
            ],
        },
        'ecsnet:services[1].calls[1] names "a" a second time; list each server once.',
    ],
    // The load balancer, its routes and scaling.
    [
        "a certificate ARN of the wrong form",
        {
            "ecsnet:certificateArn": "arn:aws:iam::111111111111:server-certificate/web",
            "ecsnet:services": [
                {
                    name: "web",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80 }],
                    loadBalancer: { port: "http" },
                },
            ],
        },
        'ecsnet:certificateArn "arn:aws:iam::111111111111:server-certificate/web" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>); copy the ARN from the ACM console or `aws acm list-certificates`. (refused by PublicLoadBalancer "dev")',
    ],
    [
        "a load balancer with neither a certificate nor plain HTTP asked for",
        {
            "ecsnet:services": [
                {
                    name: "web",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80 }],
                    loadBalancer: { port: "http" },
                },
            ],
        },
        'there is no ecsnet:certificateArn, and plain HTTP is served only when asked for in so many words; set ecsnet:certificateArn to an ACM certificate for HTTPS, or ecsnet:allowPlainHttp to true. (refused by PublicLoadBalancer "dev")',
    ],
    [
        "a health check path without a leading slash",
        {
            "ecsnet:certificateArn":
                "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10",
            "ecsnet:services": [
                {
                    name: "web",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80 }],
                    loadBalancer: { port: "http", healthCheck: { path: "health" } },
                },
            ],
        },
        'ecsnet:services[0].loadBalancer.healthCheck.path "health" must start with /; write "/health". (refused by EcsService "web")',
    ],
    [
        "a routed port that is not one of the service's ports",
        {
            "ecsnet:certificateArn":
                "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10",
            "ecsnet:services": [
                {
                    name: "web",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80 }],
                    loadBalancer: { port: "https" },
                },
            ],
        },
        'ecsnet:services[0].loadBalancer.port "https" names no port mapping of this task; use one of http. (refused by EcsService "web")',
    ],
    [
        "two services claiming one host and path",
        {
            "ecsnet:certificateArn":
                "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10",
            "ecsnet:services": [
                {
                    name: "web",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80 }],
                    loadBalancer: { port: "http", hosts: ["app.example.com"], paths: ["/api/*"] },
                },
                {
                    name: "api",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80 }],
                    loadBalancer: { port: "http", hosts: ["APP.example.com"], paths: ["/api/*"] },
                },
            ],
        },
        'ecsnet:services[1].loadBalancer claims host app.example.com and path /api/*, which EcsService "web" already routes; give one of them another host or path. (refused by EcsService "api")',
    ],
    [
        "scaling min above max",
        {
            "ecsnet:certificateArn":
                "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10",
            "ecsnet:services": [
                {
                    name: "web",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80 }],
                    loadBalancer: { port: "http" },
                    scaling: { min: 4, max: 2, cpuPercent: 50 },
                },
            ],
        },
        'ecsnet:services[0].scaling.min 4 is above ecsnet:services[0].scaling.max 2; raise max or lower min. (refused by EcsService "web")',
    ],
    [
        "a load balancer on a one-zone network",
        {
            "ecsnet:azCount": 1,
            "ecsnet:certificateArn":
                "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10",
            "ecsnet:services": [
                {
                    name: "web",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80 }],
                    loadBalancer: { port: "http" },
                },
            ],
        },
        'the network has public subnets in 1 availability zone, and an Application Load Balancer needs two or more; use at least two zones (ecsnet:azCount 2), with public subnets in each. (refused by PublicLoadBalancer "dev")',
    ],
    [
        "requestsPerTarget without a load balancer",
        {
            "ecsnet:services": [
                { name: "api", image: "nginx", scaling: { requestsPerTarget: 100 } },
            ],
        },
        'ecsnet:services[0].scaling.requestsPerTarget counts requests from the load balancer, and this service has no ecsnet:services[0].loadBalancer route; add one or scale on cpuPercent or memoryPercent. (refused by EcsService "api")',
    ],
    [
        "a certificate with no service routed",
        {
            "ecsnet:certificateArn":
                "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10",
        },
        "ecsnet:certificateArn is set, but no service routes through the load balancer; give a service a loadBalancer entry (ecsnet:services[].loadBalancer), or remove certificateArn.",
    ],
    [
        "a certificate of another Region",
        {
            "ecsnet:certificateArn":
                "arn:aws:acm:eu-west-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10",
            "ecsnet:services": [
                {
                    name: "web",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80 }],
                    loadBalancer: { port: "http" },
                },
            ],
        },
        'ecsnet:certificateArn is a certificate in eu-west-1, but the load balancer is in us-east-1, and a load balancer can use only certificates of its own Region; request or import the certificate in us-east-1. (refused by PublicLoadBalancer "dev")',
    ],
    [
        "a load balancer CIDR that is not one",
        {
            "ecsnet:certificateArn":
                "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10",
            "ecsnet:loadBalancerCidrs": ["10.0.0.0/33"],
            "ecsnet:services": [
                {
                    name: "web",
                    image: "nginx",
                    ports: [{ name: "http", containerPort: 80 }],
                    loadBalancer: { port: "http" },
                },
            ],
        },
        'ecsnet:loadBalancerCidrs[0] "10.0.0.0/33" has a prefix length outside 0-32; use a block such as 203.0.113.0/24, or 0.0.0.0/0 for the internet. (refused by PublicLoadBalancer "dev")',
    ],
    [
        "several mistakes in one service, all at once and each key once",
        {
            "ecsnet:services": [{ name: "api", image: "nginx latest", cpu: 100, desiredCount: -1 }],
        },
        [
            "3 problems, fix each:",
            "  - ecsnet:services[0].cpu 100 is not a Fargate size; use 256, 512, 1024, 2048, 4096, 8192, 16384.",
            "  - ecsnet:services[0].desiredCount must be a whole number of tasks, 0 or more (got -1).",
            '  - ecsnet:services[0].image "nginx latest" contains whitespace; write it as registry/repository:tag, such as public.ecr.aws/nginx/nginx:stable.',
            '(refused by EcsService "api")',
        ].join("\n"),
    ],
    [
        "mistakes in two services, with the client of a refused server left until it is fixed",
        {
            "ecsnet:services": [
                {
                    name: "ledger",
                    image: "nginx latest",
                    ports: [{ name: "ledger", containerPort: 80, serviceConnect: true }],
                },
                { name: "web", image: "public.ecr.aws/nginx/nginx:stable", calls: ["ledger"] },
                { name: "worker", image: "public.ecr.aws/nginx/nginx:stable", desiredCount: -1 },
            ],
        },
        [
            "2 components refuse the stack file, fix each:",
            '- ecsnet:services[0].image "nginx latest" contains whitespace; write it as registry/repository:tag, such as public.ecr.aws/nginx/nginx:stable. (refused by EcsService "ledger")',
            '- ecsnet:services[2].desiredCount must be a whole number of tasks, 0 or more (got -1). (refused by EcsService "worker")',
        ].join("\n"),
    ],
    [
        "mistakes in the network, the cluster and a service at once, with the services the network places left until it is fixed",
        {
            "ecsnet:vpcCidr": "10.0.0.0/8",
            "ecsnet:azCount": 9,
            "ecsnet:namespace": "Bad_NS",
        },
        [
            "2 components refuse the stack file, fix each:",
            "- 2 problems, fix each:",
            "    - ecsnet:vpcCidr 10.0.0.0/8 has prefix /8, outside the /16 to /28 AWS allows for a VPC; use a prefix in that range.",
            "    - ecsnet:azCount must be between 1 and 6 (got 9); lower it or list ecsnet:availabilityZones.",
            '  (refused by PrivateSubnetNetwork "dev")',
            '- ecsnet:namespace "Bad_NS" is not a valid namespace name (lowercase DNS labels separated by dots, at most 253 characters); use a name such as serviceconnectns. (refused by ServiceConnectCluster "dev")',
        ].join("\n"),
    ],
];

describe("bad input is refused before anything registers, in the stack file's terms", () => {
    for (const [what, extra, message] of BROKEN) {
        it(`refuses ${what}`, async () => {
            const { error, registered } = await refusal(extra);
            assert.deepStrictEqual(
                { name: error.name, message: error.message, registered },
                { name: "ConfigError", message, registered: [] },
            );
        });
    }

    it("refuses a service name that leaves no room for the auto-name suffix, and accepts the longest that does", async () => {
        const name = (n: number) => ({
            "ecsnet:services": [{ name: "s".repeat(n), image: "nginx" }],
        });
        const { error } = await refusal(name(248));
        assert.match(
            error.message,
            /^ecsnet:services\[0\]\.name "s{248}" is not an ECS service name: ASCII letters, digits, _ and -, at most 247 characters/,
        );
        // 247 fits ECS's service name, but the task family ecsnet-dev-<name> would pass 255.
        assert.match(
            (await refusal(name(247))).error.message,
            /makes the task definition family 258 characters long/,
        );
        const fits = 255 - "ecsnet-dev-".length;
        const { registrations } = await evaluateStack(ROOT, "dev", { extraConfig: name(fits) });
        const roles = registrations
            .filter((r) => r.type === "aws:iam/role:Role")
            .map((r) => r.name);
        assert.strictEqual(roles.length, 2);
        for (const role of roles)
            assert.ok(
                role.length + 8 <= 64,
                `${role} leaves no room for the auto-name suffix within IAM's 64`,
            );
    });

    it("accepts what ECS accepts: an empty environment value, image references with a registry port or a digest", async () => {
        const image = (i: string) => ({ name: "api", image: i });
        const { registrations } = await evaluateStack(ROOT, "dev", {
            mode: "after-up",
            extraConfig: {
                "ecsnet:services": [
                    { ...image("localhost:5000/team/api:1.0"), environment: { EMPTY: "" } },
                    image(
                        "111111111111.dkr.ecr.us-east-1.amazonaws.com/api@sha256:" + "a".repeat(64),
                    ),
                    image("ghcr.io/org/tool_x:v1.2.3-rc.1"),
                ].map((s, i) => ({ ...s, name: `api-${i}` })),
            },
        });
        const task = registrations.find(
            (r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === "api-0-task",
        )!;
        const [container] = JSON.parse(task.inputs.containerDefinitions as string);
        assert.deepStrictEqual(container.environment, [{ name: "EMPTY", value: "" }]);
        assert.strictEqual(
            registrations.filter((r) => r.type === "aws:ecs/service:Service").length,
            3,
        );
    });
});
