import * as assert from "assert";
import * as path from "path";
import fc from "fast-check";
import { analyzeReachability, ReachabilityEntry } from "../../policies/model/reachability";
import { evaluateStack } from "../../offline/engine/program";
import { listStacks } from "../../offline/engine/project";
import { reachabilityOf } from "../../offline/reports/report";
import { oracle } from "./oracle";
import { AclRule, resourcesOf, Rule, Topology } from "./topology";

const ROOT = path.resolve(__dirname, "../..");
const byService = (entries: ReachabilityEntry[]) =>
    Object.fromEntries(entries.map((e) => [e.service, e]));

/** One public and one private subnet (its NAT in the public one), as AWS's pattern documentation draws them. */
function patterns(overrides: Partial<Topology> = {}): Topology {
    return {
        subnets: [{ route: "igw" }, { route: "nat" }],
        natSubnet: 0,
        groups: [
            {
                ingress: [{ protocol: "tcp", from: 443, to: 443, cidr: "0.0.0.0/0" }],
                egressAll: true,
            },
            { ingress: [{ protocol: "tcp", from: 8080, to: 8080, group: 0 }], egressAll: true },
        ],
        services: [
            { subnet: 0, group: 0, publicIp: true, port: 443, protocol: "tcp" },
            { subnet: 1, group: 1, publicIp: false, port: 8080, protocol: "tcp" },
        ],
        ...overrides,
    };
}
const analyze = (t: Topology) => byService(analyzeReachability(resourcesOf(t) as any));

describe("reachability: the answers AWS's documentation gives for its two patterns", () => {
    it("a task in a public subnet with a public IP is reachable from the internet and reaches out through the internet gateway", () => {
        const a = analyze(patterns())["svc-0"];
        assert.strictEqual(a.fromInternet, true);
        assert.deepStrictEqual(a.internetPaths, [
            [
                'internet gateway "igw"',
                'route table "rt-0"',
                'subnet "subnet-0"',
                "public IP (networkConfiguration.assignPublicIp)",
                'security group "sg-0" ingress[0]',
            ],
        ]);
        assert.deepStrictEqual(
            [a.egress, a.egressVia],
            ["internet-gateway", ['internet gateway "igw"']],
        );
    });

    it("a task in a private subnet is not reachable from the internet, is reachable from the service its group admits, and reaches out through the NAT in its AZ", () => {
        const a = analyze(patterns())["svc-1"];
        assert.deepStrictEqual(
            [a.fromInternet, a.internetPaths, a.fromServices],
            [false, [], ["svc-0"]],
        );
        assert.deepStrictEqual(
            [a.egress, a.egressVia],
            ["nat", ['NAT gateway "nat" (us-east-1a)']],
        );
    });

    it("one NAT gateway for every AZ (Single) makes the other AZs depend on it", () => {
        const t = patterns({
            subnets: [{ route: "igw" }, { route: "nat" }, { route: "nat" }],
            services: [
                ...patterns().services,
                { subnet: 2, group: 1, publicIp: false, port: 8080, protocol: "tcp" },
            ],
        });
        const a = analyze(t);
        assert.strictEqual(
            a["svc-1"].natAzIndependent,
            false,
            "subnet-1 is in us-east-1b, its NAT in us-east-1a",
        );
        assert.strictEqual(a["svc-2"].natAzIndependent, false);
    });

    it("an awsvpc task on EC2 in a public subnet gets no public IP, whatever assignPublicIp says", () => {
        const resources = resourcesOf(patterns()) as any[];
        const svc = resources.find((r) => r.name === "svc-0");
        svc.props = { ...svc.props, launchType: "EC2" };
        const a = byService(analyzeReachability(resources))["svc-0"];
        assert.deepStrictEqual([a.fromInternet, a.egress], [false, "none"]);
    });
});

