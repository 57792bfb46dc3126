import * as assert from "assert";
import {
    noPublicIpOnSensitiveTasks,
    noPublicIpOnSensitiveTasksByReference,
    noSshFromInternetPerSecurityGroup,
} from "../../policies/rules";
import { proxy, runResource, runStack } from "./harness";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SERVICE = "aws:ecs/service:Service";
const UNKNOWN = proxy.unknownStringValue;

const group = (name: string, props: object = {}) => ({
    type: SG,
    name,
    urn: `urn:${name}`,
    props: { vpcId: "vpc-1", ...props },
});
const rule = (name: string, sg: object, props: object, deps: Record<string, object[]> = {}) => ({
    type: RULE,
    name,
    urn: `urn:${name}`,
    props: {
        type: "ingress",
        securityGroupId: UNKNOWN,
        protocol: "tcp",
        fromPort: 22,
        toPort: 22,
        ...props,
    },
    propertyDependencies: { securityGroupId: [sg], ...deps },
});
const levels = (out: { urn?: string; enforcementLevel?: string }[]) =>
    out.map((v) => `${v.urn} ${v.enforcementLevel ?? "policy's level"}`);

describe("no-ssh-from-internet-per-security-group, on the model", () => {
    it("decides at preview from property dependencies when every id is unknown", () => {
        const sg = group("web");
        const out = runStack(noSshFromInternetPerSecurityGroup, [
            sg,
            rule("a", sg, { cidrBlocks: ["0.0.0.0/1"] }),
            rule("b", sg, { cidrBlocks: ["128.0.0.0/1"] }),
        ]);
        assert.deepStrictEqual(levels(out), ["urn:web policy's level"]);
    });

    it("joins rules on the same group outside the stack by its id after up", () => {
        const a = {
            ...rule("a", {}, { securityGroupId: "sg-0abc", cidrBlocks: ["0.0.0.0/1"] }),
            propertyDependencies: {},
        };
        const b = {
            type: VPC_RULE,
            name: "b",
            urn: "urn:b",
            props: { securityGroupId: "sg-0abc", ipProtocol: "-1", cidrIpv4: "128.0.0.0/1" },
        };
        const out = runStack(noSshFromInternetPerSecurityGroup, [a, b]);
        assert.strictEqual(out.length, 1);
        assert.match(
            out[0].message,
            /^Security group sg-0abc \(outside this stack\) admits SSH port 22 from the whole internet through 2 rules together/,
        );
    });

    it("an unknown source in one rule does not hide what the known rules open", () => {
        const sg = group("web");
        const resources = [
            sg,
            rule("a", sg, { cidrBlocks: ["0.0.0.0/1"] }),
            rule("b", sg, { cidrBlocks: ["128.0.0.0/1"] }),
            rule("c", sg, { cidrBlocks: [UNKNOWN] }),
        ];
        assert.deepStrictEqual(levels(runStack(noSshFromInternetPerSecurityGroup, resources)), [
            "urn:web policy's level",
        ]);
    });

    it("is advisory only when an unknown could complete the opening, and names the value", () => {
        const sg = group("web");
        const out = runStack(noSshFromInternetPerSecurityGroup, [
            sg,
            rule("a", sg, { cidrBlocks: ["0.0.0.0/1"] }),
            rule("b", sg, { cidrBlocks: [UNKNOWN] }),
        ]);
        assert.deepStrictEqual(out, [
            {
                message: `Cannot decide whether security group "web" admits SSH port 22 from the whole internet in this preview: it depends on security group rule "b" cidrBlocks[0], not known until the resources it comes from exist. It is decided in the next preview or update once known.`,
                urn: "urn:web",
                enforcementLevel: "advisory",
            },
        ]);
        // UDP with an unknown source, or an unknown that cannot reach SSH: decided, nothing to say.
        assert.deepStrictEqual(
            runStack(noSshFromInternetPerSecurityGroup, [
                sg,
                rule("a", sg, { protocol: "udp", cidrBlocks: [UNKNOWN] }),
            ]),
            [],
        );
    });

    it("resolves an unknown CIDR through its dependency on a VPC whose block is known", () => {
        const sg = group("web");
        const vpc = {
            type: "aws:ec2/vpc:Vpc",
            name: "core",
            urn: "urn:vpc",
            props: { cidrBlock: "10.0.0.0/16" },
        };
        const resources = [
            vpc,
            sg,
            rule("a", sg, { cidrBlocks: ["0.0.0.0/1"] }),
            rule("b", sg, { cidrBlocks: [UNKNOWN] }, { cidrBlocks: [vpc] }),
        ];
        assert.deepStrictEqual(runStack(noSshFromInternetPerSecurityGroup, resources), []);
    });

    it("resolves prefix lists of both providers, by dependency at preview and by id after up", () => {
        const pl = {
            type: "aws-native:ec2:PrefixList",
            name: "all",
            urn: "urn:pl",
            props: {
                addressFamily: "IPv6",
                entries: [{ cidr: "::/1" }, { cidr: "8000::/1" }],
                prefixListId: "pl-123",
            },
        };
        const nativeSg = (prefix: unknown, deps: object[]) => ({
            type: "aws-native:ec2:SecurityGroup",
            name: "native",
            urn: "urn:native",
            props: {
                groupDescription: "d",
                securityGroupIngress: [
                    { ipProtocol: "tcp", fromPort: 0, toPort: 1024, sourcePrefixListId: prefix },
                ],
            },
            propertyDependencies: { securityGroupIngress: deps },
        });
        for (const resources of [
            [pl, nativeSg(UNKNOWN, [pl])],
            [pl, nativeSg("pl-123", [])],
        ]) {
            const out = runStack(noSshFromInternetPerSecurityGroup, resources);
            assert.strictEqual(out.length, 1);
            assert.match(
                out[0].message,
                /from ::\/1 in prefix list "all" \+ 8000::\/1 in prefix list "all"/,
            );
        }
        // An AWS-managed list (not in the stack) is not the internet.
        assert.deepStrictEqual(
            runStack(noSshFromInternetPerSecurityGroup, [nativeSg("pl-63a5400a", [])]),
            [],
        );
    });

    it("a rule whose group is not known at preview and has no dependency stands alone, named", () => {
        const a = { ...rule("a", {}, { cidrBlocks: ["0.0.0.0/1"] }), propertyDependencies: {} };
        const b = { ...rule("b", {}, { cidrBlocks: ["128.0.0.0/1"] }), propertyDependencies: {} };
        assert.deepStrictEqual(runStack(noSshFromInternetPerSecurityGroup, [a, b]), []);
    });

    it("honours exemptCidrs on the union", () => {
        const sg = group("web");
        const resources = [
            sg,
            rule("a", sg, { cidrBlocks: ["0.0.0.0/1"] }),
            rule("b", sg, { cidrBlocks: ["128.0.0.0/1"] }),
        ];
        assert.deepStrictEqual(
            runStack(noSshFromInternetPerSecurityGroup, resources, {
                config: { exemptCidrs: ["128.0.0.0/1"] },
            }),
            [],
        );
    });
});

