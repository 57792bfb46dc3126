/**
 * What AWS would refuse when the engine runs an update's steps, in the engine's order
 * (pulumi/pulumi pkg/resource/deploy/deployment_executor.go): creates, updates and create-before-delete
 * replacements as the program registers them, a delete-before-replace removing the old resource
 * just before its new one, and every delete (the old halves of replacements included) at the end.
 * AWS's own rules, which no mock enforces:
 * - a security group rule whose protocol, ports and source equal a rule still in the group:
 *   `InvalidPermission.Duplicate` (descriptions do not count);
 * - a second listener on a load balancer's port: `DuplicateListener`;
 * - a listener rule priority another rule of the listener still holds: `PriorityInUse`;
 * - a subnet CIDR overlapping a subnet still in the VPC: `InvalidSubnet.Conflict`;
 * - a fixed name that still exists (log groups, Cloud Map namespaces, IAM roles and instance
 *   profiles, target groups and load balancers, ...), and a Service Connect discovery name still
 *   used in its namespace;
 * - a delete AWS blocks while something still uses it: a namespace with services
 *   (`ResourceInUse`), a security group still attached (`DependencyViolation`).
 * Auto-named resources never conflict by name: Pulumi gives each a new random suffix.
 */
import { AWS_NAMES } from "../../components/naming";
import { Ipv4Cidr, overlaps, parseIpv4Cidr } from "../../components/network/cidr";
import { UNKNOWN_SENTINEL } from "../../policies/model/values";
import type { EngineResource } from "./view";
import { StackState } from "./state";
import { Step } from "./steps";

export interface Refusal {
    /** The resource whose step AWS refuses. */
    urn: string;
    /** AWS's error code. */
    code: string;
    /** The existing resource it collides with (or, for a blocked delete, the one still using it). */
    conflictsWith: string;
    message: string;
    /** The change that avoids it. */
    fix: string;
}

interface Live {
    urn: string;
    type: string;
    inputs: Record<string, any>;
    outputs?: Record<string, any>;
    id: string | null;
}

const known = (v: unknown): v is string | number | boolean =>
    v !== undefined && v !== null && v !== UNKNOWN_SENTINEL && typeof v !== "object";
const nameOf = (urn: string) => urn.split("::").pop()!;

/** The keys AWS keeps unique that a resource holds, each with the code AWS answers a second holder with. */
function uniqueKeys(r: Live): { key: string; code: string; what: string }[] {
    const i = r.inputs;
    switch (r.type) {
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
            const source =
                i.cidrIpv4 ?? i.cidrIpv6 ?? i.referencedSecurityGroupId ?? i.prefixListId;
            const fields = [
                i.securityGroupId,
                i.ipProtocol,
                i.fromPort ?? "",
                i.toPort ?? "",
                source,
            ];
            if (!fields.every((f) => f === "" || known(f))) return [];
            const direction = r.type.includes("Ingress") ? "ingress" : "egress";
            return [
                {
                    key: `sg-rule|${direction}|${fields.join("|")}`,
                    code: "InvalidPermission.Duplicate",
                    what: `an ${direction} rule ${i.ipProtocol} ${i.fromPort ?? ""}-${i.toPort ?? ""} from ${source} in group ${i.securityGroupId}`,
                },
            ];
        }
        case "aws:lb/listener:Listener":
            return known(i.loadBalancerArn) && known(i.port)
                ? [
                      {
                          key: `listener|${i.loadBalancerArn}|${i.port}`,
                          code: "DuplicateListener",
                          what: `a listener on port ${i.port} of ${i.loadBalancerArn}`,
                      },
                  ]
                : [];
        case "aws:lb/listenerRule:ListenerRule":
            return known(i.listenerArn) && known(i.priority)
                ? [
                      {
                          key: `rule|${i.listenerArn}|${i.priority}`,
                          code: "PriorityInUse",
                          what: `priority ${i.priority} on ${i.listenerArn}`,
                      },
                  ]
                : [];
        case "aws:ecs/service:Service": {
            const namespace = i.serviceConnectConfiguration?.namespace;
            const services: any[] = Array.isArray(i.serviceConnectConfiguration?.services)
                ? i.serviceConnectConfiguration.services
                : [];
            if (!known(namespace)) return [];
            return services
                .map((s) => s.discoveryName ?? s.portName)
                .filter(known)
                .map((d) => ({
                    key: `discovery|${namespace}|${d}`,
                    code: "InvalidParameterException",
                    what: `the Service Connect discovery name ${d} in namespace ${namespace}`,
                }));
        }
    }
    const rule = AWS_NAMES[r.type];
    if (rule?.scope === undefined || rule.scope === "namespace") return [];
    const name = i[rule.property];
    return known(name)
        ? [
              {
                  key: `name|${r.type}|${name}`,
                  code: NAME_CODES[r.type] ?? "AlreadyExists",
                  what: `the name ${name}`,
              },
          ]
        : [];
}