describe("reachability: the traps", () => {
    it("a public IP behind a closed group is unreachable", () => {
        const t = patterns();
        t.groups[0].ingress = [{ protocol: "tcp", from: 443, to: 443, cidr: "10.0.0.0/8" }];
        assert.strictEqual(analyze(t)["svc-0"].fromInternet, false);
    });

    it("an open group without a public IP is unreachable", () => {
        const t = patterns();
        t.services[0].publicIp = false;
        assert.deepStrictEqual(
            [analyze(t)["svc-0"].fromInternet, analyze(t)["svc-0"].egress],
            [false, "none"],
        );
    });

    it("a public IP and an open group in a subnet with no internet gateway route: unreachable, and no way out", () => {
        const t = patterns({ subnets: [{ route: "none" }, { route: "nat" }] });
        assert.deepStrictEqual(
            [analyze(t)["svc-0"].fromInternet, analyze(t)["svc-0"].egress],
            [false, "none"],
        );
        assert.strictEqual(
            analyze(t)["svc-1"].egress,
            "none",
            "the NAT's own subnet has no way out either",
        );
    });

    it("a network ACL that denies the port (or the reply) closes the path, in rule order", () => {
        const allowAll: AclRule = {
            number: 200,
            allow: true,
            protocol: "-1",
            from: 0,
            to: 65535,
            cidr: "0.0.0.0/0",
        };
        const deny443: AclRule = {
            number: 100,
            allow: false,
            protocol: "tcp",
            from: 443,
            to: 443,
            cidr: "0.0.0.0/0",
        };
        const t = patterns({
            subnets: [
                { route: "igw", acl: { inbound: [deny443, allowAll], outbound: [allowAll] } },
                { route: "nat" },
            ],
        });
        assert.strictEqual(analyze(t)["svc-0"].fromInternet, false);
        t.subnets[0].acl = {
            inbound: [{ ...deny443, number: 300 }, allowAll],
            outbound: [allowAll],
        };
        assert.strictEqual(analyze(t)["svc-0"].fromInternet, true, "the allow at 200 comes first");
        t.subnets[0].acl = {
            inbound: [allowAll],
            outbound: [
                {
                    number: 100,
                    allow: true,
                    protocol: "tcp",
                    from: 443,
                    to: 443,
                    cidr: "0.0.0.0/0",
                },
            ],
        };
        assert.strictEqual(
            analyze(t)["svc-0"].fromInternet,
            false,
            "stateless: no ephemeral port for the reply",
        );
    });

    it("a rule split across resources: the group's rules are merged", () => {
        const resources = resourcesOf(patterns()) as any[];
        const sg = resources.find((r) => r.name === "sg-0");
        sg.props = { ...sg.props, ingress: [] };
        resources.push({
            urn: "urn:rule",
            type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            name: "https",
            props: {
                securityGroupId: "sg-0",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
            },
            propertyDependencies: { securityGroupId: [sg] },
        });
        const a = byService(analyzeReachability(resources))["svc-0"];
        assert.deepStrictEqual(
            a.internetPaths.map((p) => p[4]),
            ['security group rule "https"'],
        );
    });

    it("a load balancer path, with security group references chained through the load balancer", () => {
        const t = patterns();
        t.services[0] = { subnet: 1, group: 1, publicIp: false, port: 8080, protocol: "tcp" };
        const resources = resourcesOf(t) as any[];
        const find = (name: string) => resources.find((r) => r.name === name);
        const lbGroup = {
            urn: "urn:lbsg",
            type: "aws:ec2/securityGroup:SecurityGroup",
            name: "lb-sg",
            props: {
                id: "sg-lb",
                ingress: [
                    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                ],
            },
            propertyDependencies: {},
        };
        const lb = {
            urn: "urn:lb",
            type: "aws:lb/loadBalancer:LoadBalancer",
            name: "lb",
            props: {
                arn: "arn:lb",
                internal: false,
                subnets: ["subnet-0"],
                securityGroups: ["sg-lb"],
            },
            propertyDependencies: { subnets: [find("subnet-0")], securityGroups: [lbGroup] },
        };
        const tg = {
            urn: "urn:tg",
            type: "aws:lb/targetGroup:TargetGroup",
            name: "tg",
            props: { arn: "arn:tg", port: 8080 },
            propertyDependencies: {},
        };
        const listener = {
            urn: "urn:l",
            type: "aws:lb/listener:Listener",
            name: "https",
            props: {
                loadBalancerArn: "arn:lb",
                port: 443,
                protocol: "HTTPS",
                defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }],
            },
            propertyDependencies: { loadBalancerArn: [lb], defaultActions: [tg] },
        };
        const svc = find("svc-0");
        svc.props = {
            ...svc.props,
            loadBalancers: [
                { targetGroupArn: "arn:tg", containerName: "svc-0", containerPort: 8080 },
            ],
        };
        svc.propertyDependencies = { ...svc.propertyDependencies, loadBalancers: [tg] };
        // The service's group admits the load balancer's group only: the chain.
        find("sg-1").props = {
            ...find("sg-1").props,
            ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-lb"] }],
        };
        resources.push(lbGroup, lb, tg, listener);
        const a = byService(analyzeReachability(resources))["svc-0"];
        assert.deepStrictEqual(a.internetPaths, [
            [
                'internet gateway "igw"',
                'route table "rt-0"',
                'subnet "subnet-0"',
                'load balancer "lb"',
                'listener "https" (HTTPS:443)',
                'target group "tg"',
                'security group "sg-1" ingress[0]',
            ],
        ]);
        lb.props.internal = true;
        assert.strictEqual(
            byService(analyzeReachability(resources))["svc-0"].fromInternet,
            false,
            "an internal load balancer is no path from the internet",
        );
    });

    it("bridge mode on EC2: the host's public IP and the host's group decide, on the dynamic host port", () => {
        const resources = resourcesOf(patterns()) as any[];
        const find = (name: string) => resources.find((r) => r.name === name);
        const hostGroup = {
            urn: "urn:hsg",
            type: "aws:ec2/securityGroup:SecurityGroup",
            name: "hosts-sg",
            props: {
                id: "sg-h",
                ingress: [
                    { protocol: "tcp", fromPort: 32768, toPort: 60999, cidrBlocks: ["0.0.0.0/0"] },
                ],
                egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
            },
            propertyDependencies: {},
        };
        const template = {
            urn: "urn:lt",
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            name: "hosts",
            props: {
                id: "lt-1",
                networkInterfaces: [{ associatePublicIpAddress: "true", securityGroups: ["sg-h"] }],
            },
            propertyDependencies: { networkInterfaces: [hostGroup] },
        };
        const group = {
            urn: "urn:asg",
            type: "aws:autoscaling/group:Group",
            name: "hosts",
            props: {
                arn: "arn:asg",
                vpcZoneIdentifiers: ["subnet-0"],
                launchTemplate: { id: "lt-1" },
            },
            propertyDependencies: {
                vpcZoneIdentifiers: [find("subnet-0")],
                launchTemplate: [template],
            },
        };
        const provider = {
            urn: "urn:cp",
            type: "aws:ecs/capacityProvider:CapacityProvider",
            name: "hosts",
            props: { name: "hosts", autoScalingGroupProvider: { autoScalingGroupArn: "arn:asg" } },
            propertyDependencies: { autoScalingGroupProvider: [group] },
        };
        const td = find("td-0");
        td.props = {
            ...td.props,
            networkMode: "bridge",
            requiresCompatibilities: ["EC2"],
            containerDefinitions: JSON.stringify([
                { name: "web", portMappings: [{ containerPort: 8080, hostPort: 0 }] },
            ]),
        };
        const svc = find("svc-0");
        svc.props = {
            launchType: undefined,
            taskDefinition: "arn:td-0",
            capacityProviderStrategies: [{ capacityProvider: "hosts" }],
        };
        svc.propertyDependencies = { taskDefinition: [td], capacityProviderStrategies: [provider] };
        resources.push(hostGroup, template, group, provider);
        const a = byService(analyzeReachability(resources))["svc-0"];
        assert.deepStrictEqual(
            [a.port, a.fromInternet, a.egress],
            [32768, true, "internet-gateway"],
        );
        assert.deepStrictEqual(a.internetPaths[0].slice(3), [
            'host public IP (launch template "hosts" sets associatePublicIpAddress "true")',
            'security group "hosts-sg" ingress[0]',
        ]);
    });

    it("says unknown for a service whose ports are not known yet, naming the value", () => {
        const resources = resourcesOf(patterns()) as any[];
        const td = resources.find((r) => r.name === "td-0");
        td.props = { ...td.props, containerDefinitions: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" };
        const a = analyzeReachability(resources).find((e) => e.service === "svc-0")!;
        assert.deepStrictEqual(
            [a.port, a.fromInternet, a.unknowns],
            [null, "unknown", ['task definition "td-0" containerDefinitions']],
        );
    });

    it("says unknown, naming the value, when an unknown decides the answer", () => {
        const resources = resourcesOf(patterns()) as any[];
        const svc = resources.find((r) => r.name === "svc-0");
        svc.props = {
            ...svc.props,
            networkConfiguration: {
                ...svc.props.networkConfiguration,
                assignPublicIp: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
            },
        };
        const a = byService(analyzeReachability(resources))["svc-0"];
        assert.deepStrictEqual(
            [a.fromInternet, a.unknowns[0]],
            ["unknown", 'ECS service "svc-0" networkConfiguration.assignPublicIp'],
        );
    });
});

