import * as assert from "assert";
import { Ec2Capacity } from "../components/capacity/ec2Capacity";
import { adoptNetwork } from "../components/network/adopt";
import { ServiceConnectCluster } from "../components/service/cluster";
import { EcsService } from "../components/service/ecsService";
import { countsByType, ofType, one, startRuntime, T } from "./support/helpers";

const E = {
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    asg: "aws:autoscaling/group:Group",
    cp: "aws:ecs/capacityProvider:CapacityProvider",
    ccp: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    profile: "aws:iam/instanceProfile:InstanceProfile",
};
const net = (pattern: "public" | "private") =>
    adoptNetwork({
        pattern,
        vpcId: "vpc-1",
        vpcCidr: "10.0.0.0/16",
        taskSubnetIds: ["subnet-a", "subnet-b"],
    });

async function capacityOn(pattern: "public" | "private") {
    const runtime = await startRuntime();
    const network = net(pattern);
    const cluster = new ServiceConnectCluster("core", { namespaceName: "serviceconnectns" });
    const capacity = new Ec2Capacity("hosts", { cluster, network });
    return { runtime, network, cluster, capacity };
}

describe("Ec2Capacity", () => {
    for (const pattern of ["public", "private"] as const) {
        it(`registers exactly the capacity resources on the ${pattern} pattern`, async () => {
            const { runtime } = await capacityOn(pattern);
            await runtime.settle();
            const counts = countsByType(runtime.registrations);
            delete counts[T.cluster];
            delete counts[T.httpNamespace];
            assert.deepStrictEqual(counts, {
                [T.role]: 1,
                [T.policyAttachment]: 1,
                [E.profile]: 1,
                [T.sg]: 1,
                [T.egress]: 1,
                [E.lt]: 1,
                [E.asg]: 1,
                [E.cp]: 1,
                [E.ccp]: 1,
            });
        });
    }

    it("public pattern: instances get public IPs; private pattern: none", async () => {
        for (const [pattern, expected] of [
            ["public", "true"],
            ["private", "false"],
        ] as const) {
            const { runtime } = await capacityOn(pattern);
            await runtime.settle();
            const lt = one(runtime.registrations, E.lt, "hosts-lt");
            assert.strictEqual(lt.inputs.networkInterfaces[0].associatePublicIpAddress, expected);
        }
    });

    it("wires AMI, IMDSv2, instance profile, user data, subnets, capacity provider and association", async () => {
        const { runtime } = await capacityOn("private");
        await runtime.settle();
        const regs = runtime.registrations;
        const lt = one(regs, E.lt, "hosts-lt");
        assert.strictEqual(lt.inputs.imageId, "<ami:ecs-optimized-al2023>");
        assert.deepStrictEqual(lt.inputs.metadataOptions, {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
        });
        // The cluster's name is the one the provider generated for it (known at Check).
        const clusterName = one(regs, "aws:ecs/cluster:Cluster", "core-cluster").state.name;
        assert.match(clusterName, /^core-cluster-[0-9a-f]{7}$/);
        assert.strictEqual(
            Buffer.from(lt.inputs.userData, "base64").toString(),
            `#!/bin/bash\necho ECS_CLUSTER=${clusterName} >> /etc/ecs/ecs.config\necho ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config\n`,
        );
        const sg = one(regs, T.sg, "hosts-sg");
        assert.deepStrictEqual(lt.inputs.networkInterfaces[0].securityGroups, [sg.id]);
        assert.deepStrictEqual(
            ofType(regs, T.ingress),
            [],
            "the instances admit nothing by default",
        );
        const profile = one(regs, E.profile, "hosts-profile");
        assert.deepStrictEqual(lt.inputs.iamInstanceProfile, {
            arn: profile.state.arn,
        });
        const role = one(regs, T.role, "hosts-instance");
        assert.strictEqual(profile.inputs.role, role.state.name);
        assert.deepStrictEqual(
            ofType(regs, T.policyAttachment)
                .filter((a) => a.inputs.role === role.state.name)
                .map((a) => a.inputs.policyArn),
            ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"],
        );
        const asg = one(regs, E.asg, "hosts-asg");
        assert.deepStrictEqual(asg.inputs.vpcZoneIdentifiers, ["subnet-a", "subnet-b"]);
        assert.strictEqual(asg.inputs.protectFromScaleIn, true);
        const cp = one(regs, E.cp, "hosts-cp");
        assert.deepStrictEqual(cp.inputs.autoScalingGroupProvider, {
            autoScalingGroupArn: asg.state.arn,
            managedScaling: { status: "ENABLED", targetCapacity: 100 },
            managedTerminationProtection: "ENABLED",
        });
        const ccp = one(regs, E.ccp, "hosts-cluster-providers");
        assert.deepStrictEqual(
            [ccp.inputs.clusterName, ccp.inputs.capacityProviders],
            [clusterName, [cp.state.name, "FARGATE"]],
        );
        const trust = JSON.parse(role.inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "ec2.amazonaws.com" },
                Action: "sts:AssumeRole",
            },
        ]);
        assert.ok(ccp.dependencies.includes(cp.urn));
    });

    it("rolls instances to each new launch template version: the group names the version, and refreshes protected instances too", async () => {
        const { runtime } = await capacityOn("private");
        await runtime.settle();
        const lt = one(runtime.registrations, E.lt, "hosts-lt");
        const asg = one(runtime.registrations, E.asg, "hosts-asg");
        // "$Latest" never changes, so a new AMI would never reach running instances.
        assert.deepStrictEqual(asg.inputs.launchTemplate, { id: lt.id, version: "1" });
        assert.deepStrictEqual(asg.inputs.instanceRefresh, {
            strategy: "Rolling",
            preferences: {
                minHealthyPercentage: 100,
                maxHealthyPercentage: 200,
                scaleInProtectedInstances: "Refresh",
                standbyInstances: "Terminate",
            },
        });
    });

    it("names its capacity provider so that ECS accepts it, whatever the stack is called", async () => {
        const runtime = await startRuntime();
        const network = net("private");
        for (const name of ["ecs-prod", "AWS-main", "fargate", "games"]) {
            new Ec2Capacity(name, {
                cluster: new ServiceConnectCluster(`${name}-c`, {
                    namespaceName: `${name.toLowerCase()}.ns`,
                }),
                network,
            });
        }
        await runtime.settle();
        const names = ofType(runtime.registrations, E.cp).map((r) => r.name);
        assert.deepStrictEqual(names, ["cp-ecs-prod", "cp-AWS-main", "cp-fargate", "games-cp"]);
        for (const n of names) assert.doesNotMatch(n, /^(aws|ecs|fargate)/i);
    });

    it("waits for the network's way out before launching instances", async () => {
        const runtime = await startRuntime();
        const ready = new (require("@pulumi/aws").ec2.Route)("nat-route", {
            routeTableId: "rtb-1",
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: "nat-1",
        });
        const network = { ...net("private"), outboundReady: [ready] };
        new Ec2Capacity("hosts", {
            cluster: new ServiceConnectCluster("core", { namespaceName: "ns" }),
            network,
        });
        await runtime.settle();
        assert.ok(
            one(runtime.registrations, E.asg, "hosts-asg").dependencies.includes(
                one(runtime.registrations, T.route, "nat-route").urn,
            ),
        );
    });

    it("refuses a network without NAT that lacks the endpoints the ECS agent needs", async () => {
        const runtime = await startRuntime();
        const network = {
            ...net("private"),
            outboundInternet: false,
            vpcEndpointServices: ["s3", "ecr.api", "ecr.dkr", "logs"],
        };
        assert.throws(
            () =>
                new Ec2Capacity("hosts", {
                    cluster: new ServiceConnectCluster("core", { namespaceName: "ns" }),
                    network,
                }),
            {
                message:
                    'Ec2Capacity "hosts": the network has no outbound internet (no NAT), so the ECS agent on the instances needs VPC endpoints for ecs, ecs-agent, ecs-telemetry; add them to the network (vpcEndpoints and interfaceEndpoints), or give it a NAT gateway.',
            },
        );
        await runtime.settle();
        assert.deepStrictEqual(ofType(runtime.registrations, E.lt), []);
    });

    it("refuses bad sizes and a second capacity on one cluster", async () => {
        const { cluster, network } = await capacityOn("private");
        assert.throws(
            () =>
                new Ec2Capacity("more", {
                    cluster: new ServiceConnectCluster("c2", { namespaceName: "c2.ns" }),
                    network,
                    minSize: 3,
                    maxSize: 2,
                }),
            {
                message:
                    'Ec2Capacity "more": minSize 3 is above maxSize 2; raise maxSize or lower minSize.',
            },
        );
        assert.throws(() => new Ec2Capacity("more", { cluster, network }), {
            message:
                'Ec2Capacity "more": the cluster already has EC2 capacity (Ec2Capacity "hosts"); ECS takes one capacity provider association per cluster, so share that capacity.',
        });
        assert.throws(
            () =>
                new Ec2Capacity("t", {
                    cluster: new ServiceConnectCluster("c3", { namespaceName: "c3.ns" }),
                    network,
                    targetCapacity: 0,
                }),
            {
                message:
                    'Ec2Capacity "t": targetCapacity must be between 1 and 100 (got 0); it is the group utilisation managed scaling aims for.',
            },
        );
    });
});

