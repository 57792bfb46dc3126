/**
 * The AWS half of the offline runtime: what a resource's state looks like, and answers for the few
 * invokes the program makes (invokes run in a preview too, so their answers are known in both modes).
 * - In a preview nothing exists: the state holds the known inputs (with the name the provider's
 *   Check generates when the program sets none), with no id, so the SDK resolves every other output
 *   (id, arn, ...) as unknown, exactly as it does when the engine previews a create.
 * - After up, ids, ARNs and addresses are clearly marked placeholders: ids look like
 *   `<vpc:core-vpc>`, ARNs use account 000000000000, public addresses come from TEST-NET-3
 *   (203.0.113.0/24).
 * An invoke it does not know is an error, never a guess; a data source that reads the account (a
 * team's existing VPC, say) answers unknown values, never made-up ones (EXTERNAL_READS).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Mode, ProgramDiagnostic } from "./runtime";
import { AWS_NAMES, awsNameProblem } from "../../components/naming";
import { autoName, autoNamedIn, typeSchema } from "./view";
import { UNKNOWN_SENTINEL } from "../../policies/model/values";

export const PLACEHOLDER_ACCOUNT = "000000000000";

/** Zones per region, for the zone lookup. Regions not listed get a, b and c. */
const REGION_ZONES: Record<string, string[]> = {
    "us-east-1": ["a", "b", "c", "d", "e", "f"],
    "us-west-1": ["a", "c"],
    "ap-northeast-2": ["a", "b", "c", "d"],
};

export function zonesOf(region: string): string[] {
    return (REGION_ZONES[region] ?? ["a", "b", "c"]).map((z) => `${region}${z}`);
}

/** The last segment of a type token, lowercased: `aws:ec2/vpc:Vpc` -> `vpc`. */
export function shortType(type: string): string {
    return type.split(":").pop()!.toLowerCase();
}

export function placeholderId(type: string, name: string): string {
    return `<${shortType(type)}:${name}>`;
}

/** The SSM parameter path ECS publishes the recommended ECS-optimised AMI under. */
export const ECS_AMI_PARAMETER_PREFIX = "/aws/service/ecs/optimized-ami/";

/**
 * Data sources a hand-written program reads its account with (a team's existing VPC, subnets, groups,
 * cluster, certificate, AMI, policy documents). Offline nothing can be read, and guessing would decide
 * verdicts on made-up values: the answer carries what the program asked for (an `id` it passed) and
 * every listed output as unknown, as a real preview would hold an output that is not known yet. The
 * policy pack then waits on them (advisory, naming the value) instead of deciding on a guess, and the
 * program is warned once per data source.
 */
const EXTERNAL_READS: Record<string, string[]> = {
    "aws:ec2/getVpc:getVpc": [
        "id",
        "arn",
        "cidrBlock",
        "mainRouteTableId",
        "ownerId",
        "cidrBlockAssociations",
        "ipv6CidrBlock",
    ],
    "aws:ec2/getSubnet:getSubnet": [
        "id",
        "arn",
        "cidrBlock",
        "availabilityZone",
        "availabilityZoneId",
        "vpcId",
        "mapPublicIpOnLaunch",
        "ipv6CidrBlock",
    ],
    "aws:ec2/getSubnets:getSubnets": ["id", "ids"],
    "aws:ec2/getSecurityGroup:getSecurityGroup": ["id", "arn", "vpcId", "name", "description"],
    "aws:ec2/getRouteTable:getRouteTable": [
        "id",
        "routeTableId",
        "vpcId",
        "routes",
        "associations",
    ],
    "aws:ec2/getInternetGateway:getInternetGateway": [
        "id",
        "arn",
        "internetGatewayId",
        "attachments",
    ],
    "aws:ec2/getNatGateway:getNatGateway": ["id", "subnetId", "vpcId", "publicIp", "allocationId"],
    "aws:ec2/getAmi:getAmi": ["id", "arn", "imageId", "architecture", "name"],
    "aws:ecs/getCluster:getCluster": [
        "id",
        "arn",
        "clusterName",
        "serviceConnectDefaults",
        "settings",
    ],
    "aws:acm/getCertificate:getCertificate": ["id", "arn", "domain", "status"],
    "aws:route53/getZone:getZone": ["id", "zoneId", "name", "arn", "nameServers"],
    "aws:iam/getPolicyDocument:getPolicyDocument": ["id", "json", "minifiedJson"],
    "aws:iam/getRole:getRole": ["id", "arn", "name", "assumeRolePolicy"],
    "aws:servicediscovery/getHttpNamespace:getHttpNamespace": ["id", "arn", "name", "httpName"],
    "aws:servicediscovery/getDnsNamespace:getDnsNamespace": ["id", "arn", "name", "hostedZone"],
};

export class MockAws implements pulumi.runtime.Mocks {
    private readonly warned = new Set<string>();