describe("sensitivity by precedence", () => {
    const service = (props: object, provider?: object) => ({
        type: SERVICE,
        name: "api",
        urn: "urn:api",
        props: { networkConfiguration: { subnets: ["s"], assignPublicIp: true }, ...props },
        provider,
    });
    const explicitProvider = (tags: object) => ({
        urn: "urn:p",
        type: "pulumi:providers:aws",
        name: "p",
        props: { region: "us-east-1", defaultTags: JSON.stringify({ tags }) },
    });
    const reasons = (
        resource: ReturnType<typeof service>,
        stackTags?: Record<string, string>,
        config?: object,
    ) =>
        runResource(noPublicIpOnSensitiveTasks, SERVICE, resource.props, {
            name: "api",
            provider: resource.provider,
            stackTags,
            config,
        }).map((m) => /sensitive \((.*)\) but/.exec(m)?.[1]);

    it("reads the provider's default tags as the JSON string @pulumi/aws sends (explicit provider or aws:defaultTags)", () => {
        assert.deepStrictEqual(
            reasons(service({}, explicitProvider({ "data-classification": "Confidential" }))),
            ["provider default tag data-classification=Confidential"],
        );
    });

    it("lets the resource's own non-sensitive tag override a sensitive default, stack tag or config", () => {
        const own = { tags: { "data-classification": "  public " } };
        assert.deepStrictEqual(
            reasons(
                service(own, explicitProvider({ "data-classification": "confidential" })),
                { "data-classification": "restricted" },
                { allTasksSensitive: true },
            ),
            [],
        );
    });

    it("takes tagsAll before the provider, the provider before stack tags, stack tags before config", () => {
        const p = explicitProvider({ "data-classification": "internal" });
        assert.deepStrictEqual(
            reasons(service({ tagsAll: { "data-classification": "restricted" } }, p)),
            ["default tag data-classification=restricted in its tagsAll"],
        );
        assert.deepStrictEqual(
            reasons(
                service({}, p),
                { "data-classification": "restricted" },
                { allTasksSensitive: true },
            ),
            [],
        );
        assert.deepStrictEqual(reasons(service({}), { "data-classification": "restricted" }), [
            "stack tag data-classification=restricted",
        ]);
        assert.deepStrictEqual(reasons(service({}), { team: "x" }, { allTasksSensitive: true }), [
            "the policy pack's config marks every task sensitive (allTasksSensitive)",
        ]);
    });

    it("a task definition's sensitive tag adds sensitivity; its non-sensitive tag never lifts a default", () => {
        const td = (tags: object) => ({
            type: "aws:ecs/taskDefinition:TaskDefinition",
            name: "td",
            urn: "urn:td",
            props: { tags },
        });
        const withTd = (t: object, stackTags?: Record<string, string>) => {
            const d = td(t);
            return runStack(
                noPublicIpOnSensitiveTasksByReference,
                [d, { ...service({}), propertyDependencies: { taskDefinition: [d] } }],
                { stackTags },
            );
        };
        assert.match(
            withTd({ "data-classification": "sensitive" })[0].message,
            /its task definition "td" carries data-classification=sensitive/,
        );
        // Stack-tag sensitivity is the resource policy's to report (it sees it at Analyze): no duplicate here.
        assert.deepStrictEqual(
            withTd({ "data-classification": "public" }, { "data-classification": "restricted" }),
            [],
        );
        assert.strictEqual(
            runResource(noPublicIpOnSensitiveTasks, SERVICE, service({}).props, {
                stackTags: { "data-classification": "restricted" },
            }).length,
            1,
        );
    });
});