describe("EcsService on EC2", () => {
    const c0 = (ports: any[] = []) => [{ name: "app", image: "x", portMappings: ports }];

    it("awsvpc on the private pattern: capacity provider strategy, own security group, no assignPublicIp", async () => {
        const { runtime, cluster, network, capacity } = await capacityOn("private");
        new EcsService("api", {
            cluster,
            network,
            capacity,
            containers: c0([{ name: "web", containerPort: 8080 }]),
        });
        await runtime.settle();
        const svc = one(runtime.registrations, T.service, "api");
        assert.deepStrictEqual(svc.inputs.capacityProviderStrategies, [
            {
                capacityProvider: one(
                    runtime.registrations,
                    "aws:ecs/capacityProvider:CapacityProvider",
                    "hosts-cp",
                ).state.name,
                weight: 1,
            },
        ]);
        assert.strictEqual(svc.inputs.launchType, undefined);
        assert.deepStrictEqual(svc.inputs.networkConfiguration, {
            subnets: ["subnet-a", "subnet-b"],
            securityGroups: ["<securitygroup:api-sg>"],
        });
        assert.ok(
            svc.dependencies.includes(
                one(runtime.registrations, E.ccp, "hosts-cluster-providers").urn,
            ),
        );
        const td = one(runtime.registrations, T.taskDef, "api-task");
        assert.deepStrictEqual(
            [td.inputs.requiresCompatibilities, td.inputs.networkMode],
            [["EC2"], "awsvpc"],
        );
    });

    it("bridge on the public pattern: the host's security group and public IP; a port open to the internet is mapped 1:1", async () => {
        const { runtime, cluster, network, capacity } = await capacityOn("public");
        const server = new EcsService("game", {
            cluster,
            network,
            capacity,
            networkMode: "bridge",
            containers: c0([
                { name: "game", containerPort: 7777, openToInternet: true },
                { name: "admin", containerPort: 9000 },
            ]),
            expose: [{ portName: "admin" }],
        });
        new EcsService("bot", {
            cluster,
            network,
            capacity,
            networkMode: "bridge",
            containers: c0(),
            calls: [server],
        });
        await runtime.settle();
        const regs = runtime.registrations;
        const hostSg = one(regs, T.sg, "hosts-sg");
        assert.strictEqual(one(regs, T.service, "game").inputs.networkConfiguration, undefined);
        const mappings = JSON.parse(
            one(regs, T.taskDef, "game-task").inputs.containerDefinitions,
        )[0].portMappings;
        // The rule admits 7777 on the host, so the task must listen there, not on a dynamic port.
        assert.deepStrictEqual(mappings, [
            { name: "game", containerPort: 7777, hostPort: 7777, protocol: "tcp" },
            { name: "admin", containerPort: 9000, hostPort: 0, protocol: "tcp" },
        ]);
        const rules = ofType(regs, T.ingress).map((r) => [
            r.name,
            r.inputs.securityGroupId,
            r.inputs.fromPort,
            r.inputs.toPort,
            r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId,
        ]);
        assert.deepStrictEqual(rules, [
            ["hosts-in-tcp-7777-from-internet", hostSg.id, 7777, 7777, "0.0.0.0/0"],
            ["hosts-in-tcp-32768-65535-from-self", hostSg.id, 32768, 65535, hostSg.id],
        ]);
    });

    it("registers each distinct rule on a shared host group once: two bridge clients of one server, two services opening one port", async () => {
        const { runtime, cluster, network, capacity } = await capacityOn("public");
        const server = new EcsService("game", {
            cluster,
            network,
            capacity,
            networkMode: "bridge",
            containers: c0([{ name: "game", containerPort: 7777, openToInternet: true }]),
            expose: [{ portName: "game" }],
        });
        new EcsService("relay", {
            cluster,
            network,
            capacity,
            networkMode: "bridge",
            containers: c0([{ name: "game", containerPort: 7777, openToInternet: true }]),
        });
        new EcsService("bot", {
            cluster,
            network,
            capacity,
            networkMode: "bridge",
            containers: c0(),
            calls: [server],
        });
        new EcsService("bot2", {
            cluster,
            network,
            capacity,
            networkMode: "bridge",
            containers: c0(),
            calls: [server],
        });
        await runtime.settle();
        const regs = runtime.registrations;
        // AWS refuses a second identical rule (InvalidPermission.Duplicate): one rule each, owned by the capacity.
        const rules = ofType(regs, T.ingress);
        const keys = rules.map((r) =>
            JSON.stringify([
                r.inputs.securityGroupId,
                r.inputs.ipProtocol,
                r.inputs.fromPort,
                r.inputs.toPort,
                r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId,
            ]),
        );
        assert.strictEqual(new Set(keys).size, keys.length);
        assert.deepStrictEqual(
            rules.map((r) => r.name),
            ["hosts-in-tcp-7777-from-internet", "hosts-in-tcp-32768-65535-from-self"],
        );
        const capacityUrn = regs.find((r) => r.type === "ecsnet:ecs:Ec2Capacity")!.urn;
        assert.ok(
            rules.every((r) => r.parent === capacityUrn),
            "a shared rule belongs to the group's owner, so no service's removal renames it",
        );
        for (const svc of ["relay", "bot", "bot2"]) {
            assert.ok(
                rules.some((r) => one(regs, T.service, svc).dependencies.includes(r.urn)),
                `${svc} waits for the rule it needs`,
            );
        }
    });

    it("refuses host mode unless the caller accepts that tasks can read the instance role", async () => {
        const { runtime, cluster, network, capacity } = await capacityOn("private");
        assert.throws(
            () =>
                new EcsService("stream", {
                    cluster,
                    network,
                    capacity,
                    networkMode: "host",
                    containers: c0([{ name: "rtmp", containerPort: 1935 }]),
                }),
            {
                message: `EcsService "stream": networkMode host shares the instance's network, so every container can read the instance role's credentials from the instance metadata service (the hop limit only stops bridge containers); use awsvpc or bridge, or set allowInstanceRoleAccess to true if the instance role's permissions are acceptable to this task.`,
            },
        );
        await runtime.settle();
        assert.deepStrictEqual(ofType(runtime.registrations, T.taskDef), []);
    });

    it("host mode maps the container port on the host", async () => {
        const { runtime, cluster, network, capacity } = await capacityOn("public");
        new EcsService("stream", {
            cluster,
            network,
            capacity,
            networkMode: "host",
            allowInstanceRoleAccess: true,
            containers: c0([{ name: "rtmp", containerPort: 1935 }]),
        });
        await runtime.settle();
        const [mapping] = JSON.parse(
            one(runtime.registrations, T.taskDef, "stream-task").inputs.containerDefinitions,
        )[0].portMappings;
        assert.deepStrictEqual(mapping, {
            name: "rtmp",
            containerPort: 1935,
            hostPort: 1935,
            protocol: "tcp",
        });
    });

    const refusals: [string, "public" | "private", (a: any) => any, string][] = [
        [
            "assignPublicIp on EC2",
            "private",
            (a) => ({ ...a, assignPublicIp: true }),
            'EcsService "api": assignPublicIp is a Fargate-only setting; on EC2, bridge and host tasks use their instance\'s public IP and awsvpc tasks never get one, so remove it.',
        ],
        [
            "awsvpc on EC2 in the public pattern",
            "public",
            (a) => a,
            "EcsService \"api\": networkMode awsvpc on EC2 in public subnets leaves tasks no outbound internet path (a task's ENI never gets a public IP on EC2); use the private pattern (outbound through NAT), or networkMode bridge or host to share the instance's public IP.",
        ],
        [
            "a sensitive service on public EC2 hosts",
            "public",
            (a) => ({ ...a, networkMode: "bridge", sensitive: true }),
            'EcsService "api": sensitive is true but the EC2 capacity\'s instances get public IPs (the public pattern), so the host is reachable from the internet; run the capacity on a private network, or clear sensitive if its data is not sensitive.',
        ],
        [
            "Service Connect in host mode",
            "private",
            (a) => ({
                ...a,
                networkMode: "host",
                allowInstanceRoleAccess: true,
                containers: [
                    { name: "app", image: "x", portMappings: [{ name: "web", containerPort: 80 }] },
                ],
                expose: [{ portName: "web" }],
            }),
            'EcsService "api": Service Connect needs networkMode awsvpc or bridge, and this service uses host; change networkMode or drop expose and calls.',
        ],
        [
            "bridge mode on Fargate",
            "private",
            (a) => ({ ...a, capacity: undefined, networkMode: "bridge" }),
            'EcsService "api": networkMode bridge is not available on Fargate, which runs every task in awsvpc mode; use awsvpc, or EC2 capacity for bridge.',
        ],
        [
            "EC2 without capacity",
            "private",
            (a) => ({ ...a, capacity: undefined, launchType: "EC2" }),
            'EcsService "api": launchType is EC2 but no capacity is given; pass an Ec2Capacity, or use FARGATE.',
        ],
    ];
    for (const [what, pattern, change, message] of refusals) {
        it(`refuses ${what}`, async () => {
            const { runtime, cluster, network, capacity } = await capacityOn(pattern);
            await runtime.settle();
            const before = runtime.registrations.length;
            assert.throws(
                () =>
                    new EcsService("api", change({ cluster, network, capacity, containers: c0() })),
                { name: "ServicePlanError", message },
            );
            await runtime.settle();
            assert.strictEqual(runtime.registrations.length, before);
        });
    }
});