describe("reachability against an independently written brute-force oracle", () => {
    const ports = [22, 80, 443];
    const cidr = fc.constantFrom(
        "0.0.0.0/0",
        "0.0.0.0/1",
        "128.0.0.0/1",
        "10.0.0.0/8",
        "10.1.0.0/16",
        "203.0.0.0/8",
        "64.0.0.0/2",
    );
    const protocol = fc.constantFrom<"tcp" | "udp" | "-1">("tcp", "tcp", "udp", "-1");
    const range = fc.constantFrom<[number, number]>(
        [0, 65535],
        [22, 22],
        [80, 80],
        [443, 443],
        [1024, 65535],
    );
    const aclRule = fc
        .record({
            number: fc.integer({ min: 1, max: 50 }),
            allow: fc.boolean(),
            protocol,
            range,
            cidr,
        })
        .map(({ range: [from, to], ...r }) => ({ ...r, from, to }) as AclRule);
    const topology = fc.integer({ min: 1, max: 4 }).chain((subnetCount) =>
        fc.integer({ min: 1, max: 3 }).chain((groupCount) =>
            fc.record({
                subnets: fc.array(
                    fc.record({
                        route: fc.constantFrom<"igw" | "nat" | "none">("igw", "nat", "none"),
                        acl: fc.option(
                            fc.record({
                                inbound: fc.array(aclRule, { maxLength: 3 }),
                                outbound: fc.array(aclRule, { maxLength: 3 }),
                            }),
                            { nil: undefined },
                        ),
                    }),
                    { minLength: subnetCount, maxLength: subnetCount },
                ),
                natSubnet: fc.integer({ min: 0, max: subnetCount - 1 }),
                groups: fc.array(
                    fc.record({
                        ingress: fc.array(
                            fc
                                .record({
                                    protocol,
                                    range,
                                    source: fc.oneof(
                                        cidr.map((c) => ({ cidr: c })),
                                        fc
                                            .integer({ min: 0, max: groupCount - 1 })
                                            .map((g) => ({ group: g })),
                                    ),
                                })
                                .map(
                                    ({ range: [from, to], source, protocol: p }) =>
                                        ({ protocol: p, from, to, ...source }) as Rule,
                                ),
                            { maxLength: 3 },
                        ),
                        egressAll: fc.boolean(),
                    }),
                    { minLength: groupCount, maxLength: groupCount },
                ),
                services: fc.array(
                    fc.record({
                        subnet: fc.integer({ min: 0, max: subnetCount - 1 }),
                        group: fc.integer({ min: 0, max: groupCount - 1 }),
                        publicIp: fc.boolean(),
                        port: fc.constantFrom(...ports),
                        protocol: fc.constantFrom<"tcp" | "udp">("tcp", "udp"),
                    }),
                    { minLength: 1, maxLength: 4 },
                ),
            }),
        ),
    );

    it("gives the oracle's answer for every (source, service, port) of 400 random topologies", () => {
        fc.assert(
            fc.property(topology, (t) => {
                // ACL rule numbers are unique per direction in AWS.
                for (const s of t.subnets)
                    if (s.acl)
                        for (const k of ["inbound", "outbound"] as const)
                            s.acl[k] = s.acl[k].filter(
                                (r, i, all) => all.findIndex((x) => x.number === r.number) === i,
                            );
                const expected = oracle(t);
                const actual = analyzeReachability(resourcesOf(t) as any);
                assert.deepStrictEqual(
                    actual.map((e) => ({
                        fromInternet: e.fromInternet,
                        fromServices: e.fromServices,
                        egress: e.egress,
                    })),
                    expected.map((e) => ({
                        fromInternet: e.fromInternet,
                        fromServices: e.fromServices.map((j) => `svc-${j}`).sort(),
                        egress: e.egress,
                    })),
                );
            }),
            { numRuns: 400, seed: 20261123 },
        );
    });
});