    private readonly ids = new Set<string>();
    private addresses = 0;

    constructor(
        readonly region: string,
        readonly mode: Mode = "after-up",
    ) {}

    /**
     * What the next registration already is in the stack's state (set by the runtime just before it
     * registers, when planning an update): it exists, so its id and outputs are known, with the new
     * inputs over them. Unset for a create or a replacement, whose outputs stay unknown.
     */
    answerNext?: { id: string | null; outputs: Record<string, unknown> };

    /** The URN of the next registration (set by the runtime just before it registers): auto-names derive from it. */
    urnNext = "";

    /** Where the provider's Check failures go (the runtime's diagnostics: the preview prints them as errors). */
    diagnostics: ProgramDiagnostic[] = [];

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const prior = this.answerNext;
        this.answerNext = undefined;
        if (prior !== undefined) {
            const known = Object.fromEntries(
                Object.entries(args.inputs).filter(([, v]) => !isUnknownInput(v)),
            );
            return { id: prior.id ?? undefined, state: { ...prior.outputs, ...known } };
        }
        // The provider's Check fills a name the program leaves unset, so it is known in a preview too.
        const named = autoNamedIn(args.type, args.inputs);
        const inputs = named
            ? { ...args.inputs, [named]: autoName(this.urnNext, args.name) }
            : args.inputs;
        this.checkName(args, named !== undefined);
        if (this.mode === "preview") {
            // A create's preview: inputs propagate to outputs, the id and everything computed stay unknown.
            return { id: undefined, state: inputs };
        }
        const id = this.uniqueId(args.type, args.name);
        if (args.type.startsWith("aws-native:")) {
            return { id, state: this.nativeState(args, id) };
        }
        const service = args.type.split(":")[1]?.split("/")[0] ?? "mock";
        const physicalName = inputs.name ?? args.name;
        const state: Record<string, unknown> = {
            ...inputs,
            id,
            name: physicalName,
            arn: `arn:aws:${service}:${this.region}:${PLACEHOLDER_ACCOUNT}:${shortType(args.type)}/${physicalName}`,
        };
        switch (args.type) {
            case "aws:ec2/eip:Eip":
                state.allocationId = `<eipalloc:${args.name}>`;
                state.publicIp = `203.0.113.${++this.addresses}`;
                break;
            case "aws:ecs/taskDefinition:TaskDefinition":
                state.revision = 1;
                state.arnWithoutRevision = state.arn;
                state.arn = `${state.arn}:1`;
                break;
            case "aws:ec2/vpc:Vpc":
                // The main route table, default ACL and default group AWS creates with every VPC.
                state.mainRouteTableId = `<routetable:${args.name}-main>`;
                state.defaultRouteTableId = state.mainRouteTableId;
                state.defaultNetworkAclId = `<networkacl:${args.name}-default>`;
                state.defaultSecurityGroupId = `<securitygroup:${args.name}-default>`;
                break;
            case "aws:ec2/launchTemplate:LaunchTemplate":
                state.latestVersion = 1;
                break;
            // ARNs and names in the shapes AWS gives them, for what the program derives from them.
            case "aws:lb/loadBalancer:LoadBalancer":
                state.arn = `arn:aws:elasticloadbalancing:${this.region}:${PLACEHOLDER_ACCOUNT}:loadbalancer/app/${physicalName}/0000000000000000`;
                state.arnSuffix = `app/${physicalName}/0000000000000000`;
                state.dnsName = `${physicalName}-0000000000.${this.region}.elb.amazonaws.com`;
                break;
            case "aws:lb/targetGroup:TargetGroup":
                state.arn = `arn:aws:elasticloadbalancing:${this.region}:${PLACEHOLDER_ACCOUNT}:targetgroup/${physicalName}/0000000000000000`;
                state.arnSuffix = `targetgroup/${physicalName}/0000000000000000`;
                break;
            case "aws:s3/bucket:Bucket":
                state.bucket = inputs.bucket ?? physicalName;
                state.arn = `arn:aws:s3:::${state.bucket}`;
                break;
        }
        return { id, state };
    }

    /**
     * The provider's Check of the name: a name AWS would refuse (too long, characters outside its
     * set, a reserved prefix) fails the preview with the resource and the limit, as the engine prints
     * a Check failure (pulumi/pulumi sdk/go/common/diag/errors.go, codes 2002 and 2003). An auto-name
     * whose `<name>-` leaves no room for the 7 random characters fails as the bridge's generator does
     * (sdk/go/common/resource/resource_id.go NewUniqueName). The resource still registers, so every
     * failure of the program is listed at once, as the engine goes on checking the rest.
     */
    private checkName(args: pulumi.runtime.MockResourceArgs, generated: boolean): void {
        const rule = AWS_NAMES[args.type];
        if (rule === undefined) return;
        const value: unknown = args.inputs[rule.property];
        let message: string | undefined;
        if (generated) {
            const prefix = `${args.name}-`;
            if (rule.max !== undefined && prefix.length + 7 > rule.max)
                message = `${args.type} resource '${args.name}' has a problem: name '${prefix}' plus 7 random chars is longer than maximum length ${rule.max}; give it a shorter name, or set ${rule.property} yourself`;
        } else if (typeof value === "string" && value !== UNKNOWN_SENTINEL) {
            const problem = awsNameProblem(args.type, value);
            if (problem !== undefined)
                message = `${args.type} resource '${args.name}': property ${rule.property} value "${value}" has a problem: it ${problem}`;
        }
        if (message !== undefined) this.diagnostics.push({ severity: "error", message });
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        switch (args.token) {
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const names = zonesOf(this.region);
                return {
                    id: this.region,
                    region: this.region,
                    names,
                    zoneIds: names.map((n) => `mock-${n}`),
                    groupNames: [],
                };
            }
            case "aws:index/getRegion:getRegion":
                return {
                    id: this.region,
                    name: this.region,
                    region: this.region,
                    endpoint: `ec2.${this.region}.amazonaws.com`,
                    description: "",
                };
            case "aws:index/getPartition:getPartition":
                return {
                    id: "aws",
                    partition: "aws",
                    dnsSuffix: "amazonaws.com",
                    reverseDnsPrefix: "com.amazonaws",
                };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    id: PLACEHOLDER_ACCOUNT,
                    accountId: PLACEHOLDER_ACCOUNT,
                    arn: `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:root`,
                    userId: "mock",
                };
            case "aws:ssm/getParameter:getParameter":
                if (String(args.inputs.name).startsWith(ECS_AMI_PARAMETER_PREFIX)) {
                    // One AMI per architecture, as ECS publishes them: the arm64 parameter names another image.
                    const ami = String(args.inputs.name).includes("/arm64/")
                        ? "<ami:ecs-optimized-al2023-arm64>"
                        : "<ami:ecs-optimized-al2023>";
                    return {
                        id: args.inputs.name,
                        name: args.inputs.name,
                        type: "String",
                        value: ami,
                        version: 1,
                        arn: "",
                        insecureValue: "",
                    };
                }
                break;
        }
        if (EXTERNAL_READS[args.token]) return this.external(args);
        throw new Error(
            `offline runtime: no answer for invoke ${args.token} (${JSON.stringify(args.inputs)}); add one to offline/engine/mockAws.ts`,
        );
    }

    /** A data source's answer: the inputs the program gave, every output it reads of AWS unknown. */
    private external(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        if (!this.warned.has(args.token)) {
            this.warned.add(args.token);
            void pulumi.log.warn(
                `offline, the data source ${args.token} is not run (it reads the AWS account or the provider): its ${EXTERNAL_READS[args.token].filter((f) => f !== "id").join(", ")} are unknown in this plan, and verdicts that depend on them wait for a real preview.`,
            );
        }
        const unknown = Object.fromEntries(
            EXTERNAL_READS[args.token].map((f) => [f, UNKNOWN_SENTINEL]),
        );
        return { ...unknown, ...args.inputs };
    }

    /**
     * Cloud Control's state after a create: the inputs, and every output the schema lists, filled the
     * way CloudFormation names them: `...Id` the physical id, `...Arn` an ARN, `...Name` the name.
     */
    private nativeState(
        args: pulumi.runtime.MockResourceArgs,
        id: string,
    ): Record<string, unknown> {
        const [, service, resource] = args.type.split(":");
        const state: Record<string, unknown> = { ...args.inputs };
        for (const output of typeSchema(args.type)?.outputs ?? []) {
            if (state[output] !== undefined) {
                continue;
            }
            if (output === "awsId" || output.endsWith("Id")) {
                state[output] = id;
            } else if (output === "arn" || output.endsWith("Arn")) {
                state[output] =
                    `arn:aws:${service}:${this.region}:${PLACEHOLDER_ACCOUNT}:${resource.toLowerCase()}/${args.name}`;
            } else if (output === "name" || output.endsWith("Name")) {
                state[output] = args.name;
            }
        }
        return state;
    }

    /** Ids a stack's state already holds: a new resource never gets one of them. */
    reserveIds(ids: string[]): void {
        ids.forEach((id) => this.ids.add(id));
    }

    private uniqueId(type: string, name: string): string {
        let id = placeholderId(type, name);
        for (let n = 2; this.ids.has(id); n++) {
            id = `${placeholderId(type, name).slice(0, -1)}#${n}>`;
        }
        this.ids.add(id);
        return id;
    }
}

/** Whether a deserialized input is the SDK's unknown (a preview's value computed by another step). */
function isUnknownInput(value: unknown): boolean {
    return (
        value !== null &&
        typeof value === "object" &&
        (value as { __pulumiUnknown?: boolean }).__pulumiUnknown === true
    );
}
