/**
 * The EC2 capacity planner: the instance type (from the table in instanceTypes.ts), the AMI's
 * architecture that follows from it, the group's sizes, and the refusals that come before anything
 * registers. Plain functions and data, no resources.
 */
import { ENDPOINTS_NEEDED } from "../network/plan";
import { NetworkFacts } from "../network/plan";
import { editDistance } from "../text";
import { Fail, Problems } from "../planError";
import {
    Architecture,
    INSTANCE_TYPES,
    INSTANCE_TYPES_REVIEWED,
    instanceType,
    InstanceType,
    registeredCpuUnits,
    registeredMemoryMiB,
} from "./instanceTypes";

/** The public SSM parameters ECS publishes its recommended ECS-optimised Amazon Linux 2023 AMIs under, per architecture. */
export const ECS_AL2023_AMI_PARAMETERS: Record<Architecture, string> = {
    x86_64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    arm64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
};

export interface CapacityPlanInput {
    /** @default "t3.small" */
    instanceType?: string;
    /** The AMI's architecture; it must be the instance type's. @default the instance type's */
    architecture?: string;
    /** @default 1 */
    minSize?: number;
    /** @default 3 */
    maxSize?: number;
    /** Managed scaling's target utilisation of the group, 1 to 100. @default 100 */
    targetCapacity?: number;
    network: NetworkFacts;
}

export interface CapacityPlan {
    /** Resolved: the instance type. */
    instanceType: string;
    /** Resolved: the CPU architecture of the instance type, and so of the AMI. */
    architecture: Architecture;
    /** What one instance offers tasks once the ECS agent registers it. */
    registered: { cpuUnits: number; memoryMiB: number };
    /** Resolved: the fewest instances. */
    minSize: number;
    /** Resolved: the most instances. */
    maxSize: number;
    /** Resolved: managed scaling's target utilisation, 1 to 100. */
    targetCapacity: number;
}

/** Resolves the capacity's defaults and checks them; throws every problem at once, each naming the field and fix. */
export function planCapacity(label: string, args: CapacityPlanInput): CapacityPlan {
    const problems = new Problems(label);
    const name = args.instanceType ?? "t3.small";
    const minSize = args.minSize ?? 1;
    const maxSize = args.maxSize ?? 3;
    const targetCapacity = args.targetCapacity ?? 100;
    problems.check((fail) => {
        if (!Number.isInteger(minSize) || minSize < 0)
            fail(`minSize must be a whole number, 0 or more (got ${minSize}).`);
        if (!Number.isInteger(maxSize) || maxSize < 1)
            fail(`maxSize must be a whole number, 1 or more (got ${maxSize}).`);
        if (minSize > maxSize)
            fail(`minSize ${minSize} is above maxSize ${maxSize}; raise maxSize or lower minSize.`);
    });
    problems.check((fail) => {
        if (!Number.isInteger(targetCapacity) || targetCapacity < 1 || targetCapacity > 100)
            fail(
                `targetCapacity must be between 1 and 100 (got ${targetCapacity}); it is the group utilisation managed scaling aims for.`,
            );
    });
    const type = problems.check((fail) => {
        if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(name))
            fail(
                `instanceType "${name}" is not an EC2 instance type (family.size, such as t3.small or m7g.large).`,
            );
        return knownInstanceType(fail, name);
    });
    const architecture = (args.architecture ?? type?.architecture) as Architecture;
    problems.check((fail) => {
        if (architecture !== undefined && !(architecture in ECS_AL2023_AMI_PARAMETERS))
            fail(`architecture "${architecture}" is not x86_64 or arm64.`);
        if (type !== undefined && architecture !== type.architecture) {
            fail(
                `architecture ${architecture} does not run on ${name}, whose processors are ${type.architecture}; the instances would never boot the AMI, so leave architecture unset (it follows the instance type) or pick a ${architecture} instance type.`,
            );
        }
    });
    problems.check((fail) => {
        if (args.network.outboundInternet) return;
        const missing = [
            "s3",
            ...ENDPOINTS_NEEDED.images,
            ...ENDPOINTS_NEEDED.logs,
            ...ENDPOINTS_NEEDED.ec2Capacity,
        ].filter((s) => !args.network.vpcEndpointServices.includes(s));
        if (missing.length > 0)
            fail(
                `the network has no outbound internet (no NAT), so the ECS agent on the instances needs VPC endpoints for ${missing.join(", ")}; add them to the network (vpcEndpoints and interfaceEndpoints), or give it a NAT gateway.`,
            );
    });
    problems.throwIfAny();
    return {
        instanceType: name,
        architecture,
        registered: { cpuUnits: registeredCpuUnits(type!), memoryMiB: registeredMemoryMiB(type!) },
        minSize,
        maxSize,
        targetCapacity,
    };
}

/** The instance type's specification, or a refusal with the nearest names this project knows. */
function knownInstanceType(fail: Fail, name: string): InstanceType {
    const type = instanceType(name);
    if (type !== undefined) return type;
    const near = [...INSTANCE_TYPES.keys()]
        .map((known) => ({ known, distance: editDistance(known, name) }))
        .filter((k) => k.distance <= 2)
        .sort((a, b) => a.distance - b.distance)
        .slice(0, 3)
        .map((k) => k.known);
    const families = [
        ...new Set([...INSTANCE_TYPES.keys()].map((known) => known.split(".")[0])),
    ].join(", ");
    return fail(
        `instanceType "${name}" is not an instance type this project knows${near.length > 0 ? ` (did you mean ${near.join(" or ")}?)` : ""}; use a size of ${families} (AWS's specifications, reviewed ${INSTANCE_TYPES_REVIEWED}), or add its family to components/capacity/instanceTypes.ts.`,
    );
}
