/**
 * IPv4 CIDR arithmetic for the network planner: strict parsing (the planner must refuse what AWS
 * would refuse), subdivision, containment and overlap. Plain functions, no resources.
 */

export interface Ipv4Cidr {
    /** The network address as an unsigned 32-bit integer. */
    readonly base: number;
    /** The prefix length, 0 to 32. */
    readonly prefix: number;
}

export type CidrParse = { ok: true; cidr: Ipv4Cidr } | { ok: false; reason: string };

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** Parses `a.b.c.d/n`. Host bits must be zero, as AWS requires for VPC and subnet CIDRs. */
export function parseIpv4Cidr(text: string): CidrParse {
    const parts = text.split("/");
    if (parts.length !== 2) {
        return { ok: false, reason: "is not an IPv4 CIDR of the form a.b.c.d/n" };
    }
    const octets = parts[0].split(".");
    const prefixText = parts[1];
    if (octets.length !== 4 || !octets.every((o) => OCTET.test(o) && Number(o) <= 255)) {
        return { ok: false, reason: "is not an IPv4 CIDR of the form a.b.c.d/n" };
    }
    if (!/^(0|[1-9][0-9]?)$/.test(prefixText) || Number(prefixText) > 32) {
        return { ok: false, reason: "has a prefix length outside 0-32" };
    }
    const prefix = Number(prefixText);
    const address = octets.reduce((acc, o) => acc * 256 + Number(o), 0);
    const base = networkOf(address, prefix);
    if (base !== address) {
        const canonical = formatIpv4Cidr({ base, prefix });
        return { ok: false, reason: `has host bits set (the network is ${canonical})` };
    }
    return { ok: true, cidr: { base, prefix } };
}

export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
    const o = [24, 16, 8, 0].map((shift) => Math.floor(cidr.base / 2 ** shift) % 256);
    return `${o.join(".")}/${cidr.prefix}`;
}

/** The number of addresses in the block. */
export function size(cidr: Ipv4Cidr): number {
    return 2 ** (32 - cidr.prefix);
}

/** The `index`-th block of length `prefix` inside `parent` (like Terraform's `cidrsubnet`). */
export function subdivide(parent: Ipv4Cidr, prefix: number, index: number): Ipv4Cidr {
    if (prefix < parent.prefix || prefix > 32) {
        throw new RangeError(`cannot cut a /${prefix} out of a /${parent.prefix}`);
    }
    const count = 2 ** (prefix - parent.prefix);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new RangeError(
            `a /${parent.prefix} holds ${count} blocks of /${prefix}; index ${index} is outside`,
        );
    }
    return { base: parent.base + index * 2 ** (32 - prefix), prefix };
}

export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
    return inner.prefix >= outer.prefix && networkOf(inner.base, outer.prefix) === outer.base;
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
    return contains(a, b) || contains(b, a);
}

function networkOf(address: number, prefix: number): number {
    const blockSize = 2 ** (32 - prefix);
    return address - (address % blockSize);
}
