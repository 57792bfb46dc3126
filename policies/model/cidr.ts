/**
 * IPv4 and IPv6 CIDRs as the policy sees them: parsed, never string-compared. `0::/0`,
 * `0:0:0:0:0:0:0:0/0` and ` 0.0.0.0/0 ` are all the whole internet, and so are several blocks that
 * together cover an address family (0.0.0.0/1 plus 128.0.0.0/1).
 */

export interface Cidr {
    readonly family: 4 | 6;
    /** First address of the block. */
    readonly start: bigint;
    readonly prefix: number;
    readonly text: string;
}

const BITS = { 4: 32, 6: 128 } as const;

export function parseCidr(raw: string): Cidr | undefined {
    const text = raw.trim();
    const slash = text.indexOf("/");
    const addressText = (slash < 0 ? text : text.slice(0, slash)).trim();
    const prefixText = slash < 0 ? undefined : text.slice(slash + 1).trim();
    const family: 4 | 6 = addressText.includes(":") ? 6 : 4;
    const address = family === 4 ? parseIpv4(addressText) : parseIpv6(addressText);
    if (address === undefined) {
        return undefined;
    }
    const bits = BITS[family];
    const prefix =
        prefixText === undefined
            ? bits
            : /^[0-9]{1,3}$/.test(prefixText)
              ? Number(prefixText)
              : NaN;
    if (!(prefix >= 0 && prefix <= bits)) {
        return undefined;
    }
    const size = 1n << BigInt(bits - prefix);
    return { family, start: address - (address % size), prefix, text: raw };
}

function parseIpv4(text: string): bigint | undefined {
    const parts = text.split(".");
    if (parts.length !== 4 || !parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255)) {
        return undefined;
    }
    return parts.reduce((acc, p) => acc * 256n + BigInt(Number(p)), 0n);
}

function parseIpv6(text: string): bigint | undefined {
    let body = text.toLowerCase();
    // An embedded IPv4 tail (::ffff:10.0.0.1) is the last two 16-bit groups written another way.
    const lastColon = body.lastIndexOf(":");
    if (body.slice(lastColon + 1).includes(".")) {
        const v4 = parseIpv4(body.slice(lastColon + 1));
        if (v4 === undefined) {
            return undefined;
        }
        body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
    }
    const halves = body.split("::");
    if (halves.length > 2) {
        return undefined;
    }
    const groups = (s: string) => (s === "" ? [] : s.split(":"));
    const head = groups(halves[0]);
    const rest = halves.length === 2 ? groups(halves[1]) : [];
    if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) {
        return undefined;
    }
    const missing = 8 - head.length - rest.length;
    if (halves.length === 1 ? missing !== 0 : missing < 1) {
        return undefined;
    }
    const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...rest];
    return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function sameBlock(a: Cidr, b: Cidr): boolean {
    return a.family === b.family && a.prefix === b.prefix && a.start === b.start;
}

/**
 * The blocks that, between them, cover a whole address family (IPv4 or IPv6), or undefined. A
 * single /0 is the common case; a split such as 0.0.0.0/1 + 128.0.0.0/1 is the evasive one.
 */
export function worldCover(cidrs: Cidr[]): Cidr[] | undefined {
    for (const family of [4, 6] as const) {
        const blocks = cidrs.filter((c) => c.family === family);
        const end = 1n << BigInt(BITS[family]);
        const spans = blocks
            .map((c) => ({
                c,
                from: c.start,
                to: c.start + (1n << BigInt(BITS[family] - c.prefix)),
            }))
            .sort((x, y) => (x.from < y.from ? -1 : x.from > y.from ? 1 : 0));
        let reached = 0n;
        const used: Cidr[] = [];
        for (const s of spans) {
            if (s.from > reached) {
                break;
            }
            if (s.to > reached) {
                reached = s.to;
                used.push(s.c);
            }
        }
        if (reached >= end) {
            return used;
        }
    }
    return undefined;
}