/** What the README says each committed stack does, pinned. */
const PINNED: Record<string, Record<string, [boolean | "unknown", string[], string]>> = {
    dev: { "internal-nginx": [false, ["client-nginx"], "nat"], "client-nginx": [false, [], "nat"] },
    prod: {
        "internal-nginx": [false, ["client-nginx"], "nat"],
        "client-nginx": [false, [], "nat"],
    },
    ec2: { "internal-nginx": [false, ["client-nginx"], "nat"], "client-nginx": [false, [], "nat"] },
    games: { "game-server": [true, [], "internet-gateway"] },
    web: { "internal-nginx": [false, ["frontend"], "nat"], frontend: [true, [], "nat"] },
};

describe("reachability of every committed stack, pinned", () => {
    for (const stack of listStacks(ROOT)) {
        for (const mode of ["preview", "after-up"] as const) {
            it(`${stack} (${mode})`, async () => {
                const entries = reachabilityOf(
                    (await evaluateStack(ROOT, stack, { mode })).resources,
                );
                const got = Object.fromEntries(
                    entries.map((e) => [e.service, [e.fromInternet, e.fromServices, e.egress]]),
                );
                assert.deepStrictEqual(got, PINNED[stack]);
                // Single NAT (dev): losing its AZ cuts the others off; one NAT per AZ does not.
                const nat = entries
                    .filter((e) => e.egress === "nat")
                    .map((e) => e.natAzIndependent);
                assert.ok(
                    nat.every((v) => v === (stack !== "dev")),
                    `${stack}: ${nat}`,
                );
            });
        }
    }
});
