import * as assert from "assert";
import {
    noPublicIpOnSensitiveTasksByReference,
    noPublicIpOnSensitiveTasks,
} from "../../policies/rules";
import { proxy, runResource, runStack } from "./harness";

const SERVICE = "aws:ecs/service:Service";
const TASK_SET = "aws:ecs/taskSet:TaskSet";
const FIX =
    "which gives every task a public IP reachable from the internet. Set networkConfiguration.assignPublicIp to false and run the tasks in private subnets behind a NAT gateway.";

/** The passing fixture: a non-sensitive public service (the legitimate public pattern). */
const fixture = () => ({
    cluster: "c",
    taskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/game:1",
    networkConfiguration: { subnets: ["s"], assignPublicIp: true },
    tags: { team: "games" },
});
const run = (props: object, opts: Parameters<typeof runResource>[3] = {}) =>
    runResource(noPublicIpOnSensitiveTasks, SERVICE, props, { name: "payments", ...opts });

describe("policy no-public-ip-on-sensitive-tasks", () => {
    it("passes a non-sensitive service with a public IP", () => {
        assert.deepStrictEqual(run(fixture()), []);
    });

    it("rejects a service tagged data-classification=confidential", () => {
        assert.deepStrictEqual(
            run({ ...fixture(), tags: { "data-classification": "confidential" } }),
            [
                `ECS service "payments" is sensitive (tag data-classification=confidential) but sets networkConfiguration.assignPublicIp to true, ${FIX}`,
            ],
        );
    });

    it("reads tag values in any case, and assignPublicIp as a string", () => {
        const props = {
            ...fixture(),
            networkConfiguration: { subnets: ["s"], assignPublicIp: "ENABLED" },
            tags: { "data-classification": "Restricted" },
        };
        assert.deepStrictEqual(run(props), [
            `ECS service "payments" is sensitive (tag data-classification=Restricted) but sets networkConfiguration.assignPublicIp to "ENABLED", ${FIX}`,
        ]);
    });

    it("rejects a task set too (Security Hub ECS.16)", () => {
        const messages = runResource(
            noPublicIpOnSensitiveTasks,
            TASK_SET,
            { ...fixture(), tags: { "data-classification": "sensitive" } },
            { name: "canary" },
        );
        assert.deepStrictEqual(messages, [
            `ECS task set "canary" is sensitive (tag data-classification=sensitive) but sets networkConfiguration.assignPublicIp to true, ${FIX}`,
        ]);
    });

    it("treats every task of a stack tagged sensitive as sensitive", () => {
        assert.deepStrictEqual(
            run(fixture(), { stackTags: { "data-classification": "confidential" } }),
            [
                `ECS service "payments" is sensitive (stack tag data-classification=confidential) but sets networkConfiguration.assignPublicIp to true, ${FIX}`,
            ],
        );
    });

    it("treats every task as sensitive when the pack's config says so", () => {
        assert.deepStrictEqual(run(fixture(), { config: { allTasksSensitive: true } }), [
            `ECS service "payments" is sensitive (the policy pack's config marks every task sensitive (allTasksSensitive)) but sets networkConfiguration.assignPublicIp to true, ${FIX}`,
        ]);
    });

    it("honours a configured tag key and values", () => {
        const props = { ...fixture(), tags: { tier: "pci" } };
        assert.deepStrictEqual(run(props), []);
        assert.strictEqual(
            run(props, { config: { classificationTagKey: "tier", sensitiveValues: ["PCI"] } })
                .length,
            1,
        );
    });

    it("passes a sensitive service without a public IP", () => {
        assert.deepStrictEqual(
            run({
                ...fixture(),
                networkConfiguration: { subnets: ["s"], assignPublicIp: false },
                tags: { "data-classification": "confidential" },
            }),
            [],
        );
    });

    it("remediates by turning assignPublicIp off, and leaves others alone", () => {
        const remediate = noPublicIpOnSensitiveTasks.remediateResource as (a: any) => any;
        const args = (props: object) => ({
            type: SERVICE,
            name: "payments",
            props,
            stackTags: new Map(),
            getConfig: () => ({}),
        });
        const fixed = remediate(
            args({ ...fixture(), tags: { "data-classification": "confidential" } }),
        );
        assert.deepStrictEqual(fixed.networkConfiguration, {
            subnets: ["s"],
            assignPublicIp: false,
        });
        assert.strictEqual(remediate(args(fixture())), undefined);
    });

    it("reads tags key by key: one unknown value (an owner tag from an ARN) neither hides the classification nor switches a policy off", () => {
        // Reading every value at once raised the SDK's UnknownValueError: the policy and the stack
        // policy for every other service in the stack were switched off, a way round both.
        const tags = { owner: proxy.unknownStringValue, "data-classification": "confidential" };
        assert.deepStrictEqual(run({ ...fixture(), tags }), [
            `ECS service "payments" is sensitive (tag data-classification=confidential) but sets networkConfiguration.assignPublicIp to true, ${FIX}`,
        ]);
        // aws-native's list form, with an unknown value beside the classification.
        const listed = [
            { key: "owner", value: proxy.unknownStringValue },
            { key: "data-classification", value: "restricted" },
        ];
        assert.deepStrictEqual(
            runResource(
                noPublicIpOnSensitiveTasks,
                "aws-native:ecs:Service",
                {
                    networkConfiguration: {
                        awsvpcConfiguration: { subnets: ["s"], assignPublicIp: "ENABLED" },
                    },
                    tags: listed,
                },
                { name: "payments" },
            ).length,
            1,
        );
        // The stack policy still judges the other services of the stack.
        const other = {
            type: SERVICE,
            name: "other",
            urn: "urn:other",
            props: {
                ...fixture(),
                taskDefinition: "td",
                tags: { "data-classification": "secret-ish" },
            },
        };
        const tagged = {
            type: SERVICE,
            name: "payments",
            urn: "urn:svc",
            props: { ...fixture(), tags },
        };
        assert.deepStrictEqual(
            runStack(noPublicIpOnSensitiveTasksByReference, [tagged, other]),
            [],
        );
        // A list entry not known yet could be the classification: the verdict waits for it.
        const native = (tags: unknown[]) => ({
            type: "aws-native:ecs:Service",
            name: "payments",
            urn: "urn:svc",
            props: {
                networkConfiguration: {
                    awsvpcConfiguration: { subnets: ["s"], assignPublicIp: "ENABLED" },
                },
                tags,
            },
        });
        assert.match(
            runStack(noPublicIpOnSensitiveTasksByReference, [
                native([{ key: "team", value: "a" }, proxy.unknownObjectValue]),
            ])[0].message,
            /it depends on tags\[1\], not known/,
        );
        // An unknown classification itself still waits, naming that tag.
        const waiting = {
            ...tagged,
            props: {
                ...fixture(),
                tags: { owner: "team", "data-classification": proxy.unknownStringValue },
            },
        };
        assert.match(
            runStack(noPublicIpOnSensitiveTasksByReference, [waiting])[0].message,
            /it depends on tags\.data-classification, not known/,
        );
    });

    it("never throws on unknown tags: the stack policy says, as advisory, which value the verdict waits for", () => {
        assert.deepStrictEqual(run({ ...fixture(), tags: proxy.unknownObjectValue }), []);
        const service = {
            type: SERVICE,
            name: "payments",
            urn: "urn:svc",
            props: { ...fixture(), tags: proxy.unknownObjectValue },
        };
        assert.deepStrictEqual(runStack(noPublicIpOnSensitiveTasksByReference, [service]), [
            {
                message: `Cannot decide whether ECS service "payments", which sets networkConfiguration.assignPublicIp, is sensitive in this preview: it depends on ECS service "payments" tags, not known until the resources it comes from exist. It is decided in the next preview or update once known.`,
                urn: "urn:svc",
                enforcementLevel: "advisory",
            },
        ]);
        assert.deepStrictEqual(
            runStack(noPublicIpOnSensitiveTasksByReference, [
                {
                    ...service,
                    props: {
                        ...service.props,
                        networkConfiguration: { subnets: ["s"], assignPublicIp: false },
                    },
                },
            ]),
            [],
        );
    });
});