/** What AWS answers a create whose fixed name exists. */
const NAME_CODES: Record<string, string> = {
    "aws:cloudwatch/logGroup:LogGroup": "ResourceAlreadyExistsException",
    "aws:servicediscovery/httpNamespace:HttpNamespace": "NamespaceAlreadyExists",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": "NamespaceAlreadyExists",
    "aws:iam/role:Role": "EntityAlreadyExists",
    "aws:iam/instanceProfile:InstanceProfile": "EntityAlreadyExists",
    "aws:lb/targetGroup:TargetGroup": "DuplicateTargetGroupName",
    "aws:lb/loadBalancer:LoadBalancer": "DuplicateLoadBalancerName",
    "aws:autoscaling/group:Group": "AlreadyExists",
    "aws:ec2/launchTemplate:LaunchTemplate": "InvalidLaunchTemplateName.AlreadyExistsException",
    "aws:s3/bucket:Bucket": "BucketAlreadyOwnedByYou",
    "aws:ecs/capacityProvider:CapacityProvider": "ClientException",
};

/** A subnet's VPC and IPv4 block, when both are known. */
function subnetBlock(r: Live): { vpc: string; cidr: Ipv4Cidr; text: string } | undefined {
    if (r.type !== "aws:ec2/subnet:Subnet" || !known(r.inputs.vpcId) || !known(r.inputs.cidrBlock))
        return undefined;
    const parsed = parseIpv4Cidr(String(r.inputs.cidrBlock));
    return parsed.ok
        ? { vpc: String(r.inputs.vpcId), cidr: parsed.cidr, text: String(r.inputs.cidrBlock) }
        : undefined;
}

/** The refusals AWS would answer the update's steps with, in the order the engine meets them. */
export function predictRefusals(
    steps: Step[],
    news: EngineResource[],
    state: StackState,
): Refusal[] {
    const byUrn = new Map(news.map((r) => [r.urn, r]));
    const live = new Map<string, Live>();
    // Old resources are keyed by their old URN; a new resource by its new one (an alias may rename it).
    for (const o of state.resources.filter((r) => r.custom && !r.pendingDelete))
        live.set(`old:${o.urn}`, {
            urn: o.urn,
            type: o.type,
            inputs: o.inputs,
            outputs: o.outputs,
            id: o.id,
        });
    const refusals: Refusal[] = [];
    const deletedLater = new Set(steps.filter((s) => s.op === "delete").map((s) => s.urn));

    const check = (r: Live, step: Step, ignore: string) => {
        for (const k of uniqueKeys(r)) {
            for (const [slot, other] of live) {
                if (slot === ignore || (other.urn === r.urn && slot.startsWith("new:"))) continue;
                if (!uniqueKeys(other).some((o) => o.key === k.key)) continue;
                refusals.push(refusal(step, r, other, k.code, k.what, deletedLater.has(other.urn)));
            }
        }
        const block = subnetBlock(r);
        if (block) {
            for (const [slot, other] of live) {
                const o = subnetBlock(other);
                if (slot === ignore || !o || o.vpc !== block.vpc || !overlaps(o.cidr, block.cidr))
                    continue;
                refusals.push(
                    refusal(
                        step,
                        r,
                        other,
                        "InvalidSubnet.Conflict",
                        `${block.text}, which overlaps ${o.text} in VPC ${block.vpc}`,
                        deletedLater.has(other.urn),
                    ),
                );
            }
        }
    };

    for (const step of steps) {
        const now = byUrn.get(step.urn);
        if (!now?.custom || step.op === "same" || step.op === "delete") continue;
        const oldSlot = step.op === "create" ? undefined : `old:${step.from ?? step.urn}`;
        const r: Live = {
            urn: step.urn,
            type: now.type,
            inputs: now.inputs,
            outputs: now.outputs,
            id: now.id,
        };
        if (step.op === "update") {
            // An update changes the resource in place: it no longer holds what it held.
            check(r, step, oldSlot!);
            live.delete(oldSlot!);
            live.set(`new:${step.urn}`, r);
        } else {
            if (step.op === "replace" && step.deleteBeforeReplace) {
                const old = live.get(oldSlot!);
                live.delete(oldSlot!);
                if (old) refusals.push(...blockedDeletes(old, live.values()));
            }
            check(r, step, "");
            live.set(`new:${step.urn}`, r);
        }
    }
    // Deletes, at the end: what still uses the deleted resource blocks it.
    for (const step of steps.filter(
        (s) => s.op === "delete" || (s.op === "replace" && !s.deleteBeforeReplace),
    )) {
        const oldUrn = step.op === "delete" ? step.urn : (step.from ?? step.urn);
        const old = live.get(`old:${oldUrn}`);
        live.delete(`old:${oldUrn}`);
        if (old) refusals.push(...blockedDeletes(old, live.values()));
    }
    return refusals;
}

