import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { evaluateStack } from "../../offline/engine/program";
import { Mode, OfflineRuntime, Registration } from "../../offline/engine/runtime";
import { engineView, EngineResource } from "../../offline/engine/view";

export const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    igw: "aws:ec2/internetGateway:InternetGateway",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    eip: "aws:ec2/eip:Eip",
    nat: "aws:ec2/natGateway:NatGateway",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    cluster: "aws:ecs/cluster:Cluster",
    httpNamespace: "aws:servicediscovery/httpNamespace:HttpNamespace",
    dnsNamespace: "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    service: "aws:ecs/service:Service",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
} as const;

/** What the seed scenario (internal-nginx server, client-nginx client with ECS Exec) registers besides the network. */
export const SEED_SERVICE_COUNTS: Record<string, number> = {
    [T.httpNamespace]: 1,
    [T.cluster]: 1,
    [T.logGroup]: 2,
    [T.role]: 4,
    [T.policyAttachment]: 2,
    [T.rolePolicy]: 1,
    [T.sg]: 2,
    [T.egress]: 2,
    [T.ingress]: 1,
    [T.taskDef]: 2,
    [T.service]: 2,
};

/**
 * A runtime for component tests. They default to `after-up`, where every resource exists with a
 * placeholder id, so wiring can be checked id to id as AWS would resolve it; preview-mode tests say
 * so (and follow property dependencies instead).
 */
export async function startRuntime(
    region = "us-east-1",
    config?: Record<string, unknown>,
    mode: Mode = "after-up",
): Promise<OfflineRuntime> {
    return OfflineRuntime.start({ project: "ecsnet", stack: "test", region, config, mode });
}

/**
 * What a hand-written program registers, as the engine hands it to a policy pack: `build` runs under
 * a fresh runtime in `mode` (us-east-1 unless `region` says, stack "test"), and its registrations come
 * back as the engine's view, whose default providers carry `config` (the stack's `aws:*` keys).
 */
export async function engineViewOf(
    mode: Mode,
    build: () => void,
    {
        region = "us-east-1",
        config = {},
    }: { region?: string; config?: Record<string, unknown> } = {},
): Promise<EngineResource[]> {
    const runtime = await startRuntime(region, undefined, mode);
    build();
    await runtime.settle();
    return engineView(runtime.registrations, { mode, project: "ecsnet", stack: "test", config });
}

export function ofType(regs: Registration[], type: string): Registration[] {
    return regs.filter((r) => r.type === type);
}

export function one(regs: Registration[], type: string, name: string): Registration {
    const found = regs.filter((r) => r.type === type && r.name === name);
    assert.strictEqual(
        found.length,
        1,
        `expected exactly one ${type} named ${name}, found ${found.length}`,
    );
    return found[0];
}

/** The resource a placeholder id points at (ids are unique per resource). */
export function byId(regs: Registration[], id: string): Registration {
    const found = regs.find((r) => r.id === id);
    assert.ok(found, `no resource has id ${id}`);
    return found;
}

export function countsByType(regs: Registration[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of regs.filter((x) => x.custom)) {
        counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
    return counts;
}

/** Runs `build` under a fresh runtime and returns what it registered once everything settled. */
export async function registered(
    build: () => unknown,
    region = "us-east-1",
): Promise<Registration[]> {
    const runtime = await startRuntime(region);
    build();
    await runtime.settle();
    return runtime.registrations;
}

/** An Output's value (or its rejection), for assertions. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    // `promise()` is the SDK's internal accessor; it also surfaces rejections, which `apply` hides.
    return (output as unknown as { promise(): Promise<T> }).promise();
}

/**
 * Evaluates a committed stack (dev by default) with `extra` set over its stack file; returns the
 * error it is refused with and what registered besides the root stack (nothing, when the refusal
 * comes before the first registration as it must). Throws when the stack is accepted.
 */
export async function refusal(
    extra: Record<string, unknown>,
    stack = "dev",
): Promise<{ error: Error; registered: string[] }> {
    let registrations: Registration[] = [];
    try {
        await evaluateStack(path.resolve(__dirname, "..", ".."), stack, {
            extraConfig: extra,
            observe: (r) => (registrations = r),
        });
    } catch (error) {
        return {
            error: error as Error,
            registered: registrations
                .filter((r) => r.type !== "pulumi:pulumi:Stack")
                .map((r) => r.name),
        };
    }
    throw new Error(`accepted ${JSON.stringify(extra)}`);
}
