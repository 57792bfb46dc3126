/**
 * The Service Connect cluster's planner, pure (no resources): its arguments checked before anything
 * registers, and the register of discovery names and client aliases its namespace keeps unique.
 * `cluster.ts` builds the cluster from it; `stack/plan.ts` plans a stack with it, loading no resource code.
 */
import { componentLabel, PlanError } from "../planError";
import { Endpoint, ServicePlanError } from "./plan";

/** Checks a cluster's arguments; throws a `PlanError` naming the cluster, the field and the fix. */
export function planCluster(
    name: string,
    args: { namespaceName: string; namespaceType?: string; vpcId?: unknown },
): { namespaceType: "http" | "dns" } {
    const label = componentLabel("ServiceConnectCluster", name);
    const type = args.namespaceType ?? "http";
    if (type !== "http" && type !== "dns") {
        throw new PlanError(
            label,
            `namespaceType "${String(type)}" is not http or dns; use http (API discovery) or dns (also private DNS records).`,
        );
    }
    if (!NAMESPACE_NAME.test(args.namespaceName ?? "")) {
        throw new PlanError(
            label,
            `namespaceName "${args.namespaceName}" is not a valid namespace name (lowercase DNS labels separated by dots, at most 253 characters); use a name such as serviceconnectns.`,
        );
    }
    if (type === "dns" && args.vpcId === undefined) {
        throw new PlanError(
            label,
            "namespaceType dns needs vpcId (the VPC its private DNS zone serves); pass the network's vpcId or use http.",
        );
    }
    return { namespaceType: type };
}

/** A Cloud Map namespace name: lowercase DNS labels separated by dots. */
const NAMESPACE_NAME =
    /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * The discovery names and client aliases claimed in one namespace: both must be unique there, so a
 * second claim is refused naming the service that holds it.
 */
export class EndpointRegister {
    private readonly claims = new Map<string, string>();

    constructor(readonly namespaceName: string) {}

    claim(serviceLabel: string, endpoints: Endpoint[]): void {
        const wanted = endpoints.flatMap((e, i) => [
            {
                key: `discovery:${e.discoveryName}`,
                what: `expose[${i}].discoveryName "${e.discoveryName}"`,
                fix: "pick another discoveryName",
            },
            {
                key: `alias:${e.host}:${e.port}`,
                what: `expose[${i}] client alias ${e.host}:${e.port}`,
                fix: "pick another dnsName or port",
            },
        ]);
        const mine = new Set<string>();
        for (const w of wanted) {
            const holder = mine.has(w.key) ? serviceLabel : this.claims.get(w.key);
            if (holder !== undefined) {
                throw new ServicePlanError(
                    serviceLabel,
                    `${w.what} is already used in namespace ${this.namespaceName} by ${holder}; ${w.fix}.`,
                );
            }
            mine.add(w.key);
        }
        wanted.forEach((w) => this.claims.set(w.key, serviceLabel));
    }
}