/** The refusals of deleting `old` while what is still live uses it. */
function blockedDeletes(old: Live, still: Iterable<Live>): Refusal[] {
    if (!old.id) return [];
    return [...still].flatMap((other) => {
        const code = blockedDelete(old, other);
        return code
            ? [
                  {
                      urn: old.urn,
                      code,
                      conflictsWith: other.urn,
                      message: `AWS refuses to delete ${nameOf(old.urn)} (${old.type}) while ${nameOf(other.urn)} still uses it.`,
                      fix: `replace ${nameOf(old.urn)} create-first (no deleteBeforeReplace) so ${nameOf(other.urn)} moves off it before it goes, or keep it (alias its new name to the old one).`,
                  },
              ]
            : [];
    });
}

/** The code AWS answers deleting `old` while `user` still references it (by id or ARN), if it does. */
function blockedDelete(old: Live, user: Live): string | undefined {
    const handles = new Set(
        [old.id, old.outputs?.arn].filter((h): h is string => typeof h === "string"),
    );
    const refers = (v: unknown): boolean =>
        Array.isArray(v)
            ? v.some(refers)
            : v !== null && typeof v === "object"
              ? Object.values(v).some(refers)
              : typeof v === "string" && handles.has(v);
    if (
        /^aws:servicediscovery\/(http|privateDns)Namespace:/.test(old.type) &&
        user.type === "aws:ecs/service:Service" &&
        refers(user.inputs.serviceConnectConfiguration)
    )
        return "ResourceInUse";
    if (
        old.type === "aws:ec2/securityGroup:SecurityGroup" &&
        [
            "aws:ecs/service:Service",
            "aws:lb/loadBalancer:LoadBalancer",
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "aws:ec2/launchTemplate:LaunchTemplate",
        ].includes(user.type) &&
        refers(user.inputs)
    )
        return "DependencyViolation";
    return undefined;
}

function refusal(
    step: Step,
    r: Live,
    other: Live,
    code: string,
    what: string,
    otherGoesLater: boolean,
): Refusal {
    const self = other.urn === (step.from ?? step.urn);
    const fix = self
        ? `replace ${nameOf(step.urn)} delete-first (deleteBeforeReplace), or keep what forces the replacement (${(step.replaceBecause ?? []).join(", ")}) unchanged.`
        : otherGoesLater
          ? `keep the old name: add aliases: [{ name: "${nameOf(other.urn)}" }] to ${nameOf(step.urn)}, so Pulumi updates it in place instead of creating it beside the old one.`
          : `give ${nameOf(step.urn)} a value ${nameOf(other.urn)} does not hold.`;
    return {
        urn: step.urn,
        code,
        conflictsWith: other.urn,
        message: `AWS refuses to ${step.op === "update" ? "update" : "create"} ${nameOf(step.urn)} (${r.type}): ${what} is still held by ${nameOf(other.urn)}${otherGoesLater ? ", which this update deletes only at its end" : ""}.`,
        fix,
    };
}