describe("policy no-public-ip-on-sensitive-tasks-by-reference", () => {
    const taskDef = (tags: object) => ({
        type: "aws:ecs/taskDefinition:TaskDefinition",
        name: "payments-task",
        urn: "urn:td",
        props: {
            arn: "arn:aws:ecs:us-east-1:1:task-definition/payments:1",
            family: "payments",
            tags,
        },
    });
    const service = {
        type: SERVICE,
        name: "payments",
        urn: "urn:svc",
        props: fixture() as Record<string, any>,
    };

    it("follows the taskDefinition reference to a sensitive task definition", () => {
        const td = taskDef({ "data-classification": "confidential" });
        const svc = {
            ...service,
            props: { ...service.props, taskDefinition: td.props.arn },
            propertyDependencies: { taskDefinition: [td as any] },
        };
        assert.deepStrictEqual(runStack(noPublicIpOnSensitiveTasksByReference, [td, svc] as any), [
            {
                message: `ECS service "payments" is sensitive (its task definition "payments-task" carries data-classification=confidential) but sets networkConfiguration.assignPublicIp to true, ${FIX}`,
                urn: "urn:svc",
            },
        ]);
    });

    it("matches by ARN when no property dependency is recorded", () => {
        const td = taskDef({ "data-classification": "restricted" });
        assert.strictEqual(
            runStack(noPublicIpOnSensitiveTasksByReference, [
                td,
                { ...service, props: { ...service.props, taskDefinition: td.props.arn } },
            ] as any).length,
            1,
        );
    });

    it("passes a non-sensitive task definition, and leaves own-tag cases to the resource policy", () => {
        const td = taskDef({ team: "games" });
        assert.deepStrictEqual(
            runStack(noPublicIpOnSensitiveTasksByReference, [
                td,
                { ...service, props: { ...service.props, taskDefinition: td.props.arn } },
            ] as any),
            [],
        );
        const sensitiveTd = taskDef({ "data-classification": "confidential" });
        const ownTagged = {
            ...service,
            props: {
                ...service.props,
                taskDefinition: sensitiveTd.props.arn,
                tags: { "data-classification": "confidential" },
            },
        };
        assert.deepStrictEqual(
            runStack(noPublicIpOnSensitiveTasksByReference, [sensitiveTd, ownTagged] as any),
            [],
        );
    });
});

