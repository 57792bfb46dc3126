/**
 * The EC2 instance types EC2 capacity accepts: vCPUs, memory and CPU architecture, from AWS's
 * published specifications (Amazon EC2 instance types: general purpose, compute optimized, memory
 * optimized and burstable performance pages; reviewed 2026-12-02). A type outside this table is
 * refused with the closest known names: add a family here, with its sizes, to accept it.
 *
 * What a container instance offers tasks is less than what EC2 advertises: the ECS agent registers
 * the CPU as 1,024 units per vCPU, and the memory the operating system reports, which the kernel and
 * the platform already took part of ("an m4.large instance has 8 GiB of installed memory ... 7985 MiB
 * are available for tasks": AWS Batch and ECS docs, memory management). `registeredMemoryMiB` models
 * that conservatively: 2.5% of the memory and 64 MiB more held back.
 */

export type Architecture = "x86_64" | "arm64";

export interface InstanceType {
    readonly name: string;
    readonly vcpu: number;
    /** Memory EC2 advertises, in MiB. */
    readonly memoryMiB: number;
    readonly architecture: Architecture;
}

/** The reviewed date of the table, printed in messages so a reader knows its age. */
export const INSTANCE_TYPES_REVIEWED = "2026-12-02";

/** vCPUs of the usual sizes of the general purpose, compute and memory optimized families. */
const SIZE_VCPU: Record<string, number> = {
    medium: 1,
    large: 2,
    xlarge: 4,
    "2xlarge": 8,
    "4xlarge": 16,
    "8xlarge": 32,
    "9xlarge": 36,
    "12xlarge": 48,
    "16xlarge": 64,
    "18xlarge": 72,
    "24xlarge": 96,
};
/** Burstable sizes: [vCPU, GiB] (t3, t3a and t4g; t2's nano to small have one vCPU). */
const BURSTABLE: Record<string, [number, number]> = {
    nano: [2, 0.5],
    micro: [2, 1],
    small: [2, 2],
    medium: [2, 4],
    large: [2, 8],
    xlarge: [4, 16],
    "2xlarge": [8, 32],
};

const STANDARD = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const GRAVITON = ["medium", ...STANDARD];

/** Families: architecture, GiB per vCPU, and the sizes AWS offers of each. */
const FAMILIES: {
    families: string[];
    architecture: Architecture;
    gibPerVcpu: number;
    sizes: string[];
}[] = [
    // General purpose: 4 GiB per vCPU.
    {
        families: ["m5", "m5a", "m6i", "m6a", "m7i"],
        architecture: "x86_64",
        gibPerVcpu: 4,
        sizes: STANDARD,
    },
    { families: ["m7a"], architecture: "x86_64", gibPerVcpu: 4, sizes: ["medium", ...STANDARD] },
    { families: ["m6g", "m7g", "m8g"], architecture: "arm64", gibPerVcpu: 4, sizes: GRAVITON },
    // Compute optimized: 2 GiB per vCPU. c5 has 9xlarge and 18xlarge instead of 8xlarge and 16xlarge.
    {
        families: ["c5"],
        architecture: "x86_64",
        gibPerVcpu: 2,
        sizes: [
            "large",
            "xlarge",
            "2xlarge",
            "4xlarge",
            "9xlarge",
            "12xlarge",
            "18xlarge",
            "24xlarge",
        ],
    },
    {
        families: ["c5a", "c6i", "c6a", "c7i"],
        architecture: "x86_64",
        gibPerVcpu: 2,
        sizes: [...STANDARD, "24xlarge"],
    },
    {
        families: ["c7a"],
        architecture: "x86_64",
        gibPerVcpu: 2,
        sizes: ["medium", ...STANDARD, "24xlarge"],
    },
    { families: ["c6g", "c7g", "c8g"], architecture: "arm64", gibPerVcpu: 2, sizes: GRAVITON },
    // Memory optimized: 8 GiB per vCPU.
    {
        families: ["r5", "r5a", "r6i", "r6a", "r7i"],
        architecture: "x86_64",
        gibPerVcpu: 8,
        sizes: [...STANDARD, "24xlarge"],
    },
    {
        families: ["r7a"],
        architecture: "x86_64",
        gibPerVcpu: 8,
        sizes: ["medium", ...STANDARD, "24xlarge"],
    },
    { families: ["r6g", "r7g", "r8g"], architecture: "arm64", gibPerVcpu: 8, sizes: GRAVITON },
];

function buildTable(): Map<string, InstanceType> {
    const table = new Map<string, InstanceType>();
    const add = (name: string, vcpu: number, gib: number, architecture: Architecture) =>
        table.set(name, { name, vcpu, memoryMiB: gib * 1024, architecture });
    for (const family of ["t3", "t3a"])
        for (const [size, [vcpu, gib]] of Object.entries(BURSTABLE))
            add(`${family}.${size}`, vcpu, gib, "x86_64");
    for (const [size, [vcpu, gib]] of Object.entries(BURSTABLE))
        add(`t4g.${size}`, vcpu, gib, "arm64");
    for (const [size, [vcpu, gib]] of Object.entries(BURSTABLE))
        add(`t2.${size}`, ["nano", "micro", "small"].includes(size) ? 1 : vcpu, gib, "x86_64");
    for (const { families, architecture, gibPerVcpu, sizes } of FAMILIES) {
        for (const family of families)
            for (const size of sizes)
                add(
                    `${family}.${size}`,
                    SIZE_VCPU[size],
                    SIZE_VCPU[size] * gibPerVcpu,
                    architecture,
                );
    }
    return table;
}

export const INSTANCE_TYPES: ReadonlyMap<string, InstanceType> = buildTable();

/** The instance type's specification, or undefined when the table does not know it. */
export function instanceType(name: string): InstanceType | undefined {
    return INSTANCE_TYPES.get(name);
}

/** CPU units the ECS agent registers for an instance type (1,024 per vCPU). */
export function registeredCpuUnits(type: InstanceType): number {
    return type.vcpu * 1024;
}

/** Memory the ECS agent registers for tasks, in MiB: what EC2 advertises less the kernel and platform's share. */
export function registeredMemoryMiB(type: InstanceType): number {
    return Math.floor(type.memoryMiB * 0.975) - 64;
}
