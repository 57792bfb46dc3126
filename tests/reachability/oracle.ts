/**
 * An independent, brute-force answer to "who can reach whom" for a topology description: it tries
 * every /8 address block of the IPv4 internet one by one (the topologies' CIDRs are /8 or wider, so
 * one address per block stands for the block), evaluates ACLs rule by rule in number order and
 * security group rules one by one. It shares no code with policies/model/reachability.ts.
 */
import { AclRule, subnetCidr, Topology } from "./topology";

export interface OracleAnswer {
    fromInternet: boolean;
    fromServices: number[];
    egress: "internet-gateway" | "nat" | "none";
}

const EPHEMERAL = 30000;

function toNumber(ip: string): number {
    return ip.split(".").reduce((acc, p) => acc * 256 + Number(p), 0);
}

function inCidr(cidr: string, address: number): boolean {
    const [ip, bits] = cidr.split("/");
    const span = 2 ** (32 - Number(bits));
    const start = Math.floor(toNumber(ip) / span) * span;
    return address >= start && address < start + span;
}

function matches(
    rule: { protocol: string; from: number; to: number },
    protocol: string,
    port: number,
): boolean {
    return (
        rule.protocol === "-1" ||
        (rule.protocol === protocol && port >= rule.from && port <= rule.to)
    );
}

function acl(
    rules: AclRule[] | undefined,
    protocol: string,
    port: number,
    address: number,
): boolean {
    if (rules === undefined) {
        return true;
    }
    for (const rule of [...rules].sort((a, b) => a.number - b.number)) {
        if (inCidr(rule.cidr, address) && matches(rule, protocol, port)) {
            return rule.allow;
        }
    }
    return false;
}

export function oracle(t: Topology): OracleAnswer[] {
    return t.services.map((s, i) => {
        const subnet = t.subnets[s.subnet];
        const group = t.groups[s.group];
        let fromInternet = false;
        if (s.publicIp && subnet.route === "igw") {
            for (let block = 0; block < 256 && !fromInternet; block++) {
                if (block === 10 || block === 127) continue; // private and loopback: not the internet
                const address = block * 2 ** 24;
                const admitted = group.ingress.some(
                    (r) =>
                        r.cidr !== undefined &&
                        inCidr(r.cidr, address) &&
                        matches(r, s.protocol, s.port),
                );
                fromInternet =
                    admitted &&
                    acl(subnet.acl?.inbound, s.protocol, s.port, address) &&
                    acl(subnet.acl?.outbound, s.protocol, EPHEMERAL, address);
            }
        }
        const fromServices: number[] = [];
        t.services.forEach((c, j) => {
            if (j === i) return;
            const cAddress = toNumber(subnetCidr(c.subnet).split("/")[0]);
            const sAddress = toNumber(subnetCidr(s.subnet).split("/")[0]);
            const admitted = group.ingress.some(
                (r) =>
                    matches(r, s.protocol, s.port) &&
                    (r.group === c.group || (r.cidr !== undefined && inCidr(r.cidr, cAddress))),
            );
            const sameSubnet = c.subnet === s.subnet;
            const cAcl = t.subnets[c.subnet].acl;
            const acls =
                sameSubnet ||
                (acl(cAcl?.outbound, s.protocol, s.port, sAddress) &&
                    acl(subnet.acl?.inbound, s.protocol, s.port, cAddress) &&
                    acl(subnet.acl?.outbound, s.protocol, EPHEMERAL, cAddress) &&
                    acl(cAcl?.inbound, s.protocol, EPHEMERAL, sAddress));
            if (admitted && t.groups[c.group].egressAll && acls) fromServices.push(j);
        });
        const egress = !group.egressAll
            ? "none"
            : subnet.route === "igw"
              ? s.publicIp
                  ? "internet-gateway"
                  : "none"
              : subnet.route === "nat" && t.subnets[t.natSubnet].route === "igw"
                ? "nat"
                : "none";
        return { fromInternet, fromServices, egress };
    });
}
