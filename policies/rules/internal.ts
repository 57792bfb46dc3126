import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { analyzeReachability } from "../model/reachability";
import { References, tagMap } from "../model/resources";
import { at, isUnknown, Unknown } from "../model/values";
import { taskRunner } from "../model/workloads";
import { sensitivityOf } from "./sensitivity";
import {
    SENSITIVITY_DEFAULTS,
    SENSITIVITY_SCHEMA,
    SensitivitySettings,
    withDefaults,
} from "./settings";
import { reportUndecided, waivable } from "./waivers";

/** The tag that says a Service Connect server is meant to be public (on the ECS service itself). */
export const PUBLIC_SERVER_TAG = { key: "service-connect-exposure", value: "public" };

/**
 * Internal services are internal, proven on the stack's reachability analysis
 * (policies/model/reachability.ts): a Service Connect server must not be reachable from the internet
 * by any path, and on its Service Connect ports must admit only ECS services' security groups; a
 * sensitive service must not be reachable from the internet directly (a public IP on its task or
 * host; an internet-facing load balancer in front of it is a deliberate exposure and passes).
 */
export const serviceConnectServersInternal: StackValidationPolicy = waivable({
    name: "service-connect-servers-internal",
    description:
        "Service Connect servers are internal APIs: not reachable from the internet by any path, and on their Service Connect ports they admit only ECS services' security groups. Sensitive services are not reachable from the internet directly.",
    enforcementLevel: "mandatory",
    configSchema: SENSITIVITY_SCHEMA,
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const entries = analyzeReachability(args.resources);
        if (entries.length === 0) {
            return;
        }
        const settings = withDefaults(
            SENSITIVITY_DEFAULTS,
            args.getConfig<Partial<SensitivitySettings>>(),
        );
        const refs = new References(args.resources);
        // By URN, never by name: a resource of another type may share the service's Pulumi name (and
        // would lend it its tags).
        const byUrn = new Map(refs.all("service").map((r) => [r.urn, r]));
        for (const e of entries) {
            const service = byUrn.get(e.urn)!;
            const who = `ECS service "${e.service}"`;
            const undecided = (question: string, waitingFor: string[]) =>
                reportUndecided(
                    reportViolation,
                    serviceConnectServersInternal,
                    question,
                    waitingFor.map((w) => new Unknown(w)),
                    service.urn,
                );
            // A server tagged public is public on purpose: neither check applies to it.
            if (e.serviceConnect && !declaredPublic(service)) {
                if (e.fromInternet === true) {
                    reportViolation(
                        `${who} serves ${e.protocol} ${e.port} through Service Connect, an internal API, but the internet can reach it: ${e.internetPaths.map((p) => p.join(" -> ")).join("; ")}. ` +
                            `Close that path (no public IP, no internet-facing listener in front of it), or, if it is meant to be public, tag the service ${PUBLIC_SERVER_TAG.key}=${PUBLIC_SERVER_TAG.value}.`,
                        service.urn,
                    );
                } else if (e.fromInternet === "unknown") {
                    undecided(
                        `whether the internet can reach Service Connect server ${who} on ${e.port === null ? "its ports" : `${e.protocol} ${e.port}`}`,
                        e.unknowns,
                    );
                }
                if (e.foreignSources.length > 0) {
                    reportViolation(
                        `${who} serves ${e.protocol} ${e.port} through Service Connect, but its security groups admit more than ECS services there: ${e.foreignSources.join("; ")}. ` +
                            `Admit the calling services' security groups only.`,
                        service.urn,
                    );
                } else if (e.foreignUnknowns.length > 0) {
                    undecided(
                        `whether Service Connect server ${who} admits only ECS services' security groups on ${e.protocol} ${e.port}`,
                        e.foreignUnknowns,
                    );
                }
            }
            const direct = e.internetPaths.filter((p) => p.some((step) => /public IP/.test(step)));
            if (direct.length > 0 || e.fromInternet === "unknown") {
                const s = sensitivityOf(taskRunner(service, refs), args.stackTags, settings);
                if (s.sensitive === true && direct.length > 0) {
                    reportViolation(
                        `${who} is sensitive (${s.reason}) and the internet can reach it directly on ${e.protocol} ${e.port}: ${direct.map((p) => p.join(" -> ")).join("; ")}. ` +
                            `Run it in private subnets without a public IP; put an internet-facing load balancer in front of it if it must serve the internet.`,
                        service.urn,
                    );
                } else if (
                    s.sensitive === true &&
                    e.fromInternet === "unknown" &&
                    !e.serviceConnect
                ) {
                    undecided(
                        `whether the internet can reach sensitive ${who} directly on ${e.protocol} ${e.port}`,
                        e.unknowns,
                    );
                } else if (isUnknown(s.sensitive) && direct.length > 0) {
                    undecided(
                        `whether ${who}, which the internet can reach directly, is sensitive`,
                        [s.sensitive.what],
                    );
                }
            }
        }
    },
});

function declaredPublic(service: { props: Record<string, any> }): boolean {
    const tags = tagMap(at(service.props, "tags", "the service's"));
    const value = tags && !isUnknown(tags) ? tags.get(PUBLIC_SERVER_TAG.key) : undefined;
    return typeof value === "string" && value.trim().toLowerCase() === PUBLIC_SERVER_TAG.value;
}
