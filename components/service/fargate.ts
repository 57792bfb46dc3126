/** The task sizes Fargate offers: cpu units to the memory (MiB) it may be paired with. */
const step = (from: number, to: number, by: number) =>
    Array.from({ length: (to - from) / by + 1 }, (_, i) => from + i * by);

export const FARGATE_SIZES: Record<number, number[]> = {
    256: [512, 1024, 2048],
    512: step(1024, 4096, 1024),
    1024: step(2048, 8192, 1024),
    2048: step(4096, 16384, 1024),
    4096: step(8192, 30720, 1024),
    8192: step(16384, 61440, 4096),
    16384: step(32768, 122880, 8192),
};

/** Why a cpu/memory pair is not a Fargate size, or undefined when it is one. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
    const memories = FARGATE_SIZES[cpu];
    if (memories === undefined) {
        return `cpu ${cpu} is not a Fargate size; use ${Object.keys(FARGATE_SIZES).join(", ")}`;
    }
    if (!memories.includes(memory)) {
        const offer =
            memories.length <= 4
                ? memories.join(", ")
                : `${memories[0]} to ${memories[memories.length - 1]} in steps of ${memories[1] - memories[0]}`;
        return `cpu ${cpu} with memory ${memory} is not a size Fargate offers; with cpu ${cpu} use memory ${offer}`;
    }
    return undefined;
}
