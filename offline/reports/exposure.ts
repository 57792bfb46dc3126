/**
 * The ports each internet-facing load balancer's security groups open to the whole internet, read
 * from the policy model's security groups (policies/model/securityGroups.ts): every rule shape of
 * either provider, any spelling of a /0, the same reading the pack's verdicts rest on. The diagram
 * draws them, a port that only redirects (80 to HTTPS) included.
 */
import { References } from "../../policies/model/resources";
import { IngressRuleModel, securityGroups } from "../../policies/model/securityGroups";
import { at, isUnknown } from "../../policies/model/values";
import type { EngineResource } from "../engine/view";
import { engineResourcesAsModel } from "./reachabilityView";

/** `tcp 80`, `tcp 8000-8100`, `all traffic`. */
function portText(rule: IngressRuleModel): string {
    const protocol = isUnknown(rule.protocol)
        ? "?"
        : (({ "6": "tcp", "17": "udp" } as Record<string, string>)[rule.protocol] ?? rule.protocol);
    if (protocol === "-1" || protocol === "all") return "all traffic";
    const n = (v: number | undefined | { what: string }, d: number) =>
        isUnknown(v) ? "?" : (v ?? d);
    const [from, to] = [n(rule.fromPort, 0), n(rule.toPort, 65535)];
    return from === to ? `${protocol} ${from}` : `${protocol} ${from}-${to}`;
}

/** By load balancer URN: the ports open to the whole internet, in port order. */
export function loadBalancerInternetPorts(resources: EngineResource[]): Record<string, string[]> {
    const refs = new References(engineResourcesAsModel(resources));
    const groups = securityGroups(refs);
    const out: Record<string, string[]> = {};
    for (const lb of refs.all("loadBalancer")) {
        if (at(lb.props, "internal", "") === true) continue;
        const ports = new Set<string>();
        for (const sg of refs.follow(lb, "securityGroups", "securityGroup").found) {
            for (const rule of groups.find((g) => g.resource === sg)?.rules ?? []) {
                if (rule.sources.some((s) => s.kind === "cidr" && s.cidr?.prefix === 0))
                    ports.add(portText(rule));
            }
        }
        if (ports.size > 0) out[lb.urn] = [...ports].sort((a, b) => portNumber(a) - portNumber(b));
    }
    return out;
}

const portNumber = (p: string) => Number(/(\d+)/.exec(p)?.[1] ?? 0);
