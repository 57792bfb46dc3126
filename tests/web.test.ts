import * as assert from "assert";
import * as path from "path";
import { evaluateStack } from "../offline/engine/program";
import { Registration } from "../offline/engine/runtime";
import { countsByType, SEED_SERVICE_COUNTS, T } from "./support/helpers";

const ROOT = path.resolve(__dirname, "..");
const L = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    tg: "aws:lb/targetGroup:TargetGroup",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    flowLog: "aws:ec2/flowLog:FlowLog",
};

/** The web stack after up: every id a placeholder, so wiring is checked id to id as AWS resolves it. */
describe("the web stack: an HTTPS load balancer in front of private services", () => {
    let regs: Registration[];
    const one = (type: string, name: string) => {
        const found = regs.filter((r) => r.type === type && r.name === name);
        assert.strictEqual(found.length, 1, `${type} ${name}`);
        return found[0];
    };
    const byId = (id: unknown) => regs.find((r) => r.state.id === id);
    before(async () => {
        ({ registrations: regs } = await evaluateStack(ROOT, "web", { mode: "after-up" }));
    });

    it("has exactly the resources of the pattern, the load balancer, scaling and flow logs", () => {
        assert.deepStrictEqual(countsByType(regs), {
            ...SEED_SERVICE_COUNTS,
            [T.vpc]: 1,
            [T.igw]: 1,
            // A public subnet in each zone (the load balancer needs two), a private one in each.
            [T.subnet]: 4,
            [T.routeTable]: 3,
            [T.rta]: 4,
            [T.route]: 3,
            [T.eip]: 2,
            [T.nat]: 2,
            [T.logGroup]: 3,
            [T.role]: 5,
            // The flow logs' policy; no service has ECS Exec here.
            [T.rolePolicy]: 1,
            [T.sg]: 3,
            [T.ingress]: 4,
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 3,
            [L.lb]: 1,
            [L.listener]: 2,
            [L.rule]: 1,
            [L.tg]: 1,
            [L.scalingTarget]: 1,
            [L.scalingPolicy]: 2,
            [L.bucket]: 1,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
            [L.bucketPolicy]: 1,
            [L.flowLog]: 1,
        });
    });

    it("wires listener -> rule -> target group -> the ECS service, with health checks and a grace period", () => {
        const lb = one(L.lb, "web-lb");
        assert.deepStrictEqual(
            [lb.inputs.internal, lb.inputs.loadBalancerType],
            [false, "application"],
        );
        // AWS refuses an internet-facing load balancer in a VPC whose internet gateway is not attached yet.
        assert.ok(
            lb.dependencies.includes(one(T.route, "web-public-default").urn),
            "the load balancer waits for the internet gateway's route",
        );
        const publicSubnets = (lb.inputs.subnets as string[]).map((id) => byId(id)!);
        assert.deepStrictEqual(
            publicSubnets.map((s) => [
                s.name,
                s.inputs.availabilityZone,
                s.inputs.mapPublicIpOnLaunch,
            ]),
            [
                ["web-public-0", "us-east-2a", false],
                ["web-public-1", "us-east-2b", false],
            ],
        );
        const https = one(L.listener, "web-https");
        assert.deepStrictEqual(
            [
                https.inputs.loadBalancerArn,
                https.inputs.port,
                https.inputs.protocol,
                https.inputs.sslPolicy,
            ],
            [lb.state.arn, 443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06"],
        );
        assert.match(
            String(https.inputs.certificateArn),
            /^arn:aws:acm:us-east-2:\d{12}:certificate\//,
        );
        const redirect = one(L.listener, "web-http");
        assert.deepStrictEqual(redirect.inputs.defaultActions, [
            {
                type: "redirect",
                redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
            },
        ]);
        const rule = one(L.rule, "frontend-route");
        const tg = one(L.tg, "frontend-tg");
        assert.deepStrictEqual(
            [rule.inputs.listenerArn, rule.inputs.conditions],
            [https.state.arn, [{ pathPattern: { values: ["/*"] } }]],
        );
        // Any host, path /*: the broadest tier but one, so every more specific route added later goes ahead of it.
        assert.ok(
            rule.inputs.priority > 300 * 160 && rule.inputs.priority <= 301 * 160,
            `priority ${rule.inputs.priority}`,
        );
        assert.deepStrictEqual(rule.inputs.actions, [
            { type: "forward", targetGroupArn: tg.state.arn },
        ]);
        assert.deepStrictEqual(
            [
                tg.inputs.targetType,
                tg.inputs.port,
                tg.inputs.protocol,
                tg.inputs.deregistrationDelay,
            ],
            ["ip", 80, "HTTP", 30],
        );
        assert.deepStrictEqual(tg.inputs.healthCheck, {
            enabled: true,
            protocol: "HTTP",
            path: "/",
            matcher: "200-399",
            interval: 15,
            timeout: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
        });
        const service = one(T.service, "frontend");
        assert.deepStrictEqual(service.inputs.loadBalancers, [
            { targetGroupArn: tg.state.arn, containerName: "frontend", containerPort: 80 },
        ]);
        assert.strictEqual(service.inputs.healthCheckGracePeriodSeconds, 60);
        assert.strictEqual((service.inputs.networkConfiguration as any).assignPublicIp, false);
        assert.ok(
            service.dependencies.includes(rule.urn),
            "ECS needs the target group on a listener before the service",
        );
        assert.strictEqual(one(T.service, "internal-nginx").inputs.loadBalancers, undefined);
    });

    it("chains three security group hops and nothing more: internet -> load balancer -> frontend port", () => {
        const lbSg = one(T.sg, "web-lb-sg");
        const frontendSg = one(T.sg, "frontend-sg");
        const rulesOn = (sg: Registration, type: string) =>
            regs
                .filter((r) => r.type === type && r.inputs.securityGroupId === sg.state.id)
                .map((r) => [
                    r.inputs.ipProtocol,
                    r.inputs.fromPort,
                    r.inputs.toPort,
                    r.inputs.cidrIpv4 ?? byId(r.inputs.referencedSecurityGroupId)!.name,
                ]);
        assert.deepStrictEqual(rulesOn(lbSg, T.ingress), [
            ["tcp", 443, 443, "0.0.0.0/0"],
            ["tcp", 80, 80, "0.0.0.0/0"],
        ]);
        assert.deepStrictEqual(
            rulesOn(lbSg, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"),
            [["tcp", 80, 80, "frontend-sg"]],
        );
        assert.deepStrictEqual(rulesOn(frontendSg, T.ingress), [["tcp", 80, 80, "web-lb-sg"]]);
        assert.deepStrictEqual(one(L.lb, "web-lb").inputs.securityGroups, [lbSg.state.id]);
    });

    it("writes access logs to a private, encrypted, TLS-only, expiring bucket whose policy names the Region's log delivery account", () => {
        const bucket = one(L.bucket, "web-lb-logs");
        assert.deepStrictEqual(one(L.lb, "web-lb").inputs.accessLogs, {
            bucket: bucket.state.bucket,
            enabled: true,
            prefix: "web",
        });
        const block = one(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "web-lb-logs",
        ).inputs;
        assert.deepStrictEqual(
            [
                block.blockPublicAcls,
                block.blockPublicPolicy,
                block.ignorePublicAcls,
                block.restrictPublicBuckets,
            ],
            [true, true, true, true],
        );
        assert.deepStrictEqual(
            one(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "web-lb-logs",
            ).inputs.rules,
            [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        );
        assert.deepStrictEqual(
            (
                one(
                    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                    "web-lb-logs",
                ).inputs.rules as any[]
            )[0].expiration,
            { days: 90 },
        );
        const policy = JSON.parse(one(L.bucketPolicy, "web-lb-logs").inputs.policy as string);
        // us-east-2's Elastic Load Balancing account (AWS: "Enable access logs for your Application Load Balancer").
        assert.deepStrictEqual(policy.Statement[0].Principal, {
            AWS: "arn:aws:iam::033677994240:root",
        });
        assert.strictEqual(
            policy.Statement[0].Resource,
            `${bucket.state.arn}/web/AWSLogs/000000000000/*`,
        );
        assert.deepStrictEqual(policy.Statement[1], {
            Sid: "TlsOnly",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucket.state.arn, `${bucket.state.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
    });

    it("scales the frontend on CPU and on requests per target, wired to the load balancer and target group", () => {
        const target = one(L.scalingTarget, "frontend-scaling");
        assert.deepStrictEqual(target.inputs, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: `service/${one(T.cluster, "web-cluster").state.name}/${one(T.service, "frontend").state.name}`,
            minCapacity: 2,
            maxCapacity: 6,
        });
        const metric = (name: string) =>
            one(L.scalingPolicy, name).inputs.targetTrackingScalingPolicyConfiguration as any;
        assert.deepStrictEqual(
            [
                metric("frontend-scale-cpu").predefinedMetricSpecification,
                metric("frontend-scale-cpu").targetValue,
            ],
            [{ predefinedMetricType: "ECSServiceAverageCPUUtilization" }, 60],
        );
        const lb = one(L.lb, "web-lb");
        const tg = one(L.tg, "frontend-tg");
        assert.deepStrictEqual(metric("frontend-scale-requests").predefinedMetricSpecification, {
            predefinedMetricType: "ALBRequestCountPerTarget",
            resourceLabel: `${lb.state.arnSuffix}/${tg.state.arnSuffix}`,
        });
        assert.deepStrictEqual(one(T.service, "frontend").ignoreChanges, ["desiredCount"]);
        assert.deepStrictEqual(one(T.taskDef, "frontend-task").inputs.runtimePlatform, {
            cpuArchitecture: "ARM64",
            operatingSystemFamily: "LINUX",
        });
    });

    it("logs the VPC's flows with a role only this account's flow logs can assume, allowed to write one log group", () => {
        const flow = one(L.flowLog, "web-flow-logs");
        const group = one(T.logGroup, "web-flow-logs");
        const role = one(T.role, "web-flow-logs");
        assert.deepStrictEqual(
            [
                flow.inputs.vpcId,
                flow.inputs.logDestination,
                flow.inputs.iamRoleArn,
                flow.inputs.trafficType,
            ],
            [one(T.vpc, "web-vpc").state.id, group.state.arn, role.state.arn, "ALL"],
        );
        assert.strictEqual(group.inputs.name, "/vpc/ecsnet/web/flow-logs");
        assert.deepStrictEqual(
            JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Condition,
            { StringEquals: { "aws:SourceAccount": "000000000000" } },
        );
        const statement = JSON.parse(
            one(T.rolePolicy, "web-flow-logs").inputs.policy as string,
        ).Statement;
        assert.deepStrictEqual(statement, [
            {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [group.state.arn, `${group.state.arn}:*`],
            },
        ]);
    });

    it("exports the load balancer's DNS name and the frontend's URL", async () => {
        const { outputs } = await evaluateStack(ROOT, "web", { mode: "after-up" });
        const dns = one(L.lb, "web-lb").state.dnsName;
        assert.match(dns, /^web-lb-[0-9a-f]{7}-0000000000\.us-east-2\.elb\.amazonaws\.com$/);
        assert.strictEqual(outputs.loadBalancerDnsName, dns);
        assert.deepStrictEqual(outputs.serviceUrls, { frontend: `https://${dns}/` });
    });
});