describe("policy no-public-ip-on-sensitive-tasks-by-reference on EC2 capacity", () => {
    const MSG_FIX =
        'so its hosts are reachable from the internet. Launch the instances in private subnets with associatePublicIpAddress "false" and reach the internet through a NAT gateway.';
    /** A service on capacity provider cp -> group asg -> launch template lt (in subnet sn), by property dependencies. */
    function graph(opts: {
        lt?: object;
        subnet?: object;
        lc?: object;
        serviceTags?: object;
        viaClusterDefault?: boolean;
        tdTags?: object;
    }) {
        const subnet = {
            type: "aws:ec2/subnet:Subnet",
            name: "public-a",
            urn: "urn:sn",
            props: { mapPublicIpOnLaunch: false, ...opts.subnet },
        };
        const lt = {
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            name: "hosts-lt",
            urn: "urn:lt",
            props: { networkInterfaces: [{ ...opts.lt }] },
        };
        const lc = opts.lc
            ? {
                  type: "aws:ec2/launchConfiguration:LaunchConfiguration",
                  name: "hosts-lc",
                  urn: "urn:lc",
                  props: opts.lc,
              }
            : undefined;
        const asg = {
            type: "aws:autoscaling/group:Group",
            name: "hosts-asg",
            urn: "urn:asg",
            props: { vpcZoneIdentifiers: ["subnet-1"] },
            propertyDependencies: {
                launchTemplate: lc ? [] : [lt],
                launchConfiguration: lc ? [lc] : [],
                vpcZoneIdentifiers: [subnet],
            },
        };
        const cp = {
            type: "aws:ecs/capacityProvider:CapacityProvider",
            name: "hosts-cp",
            urn: "urn:cp",
            props: { autoScalingGroupProvider: { autoScalingGroupArn: "arn:asg" } },
            propertyDependencies: { autoScalingGroupProvider: [asg] },
        };
        const cluster = {
            type: "aws:ecs/cluster:Cluster",
            name: "core",
            urn: "urn:cluster",
            props: {},
        };
        const ccp = {
            type: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
            name: "assoc",
            urn: "urn:ccp",
            props: { defaultCapacityProviderStrategies: [{ capacityProvider: "hosts-cp" }] },
            propertyDependencies: {
                clusterName: [cluster],
                defaultCapacityProviderStrategies: [cp],
            },
        };
        const td = {
            type: "aws:ecs/taskDefinition:TaskDefinition",
            name: "ledger-task",
            urn: "urn:td",
            props: { tags: opts.tdTags ?? {} },
        };
        const svc = {
            type: SERVICE,
            name: "ledger",
            urn: "urn:svc",
            props: {
                tags: opts.serviceTags ?? { "data-classification": "confidential" },
                ...(opts.viaClusterDefault
                    ? { launchType: "EC2" }
                    : { capacityProviderStrategies: [{ capacityProvider: "hosts-cp" }] }),
            },
            propertyDependencies: {
                cluster: [cluster],
                taskDefinition: [td],
                ...(opts.viaClusterDefault ? {} : { capacityProviderStrategies: [cp] }),
            },
        };
        return [subnet, lt, ...(lc ? [lc] : []), asg, cp, cluster, ccp, td, svc] as any[];
    }
    const check = (opts: Parameters<typeof graph>[0], stackTags?: Record<string, string>) =>
        runStack(noPublicIpOnSensitiveTasksByReference, graph(opts), { stackTags });

    it('rejects a launch template that sets associatePublicIpAddress "true" (a string)', () => {
        assert.deepStrictEqual(check({ lt: { associatePublicIpAddress: "true" } }), [
            {
                message: `ECS service "ledger" is sensitive (tag data-classification=confidential) but runs on EC2 capacity provider "hosts-cp" whose instances get public IPs (launch template "hosts-lt" sets associatePublicIpAddress "true"), ${MSG_FIX}`,
                urn: "urn:svc",
            },
        ]);
    });

    it("rejects an unset associatePublicIpAddress in a subnet that maps public IPs", () => {
        assert.deepStrictEqual(
            check({ subnet: { mapPublicIpOnLaunch: true } }).map(
                (v) => v.message.match(/\((its subnet[^)]*)\)/)?.[1],
            ),
            [
                'its subnet "public-a" maps public IPs on launch and the launch template leaves associatePublicIpAddress unset',
            ],
        );
    });

    it("rejects a launch configuration with a public IP", () => {
        assert.strictEqual(check({ lc: { associatePublicIpAddress: true } }).length, 1);
    });

    it("follows the cluster's default capacity provider strategy", () => {
        assert.strictEqual(
            check({ lt: { associatePublicIpAddress: "true" }, viaClusterDefault: true }).length,
            1,
        );
    });

    it("a service with no launch type and no strategy, on a cluster with no default strategy, runs on EC2: its hosts are judged", () => {
        const resources = graph({
            lt: { associatePublicIpAddress: "true" },
            viaClusterDefault: true,
        });
        const svc = resources.find((r) => r.urn === "urn:svc");
        const { launchType: _, ...rest } = svc.props;
        svc.props = rest;
        // The cluster's capacity is associated, with no default strategy.
        const ccp = resources.find((r) => r.urn === "urn:ccp");
        const cp = resources.find((r) => r.urn === "urn:cp");
        ccp.props = { capacityProviders: ["hosts-cp"] };
        ccp.propertyDependencies = {
            clusterName: ccp.propertyDependencies.clusterName,
            capacityProviders: [cp],
        };
        const [v] = runStack(noPublicIpOnSensitiveTasksByReference, resources);
        assert.match(
            v.message,
            /^ECS service "ledger" is sensitive \(tag data-classification=confidential\) but runs on EC2 capacity provider "hosts-cp" whose instances get public IPs/,
        );
        // With a default strategy of AWS's own Fargate providers (no resource), the tasks run on Fargate.
        ccp.props = {
            capacityProviders: ["hosts-cp"],
            defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE" }],
        };
        assert.deepStrictEqual(runStack(noPublicIpOnSensitiveTasksByReference, resources), []);
    });

    it("follows hosts a launch configuration's user data joins to the cluster (ECS_CLUSTER=...), with launchType EC2", () => {
        const userData = "#!/bin/bash\necho ECS_CLUSTER=core >> /etc/ecs/ecs.config\n";
        for (const encoded of [userData, Buffer.from(userData).toString("base64")]) {
            // No capacity provider: only the user data puts the instances in the cluster.
            const resources = graph({
                lc: { associatePublicIpAddress: true, userData: encoded },
                viaClusterDefault: true,
            }).filter((r) => r.urn !== "urn:ccp" && r.urn !== "urn:cp");
            resources.find((r) => r.urn === "urn:cluster").props = { name: "core" };
            const [v] = runStack(noPublicIpOnSensitiveTasksByReference, resources);
            assert.match(
                v?.message ?? "",
                /launchType EC2 on cluster "core", which places tasks on any container instance, including Auto Scaling group "hosts-asg"'s/,
            );
        }
        // Another cluster's instances are not this service's hosts.
        const elsewhere = graph({
            lc: { associatePublicIpAddress: true, userData: "ECS_CLUSTER=other" },
            viaClusterDefault: true,
        }).filter((r) => r.urn !== "urn:ccp" && r.urn !== "urn:cp");
        elsewhere.find((r) => r.urn === "urn:cluster").props = { name: "core" };
        assert.deepStrictEqual(runStack(noPublicIpOnSensitiveTasksByReference, elsewhere), []);
    });

    it("a service's own strategy overrides its cluster's default, even when it names only FARGATE (no resource)", () => {
        const resources = graph({
            lt: { associatePublicIpAddress: "true" },
            viaClusterDefault: true,
        });
        const svc = resources.find((r) => r.urn === "urn:svc");
        const { launchType: _, ...rest } = svc.props;
        svc.props = {
            ...rest,
            capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }],
        };
        assert.deepStrictEqual(runStack(noPublicIpOnSensitiveTasksByReference, resources), []);
    });

    it("counts sensitivity from the task definition and from stack tags", () => {
        assert.match(
            check({
                lt: { associatePublicIpAddress: "true" },
                serviceTags: {},
                tdTags: { "data-classification": "restricted" },
            })[0].message,
            /is sensitive \(its task definition "ledger-task" carries data-classification=restricted\)/,
        );
        assert.match(
            check(
                { lt: { associatePublicIpAddress: "true" }, serviceTags: {} },
                { "data-classification": "sensitive" },
            )[0].message,
            /is sensitive \(stack tag data-classification=sensitive\)/,
        );
    });

    it('passes "false" even in a subnet that maps public IPs, private hosts, and non-sensitive services', () => {
        assert.deepStrictEqual(
            check({
                lt: { associatePublicIpAddress: "false" },
                subnet: { mapPublicIpOnLaunch: true },
            }),
            [],
        );
        assert.deepStrictEqual(check({}), []);
        assert.deepStrictEqual(
            check({ lt: { associatePublicIpAddress: "true" }, serviceTags: { team: "games" } }),
            [],
        );
    });
});
