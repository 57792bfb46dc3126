/**
 * The plan's report: one JSON shape (a stable interface, see README) and two renderings of it,
 * plain text for a terminal and Markdown with a Mermaid diagram for a pull request comment. It reads
 * the resources as the engine holds them, following references through the property dependencies
 * the engine records, so it says the same thing in a preview (ids unknown) as after up.
 */
import { serviceConnectUrl } from "../../components/service/plan";
import { Diagnostic, EnforcementLevel } from "../policy/analyzer";
import { mermaidDiagram } from "./diagram";
import { loadBalancerInternetPorts } from "./exposure";
import { Referencing, referenceReader } from "./references";
import { isKind } from "../../policies/model/resources";
import { analyzeReachability, ReachabilityEntry } from "../../policies/model/reachability";
import { engineResourcesAsModel } from "./reachabilityView";
import { UNDECIDED_MESSAGE } from "../../policies/rules/waivers";
import { CostEstimate, quantityText, usdText } from "./cost";
import { displayValue, EngineResource, isUnknown } from "../engine/view";
import { PolicyCheck } from "../policy/check";
import type { PolicyInfo } from "../policy/analyzer";
import { Evaluation } from "../engine/program";
import { Refusal } from "../engine/refusals";
import { atPaths, SECRET_TEXT } from "../engine/secrets";
import type { LoadBalancerRoute, ReportResource, ServiceConnectEntry } from "./model";

export type { LoadBalancerRoute, ReportResource, ServiceConnectEntry };
import { Step } from "../engine/steps";
import { Mode, ProgramDiagnostic } from "../engine/runtime";

/** A policy that could only advise because a value it read is unknown until the resources exist. */
export interface UnknownAdvisory {
    policy: string;
    urn: string;
    /** The property path the policy needed (`.networkConfiguration.assignPublicIp`). */
    value: string;
    /** The level the policy is configured at: a mandatory one protects nothing in this preview. */
    configuredLevel: EnforcementLevel;
}

export interface PlanReport {
    project: string;
    stack: string;
    mode: Mode;
    resources: ReportResource[];
    violations: Diagnostic[];
    /** Advisories that exist only because a value is unknown at preview. */
    unknownAdvisories: UnknownAdvisory[];
    /** What a reader must not miss: mandatory policies that only advised in this preview. */
    warnings: string[];
    /** What the program itself warned of (`pulumi.log.warn`), as the preview's Diagnostics show it. */
    diagnostics: ProgramDiagnostic[];
    remediations: { policy: string; urn: string; changed: string[] }[];
    serviceConnect: ServiceConnectEntry[];
    /** What the load balancers route to which service. */
    loadBalancerRoutes: LoadBalancerRoute[];
    /** Who can reach each service port, and how each service reaches the internet (policies/model/reachability.ts). */
    reachability: ReachabilityEntry[];
    /** By load balancer URN: the ports its security groups open to the whole internet (exposure.ts). */
    loadBalancerInternetPorts: Record<string, string[]>;
    cost: CostEstimate;
    /**
     * The packs whose verdicts these are, each with the configuration it ran under: the
     * `--policy-pack-config` file (named as given, with its SHA-256), or null for its own defaults.
     */
    policyPacks: PackRun[];
    /** With `--compare-policy-pack`: how a pack run beside (deciding nothing) differs. */
    policyComparison?: PolicyComparison;
    /** With `--against`: the state planned against, the update's steps, and what AWS would refuse. */
    against?: string;
    steps?: Step[];
    refusals?: Refusal[];
    /** The monthly cost of the state planned against, to set beside `cost`. */
    costBefore?: CostEstimate;
}

/** A `--policy-pack-config` file, named as given and by its content. */
export interface PolicyConfigSource {
    file: string;
    sha256: string;
}

/** A policy pack that ran, and the configuration it ran under. */
export interface PackRun {
    name: string;
    version: string;
    /** Relative to the project when inside it. */
    directory: string;
    config: PolicyConfigSource | null;
}

/** How the verdicts of a pack run beside (a pull request's own) differ from the deciding pack's. */
export interface PolicyComparison {
    pack: PackRun;
    against: PackRun;
    policiesAdded: string[];
    policiesRemoved: string[];
    /** Policies whose effective level differs (by the pack's code or by its configuration). */
    levelChanges: { policy: string; from: EnforcementLevel; to: EnforcementLevel }[];
    /** Verdicts only the compared pack gives, and only the deciding pack gives. */
    verdictsAdded: Diagnostic[];
    verdictsRemoved: Diagnostic[];
    /** The same verdict at another level (a waiver, a level the configuration changed). */
    verdictsChanged: {
        policy: string;
        urn: string;
        from: EnforcementLevel;
        to: EnforcementLevel;
        text: string;
    }[];
}

/** What a pack reported: its run, its policies and its verdicts. */
export interface PackVerdicts {
    run: PackRun;
    policies: PolicyInfo[];
    check: PolicyCheck;
}

/**
 * Compares a pack run beside with the deciding pack of the same name (else the first): which policies
 * and levels differ, and which verdicts appear, disappear or change level. A verdict is one policy on
 * one resource saying one thing (its first line without the description).
 */
export function comparePacks(compared: PackVerdicts, deciding: PackVerdicts[]): PolicyComparison {
    const against = deciding.find((d) => d.run.name === compared.run.name) ?? deciding[0];
    const names = (p: PackVerdicts) => new Set(p.policies.map((x) => x.name));
    const key = (v: Diagnostic) => `${v.policy}\n${v.urn}\n${verdictText(v)[0] ?? ""}`;
    const before = new Map(against.check.violations.map((v) => [key(v), v]));
    const after = new Map(compared.check.violations.map((v) => [key(v), v]));
    return {
        pack: compared.run,
        against: against.run,
        policiesAdded: [...names(compared)].filter((n) => !names(against).has(n)),
        policiesRemoved: [...names(against)].filter((n) => !names(compared).has(n)),
        levelChanges: Object.entries(compared.check.levels)
            .filter(
                ([p, level]) =>
                    against.check.levels[p] !== undefined && against.check.levels[p] !== level,
            )
            .map(([policy, to]) => ({ policy, from: against.check.levels[policy], to })),
        verdictsAdded: [...after].filter(([k]) => !before.has(k)).map(([, v]) => v),
        verdictsRemoved: [...before].filter(([k]) => !after.has(k)).map(([, v]) => v),
        verdictsChanged: [...after]
            .filter(
                ([k, v]) => before.has(k) && before.get(k)!.enforcementLevel !== v.enforcementLevel,
            )
            .map(([k, v]) => ({
                policy: v.policy,
                urn: v.urn,
                from: before.get(k)!.enforcementLevel,
                to: v.enforcementLevel,
                text: verdictText(v).join(" "),
            })),
    };
}

/** The comparison in lines: nothing differs, or each difference. */
export function comparisonLines(c: PolicyComparison): string[] {
    const who = (r: PackRun) =>
        `${r.name} ${r.version} (${r.directory}${r.config ? `, ${r.config.file}` : ""})`;
    const at = (urn: string) => urn.split("::").pop();
    const lines = [
        ...c.policiesAdded.map((p) => `policy added: ${p}`),
        ...c.policiesRemoved.map((p) => `policy removed: ${p}`),
        ...c.levelChanges.map((l) => `policy ${l.policy}: ${l.from} -> ${l.to}`),
        ...c.verdictsAdded.map(
            (v) =>
                `+ ${v.enforcementLevel.toUpperCase()} [${v.policy}] ${at(v.urn)}: ${verdictText(v).join(" ")}`,
        ),
        ...c.verdictsRemoved.map(
            (v) =>
                `- ${v.enforcementLevel.toUpperCase()} [${v.policy}] ${at(v.urn)}: ${verdictText(v).join(" ")}`,
        ),
        ...c.verdictsChanged.map(
            (v) => `~ [${v.policy}] ${at(v.urn)}: ${v.from} -> ${v.to}: ${v.text}`,
        ),
    ];
    return [
        `${who(c.pack)} compared with ${who(c.against)}, which decides:`,
        ...(lines.length > 0 ? lines : ["the same policies, levels and verdicts."]),
    ];
}

/** An update planned against a live stack's state. */
export interface UpdatePlan {
    against: string;
    steps: Step[];
    refusals: Refusal[];
    costBefore: CostEstimate;
}

/** The monthly cost before and after the update, and the items whose cost changes. */
export function costChangeLines(before: CostEstimate, after: CostEstimate): string[] {
    const usd = (n: number) => `$${n.toFixed(2)}`;
    const delta = after.monthlyUsd - before.monthlyUsd;
    const items = after.items
        .map((i) => ({
            item: i.item,
            before: before.items.find((b) => b.item === i.item)?.monthlyUsd ?? 0,
            after: i.monthlyUsd,
        }))
        .concat(
            before.items
                .filter((b) => !after.items.some((i) => i.item === b.item))
                .map((b) => ({ item: b.item, before: b.monthlyUsd, after: 0 })),
        )
        .filter((i) => Math.abs(i.after - i.before) >= 0.005);
    return [
        `Monthly network cost: ${usd(before.monthlyUsd)} -> ${usd(after.monthlyUsd)} (${delta >= 0 ? "+" : "-"}${usd(Math.abs(delta))})`,
        ...items.map((i) => `  ${i.item}: ${usd(i.before)} -> ${usd(i.after)}`),
    ];
}

export function serviceConnectMap(resources: EngineResource[]): ServiceConnectEntry[] {
    const { refs } = referenceReader(resources);
    const entries = new Map<string, ServiceConnectEntry>();
    for (const svc of resources.filter(
        (r) => isKind(r, "service") && r.inputs.serviceConnectConfiguration?.enabled === true,
    )) {
        const sc = svc.inputs.serviceConnectConfiguration;
        const namespace = refs(svc, "serviceConnectConfiguration").find((r) =>
            r.type.startsWith("aws:servicediscovery/"),
        );
        const taskDef = refs(svc, "taskDefinition", "taskDefinition")[0];
        const definitions = taskDef?.inputs.containerDefinitions;
        const mappings: { name?: string; appProtocol?: string }[] =
            typeof definitions === "string" && !isUnknown(definitions)
                ? JSON.parse(definitions).flatMap((c: any) => c.portMappings ?? [])
                : [];
        const namespaceName = namespace?.inputs.name;
        const endpoints = (Array.isArray(sc.services) ? sc.services : []).map((e: any) => {
            const alias = e.clientAlias?.[0] ?? {};
            return serviceConnectUrl({
                appProtocol: mappings.find((m) => m.name === e.portName)?.appProtocol,
                dnsName: alias.dnsName,
                discoveryName: e.discoveryName ?? e.portName,
                namespace:
                    typeof namespaceName === "string" && !isUnknown(namespaceName)
                        ? namespaceName
                        : "<namespace>",
                port: alias.port,
            });
        });
        const environment: { name?: string; value?: unknown }[] =
            typeof definitions === "string" && !isUnknown(definitions)
                ? JSON.parse(definitions).flatMap((c: any) => c.environment ?? [])
                : [];
        entries.set(svc.urn, {
            service: svc.name,
            role: endpoints.length > 0 ? "server" : "client",
            endpoints,
            calls: [],
            variables: Object.fromEntries(
                environment.flatMap((e) =>
                    typeof e.value === "string" ? [[String(e.name), e.value]] : [],
                ),
            ),
        });
    }
    for (const svc of resources.filter((r) => entries.has(r.urn))) {
        // A call is a dependency on another Service Connect server: the order Service Connect needs.
        const entry = entries.get(svc.urn)!;
        const servers = svc.dependencies
            .filter((u) => entries.get(u)?.role === "server")
            .map((u) => entries.get(u)!);
        entry.calls = servers.map((s) => s.service);
        // The variables whose value is a called server's URL (the rest of the environment is the user's own).
        const urls = new Set(servers.flatMap((s) => s.endpoints));
        entry.variables = Object.fromEntries(
            Object.entries(entry.variables).filter(([, v]) => urls.has(v)),
        );
    }
    return [...entries.values()];
}

/**
 * The load balancers' routes: listener rule -> listener -> load balancer, and rule -> target group ->
 * the ECS services registered in it, followed through the engine's property dependencies.
 */
export function loadBalancerRoutes<
    R extends Referencing & { name: string; inputs: Record<string, any> },
>(resources: R[]): LoadBalancerRoute[] {
    const { refs } = referenceReader(resources);
    return resources
        .filter((r) => isKind(r, "listenerRule"))
        .flatMap((rule) => {
            const listener = refs(rule, "listenerArn", "listener")[0];
            const lb = listener && refs(listener, "loadBalancerArn", "loadBalancer")[0];
            const conditions = (
                Array.isArray(rule.inputs.conditions) ? rule.inputs.conditions : []
            ) as any[];
            const hosts = conditions.flatMap((c) => c.hostHeader?.values ?? []);
            const paths = conditions.flatMap((c) => c.pathPattern?.values ?? []);
            return refs(rule, "actions", "targetGroup").flatMap((tg) =>
                resources
                    .filter(
                        (svc) =>
                            isKind(svc, "service") &&
                            (svc.propertyDependencies.loadBalancers ?? []).includes(tg.urn),
                    )
                    .map((svc) => ({
                        loadBalancer: lb?.name ?? "<unknown>",
                        listener: listener
                            ? `${listener.inputs.protocol}:${listener.inputs.port}`
                            : "<unknown>",
                        hosts,
                        paths,
                        service: svc.name,
                        containerPort: tg.inputs.port,
                        priority: rule.inputs.priority,
                    })),
            );
        })
        .sort((a, b) =>
            typeof a.priority === "number" && typeof b.priority === "number"
                ? a.priority - b.priority
                : 0,
        );
}

const UNKNOWN_ADVISORY =
    /^can't run (?:policy|remediation) '([^']+)' from policy pack .* during preview: .*value at (\.\S*) can't be known during preview/;

/**
 * The advisories for a value unknown in this preview: the SDK's, when a policy read it and raised
 * `UnknownValueError` (the whole policy is switched off for that resource), and the pack's own, when a
 * verdict truly depends on it (only that verdict waits).
 */
export function unknownAdvisories(check: PolicyCheck): UnknownAdvisory[] {
    return check.violations.flatMap((v) => {
        const m = UNKNOWN_ADVISORY.exec(v.message);
        const own = m
            ? undefined
            : v.enforcementLevel === "advisory"
              ? UNDECIDED_MESSAGE.exec(v.message)
              : undefined;
        const value = m?.[2] ?? own?.[1];
        return value
            ? [
                  {
                      policy: v.policy,
                      urn: v.urn,
                      value,
                      configuredLevel: check.levels[v.policy] ?? v.enforcementLevel,
                  },
              ]
            : [];
    });
}

/** The top-level property paths whose value a remediation changed. */
function changedPaths(
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    prefix = "",
): string[] {
    const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
    return [...keys].flatMap((k) => {
        const a = before?.[k];
        const b = after?.[k];
        if (JSON.stringify(a) === JSON.stringify(b)) return [];
        const isObject = (x: unknown) => x !== null && typeof x === "object" && !Array.isArray(x);
        return isObject(a) && isObject(b)
            ? changedPaths(
                  a as Record<string, unknown>,
                  b as Record<string, unknown>,
                  `${prefix}${k}.`,
              )
            : [`${prefix}${k}`];
    });
}

/** The resources as the report shows them: inputs after remediation, unknowns as `<unknown>`. */
/** The resources as the reports show them: inputs after remediation, each secret printed `[secret]`. */
export function toReportResources(
    resources: EngineResource[],
    remediated = new Map<string, { props: Record<string, unknown>; secrets: string[] }>(),
): ReportResource[] {
    return resources.map((r) => ({
        urn: r.urn,
        id: r.id,
        type: r.type,
        name: r.name,
        parent: r.parent,
        dependsOn: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        inputs: displayValue(
            atPaths(
                remediated.get(r.urn)?.props ?? r.inputs,
                remediated.get(r.urn)?.secrets ?? r.secrets,
                () => SECRET_TEXT,
            ),
        ) as Record<string, any>,
        options: r.options,
    }));
}

export function buildReport(
    evaluation: Evaluation,
    check: PolicyCheck,
    cost: CostEstimate,
    update: UpdatePlan | undefined,
    policyPacks: PackRun[],
    policyComparison?: PolicyComparison,
): PlanReport {
    const remediated = new Map(check.remediations.map((r) => [r.urn, r]));
    const byUrn = new Map(evaluation.resources.map((r) => [r.urn, r]));
    const advisories = unknownAdvisories(check);
    return {
        project: evaluation.project.name,
        stack: evaluation.stack,
        mode: evaluation.mode,
        resources: toReportResources(evaluation.resources, remediated),
        violations: check.violations,
        unknownAdvisories: advisories,
        warnings: advisories
            .filter((a) => a.configuredLevel === "mandatory")
            .map(
                (a) =>
                    `mandatory policy ${a.policy} could only advise on ${byUrn.get(a.urn)?.type ?? "the stack"} "${byUrn.get(a.urn)?.name ?? a.urn}": the value at ${a.value} is unknown until the resources exist. pulumi up runs this same preview first and can only advise there too; during the update a resource policy decides each resource once its inputs are known, before it is created, but a stack policy decides only in the final AnalyzeStack, after every resource exists, where a violation fails the update without undoing it.`,
            ),
        diagnostics: evaluation.diagnostics,
        remediations: check.remediations.map((r) => ({
            policy: r.policy,
            urn: r.urn,
            changed: changedPaths(byUrn.get(r.urn)?.inputs ?? {}, r.props),
        })),
        serviceConnect: serviceConnectMap(evaluation.resources),
        loadBalancerRoutes: loadBalancerRoutes(evaluation.resources),
        reachability: reachabilityOf(evaluation.resources),
        loadBalancerInternetPorts: loadBalancerInternetPorts(evaluation.resources),
        cost,
        policyPacks,
        ...(policyComparison ? { policyComparison } : {}),
        ...(update
            ? {
                  against: update.against,
                  steps: update.steps,
                  refusals: update.refusals,
                  costBefore: update.costBefore,
              }
            : {}),
    };
}

/** The step symbols `pulumi preview` prints: + create, ~ update, +- replace (create first), -+ replace (delete first), - delete. */
export function stepSymbol(s: Step): string {
    return s.op === "create"
        ? "+"
        : s.op === "update"
          ? "~"
          : s.op === "delete"
            ? "-"
            : s.op === "replace"
              ? s.deleteBeforeReplace
                  ? "-+"
                  : "+-"
              : " ";
}

/** One line per step that changes something, as `pulumi preview` lists them, with what changes and why. */
export function stepLines(steps: Step[]): string[] {
    const short = (urn: string) =>
        `${urn.split("::")[2].split("$").pop()}  ${urn.split("::").pop()}`;
    const lines = steps
        .filter((s) => s.op !== "same")
        .map((s) => {
            const why =
                s.op === "replace"
                    ? ` (replaced because ${s.replaceBecause!.join(", ")} changes${s.deleteBeforeReplace ? "; deleted first" : ""})`
                    : s.op === "update"
                      ? ` (${s.changed!.join(", ")})`
                      : "";
            return `${stepSymbol(s).padEnd(2)} ${short(s.urn)}${s.from ? ` (was ${s.from.split("::").pop()})` : ""}${why}`;
        });
    const count = (op: string) => steps.filter((s) => s.op === op).length;
    return [
        ...lines,
        `${count("create")} to create, ${count("update")} to update, ${count("replace")} to replace, ${count("delete")} to delete, ${count("same")} unchanged`,
    ];
}

/** What AWS would refuse, one paragraph per refusal. */
export function refusalLines(refusals: Refusal[]): string[] {
    return refusals.length === 0
        ? ["Nothing: AWS accepts every step."]
        : refusals.map((r) => `${r.code}: ${r.message} Fix: ${r.fix}`);
}

/** The reachability analysis over the plan's resources, as the pack runs it at AnalyzeStack. */
export function reachabilityOf(resources: EngineResource[]): ReachabilityEntry[] {
    return analyzeReachability(engineResourcesAsModel(resources));
}

const answer = (v: boolean | "unknown") => (v === "unknown" ? "UNKNOWN" : v ? "YES" : "no");

/** How a service reaches the internet: `nat via NAT gateway "a" (us-east-1a)`. */
function egressText(e: ReachabilityEntry): string {
    return `${e.egress}${e.egressVia.length ? ` via ${e.egressVia.join(", ")}` : ""}`;
}

/** The reachability table: one line per service port, then the path behind each yes. */
export function reachabilityLines(entries: ReachabilityEntry[]): string[] {
    if (entries.length === 0) {
        return ["  No ECS services."];
    }
    const lines = [
        `  ${"service".padEnd(22)} ${"port".padEnd(9)} ${"internet".padEnd(9)} ${"from services".padEnd(24)} egress`,
    ];
    for (const e of entries) {
        const port = e.port === null ? "-" : `${e.protocol} ${e.port}`;
        const egress = `${egressText(e)}${e.natAzIndependent === false ? " (an AZ's NAT loss cuts off other AZs)" : ""}`;
        lines.push(
            `  ${e.service.padEnd(22)} ${port.padEnd(9)} ${answer(e.fromInternet).padEnd(9)} ${(e.fromServices.join(", ") || "-").padEnd(24)} ${egress}`,
        );
        e.internetPaths.forEach((p) => lines.push(`      from the internet: ${p.join(" -> ")}`));
        e.unknowns.forEach((u) => lines.push(`      waits for: ${u}`));
    }
    return lines;
}

function tree(report: PlanReport): string[] {
    const children = new Map<string | null, PlanReport["resources"]>();
    for (const r of report.resources) {
        children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    }
    const lines: string[] = [];
    const walk = (parent: string | null, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            lines.push(`${"  ".repeat(depth)}${r.type}  ${r.name}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(null, 0);
    return lines;
}

function counts(report: PlanReport): [string, number][] {
    const c = new Map<string, number>();
    report.resources.forEach((r) => c.set(r.type, (c.get(r.type) ?? 0) + 1));
    return [...c.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function verdictLines(report: PlanReport): string[] {
    const lines: string[] = report.warnings.map((w) => `WARNING: ${w}`);
    if (report.violations.length === 0) {
        lines.push("No policy violations.");
    }
    for (const level of ["mandatory", "remediate", "advisory"]) {
        const vs = report.violations.filter((v) => v.enforcementLevel === level);
        if (vs.length > 0) {
            lines.push(`${level.toUpperCase()} (${vs.length})`);
            vs.forEach((v) => {
                const [first, ...more] = verdictText(v);
                // With several packs, each verdict names its pack, as `pulumi preview` does.
                const policy = report.policyPacks.length > 1 ? `${v.pack}/${v.policy}` : v.policy;
                lines.push(
                    `  [${policy}] ${v.urn.split("::").pop()}: ${first}`,
                    ...more.map((l) => `      ${l}`),
                );
            });
        }
    }
    if (report.remediations.length > 0) {
        lines.push(`REMEDIATED (${report.remediations.length})`);
        report.remediations.forEach((r) =>
            lines.push(
                `  [${r.policy}] ${r.urn.split("::").pop()}: changed ${r.changed.join(", ") || "nothing"}`,
            ),
        );
    }
    return lines;
}

/**
 * What a verdict says, without the policy's description on its first line (the SDK puts it there,
 * @pulumi/policy server.js makeReportViolationFun, and the pack's advisory reports do the same): the
 * violation, then what a waiver made of it ("Waived until ...", or that it expired), a line each.
 */
export function verdictText(v: Diagnostic): string[] {
    const lines = v.message.split("\n").filter((l) => l.trim() !== "");
    return lines.length > 1 ? lines.slice(1) : lines;
}

/** Which packs decided, each under which configuration. */
export function policyPackLines(packs: PackRun[]): string[] {
    return packs.map(
        (p) =>
            `Policy pack ${p.name} ${p.version} (${p.directory}), configuration: ${p.config === null ? "the pack's defaults (no --policy-pack-config)" : `${p.config.file} (sha256 ${p.config.sha256.slice(0, 12)})`}.`,
    );
}

const MODE_LINE: Record<Mode, string> = {
    preview: "preview of a new stack: values computed by AWS print as <unknown>",
    "after-up": "after up: every value known, ids and ARNs are placeholders such as <vpc:name>",
};

/** The cost's rows as [item, quantity with its unit, unit price, monthly], and the total. */
function costRows(cost: CostEstimate): string[][] {
    return cost.items.map((i) => [
        i.item,
        quantityText(i),
        `${usdText(i.unitMonthlyUsd)} each`,
        `$${i.monthlyUsd.toFixed(2)}`,
    ]);
}

/** The prices the cost uses and what it assumes, in one sentence. */
export function costAssumptions(cost: CostEstimate): string {
    return `Assumptions: ${Object.entries(cost.assumptions)
        .map(([k, v]) => `${k}=${v}`)
        .join("; ")}`;
}

function costLines(cost: CostEstimate): string[] {
    // Each column as wide as its widest cell: items left, figures right, so they line up.
    const rows = costRows(cost);
    const total = ["Total per month", "", "", `$${cost.monthlyUsd.toFixed(2)}`];
    const widths = [0, 1, 2, 3].map((c) => Math.max(...[...rows, total].map((r) => r[c].length)));
    const line = (r: string[]) =>
        `  ${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3].padStart(widths[3])}`.trimEnd();
    return [...rows.map(line), line(total), `  ${costAssumptions(cost)}`];
}

/** A route's match: its hosts and paths, or everything. */
export function routeText(r: { hosts: string[]; paths: string[] }): string {
    return [...r.hosts, ...r.paths].join(" ") || "any host and path";
}

/** A client's Service Connect variables: `; env INTERNAL_NGINX_URL=http://...`. */
function variablesText(s: ServiceConnectEntry, separator = "; env "): string {
    const vars = Object.entries(s.variables).map(([k, v]) => `${k}=${v}`);
    return vars.length > 0 ? `${separator}${vars.join(", ")}` : "";
}

function scLines(report: PlanReport): string[] {
    if (report.serviceConnect.length === 0) {
        return ["  No Service Connect services."];
    }
    return report.serviceConnect.map(
        (s) =>
            `  ${s.service} (${s.role})${s.endpoints.length ? ` serves ${s.endpoints.join(", ")}` : ""}${s.calls.length ? ` calls ${s.calls.join(", ")}` : ""}${variablesText(s)}`,
    );
}

/** The load balancers' routes in the order AWS evaluates them (lowest priority first). */
function routeLines(report: PlanReport): string[] {
    return report.loadBalancerRoutes.map(
        (r) =>
            `  ${r.loadBalancer} ${r.listener} rule ${r.priority}: ${routeText(r)} -> ${r.service}:${r.containerPort}`,
    );
}

/**
 * The warnings the reachability answers carry: services whose tasks reach the internet through a NAT
 * gateway in another zone, which that zone's failure cuts off. One warning per set of gateways.
 */
export function reachabilityWarnings(entries: ReachabilityEntry[]): string[] {
    const byVia = new Map<string, string[]>();
    for (const e of entries.filter((x) => x.natAzIndependent === false)) {
        const via = e.egressVia.join(", ");
        byVia.set(via, [...new Set([...(byVia.get(via) ?? []), e.service])]);
    }
    return [...byVia].map(
        ([via, services]) =>
            `${services.join(", ")} ${services.length === 1 ? "reaches" : "reach"} the internet through ${via}, outside some of ${services.length === 1 ? "its" : "their"} tasks' zones: when a gateway's zone fails, tasks in the other zones lose the internet too. Give each zone its own NAT gateway (natGateways: OnePerAz) where that matters.`,
    );
}

export function renderText(report: PlanReport): string {
    return [
        `Plan for ${report.project}/${report.stack} (offline, ${MODE_LINE[report.mode]})`,
        "",
        `Resources (${report.resources.length})`,
        ...tree(report).map((l) => `  ${l}`),
        "",
        "Counts by type",
        ...counts(report).map(([t, n]) => `  ${String(n).padStart(3)}  ${t}`),
        "",
        ...(report.diagnostics.length > 0
            ? [
                  "Diagnostics (the program's warnings; errors are the provider's Check failures, which fail the preview)",
                  ...report.diagnostics.map((d) => `  ${d.severity}: ${d.message}`),
                  "",
              ]
            : []),
        ...(report.steps
            ? [
                  `Update against ${report.against}`,
                  ...stepLines(report.steps).map((l) => `  ${l}`),
                  "",
                  `WOULD FAIL IN AWS (${report.refusals!.length})`,
                  ...refusalLines(report.refusals!).map((l) => `  ${l}`),
                  "",
                  ...costChangeLines(report.costBefore!, report.cost),
                  "",
              ]
            : []),
        "Policy verdicts",
        ...policyPackLines(report.policyPacks).map((l) => `  ${l}`),
        ...verdictLines(report).map((l) => `  ${l}`),
        "",
        ...(report.policyComparison
            ? [
                  "Policy pack compared (it decides nothing)",
                  ...comparisonLines(report.policyComparison).map((l) => `  ${l}`),
                  "",
              ]
            : []),
        "Service Connect",
        ...scLines(report),
        "",
        ...(report.loadBalancerRoutes.length > 0
            ? ["Load balancer routes (the order AWS evaluates them)", ...routeLines(report), ""]
            : []),
        "Reachability (who can open a connection to each service port; how each service reaches the internet)",
        ...reachabilityLines(report.reachability),
        ...reachabilityWarnings(report.reachability).map((w) => `  WARNING: ${w}`),
        "",
        `Monthly network cost (estimate, ${report.cost.pricesRegion} prices of ${report.cost.pricesDate})`,
        ...costLines(report.cost),
    ].join("\n");
}

/** The architecture diagram of the plan (see diagram.ts). */
export function mermaid(report: PlanReport): string {
    return mermaidDiagram(
        report.resources,
        report.serviceConnect,
        report.loadBalancerRoutes,
        report.reachability,
        report.loadBalancerInternetPorts,
    );
}

/** A table cell's text: a pipe would end the cell. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|");
}

/** The reachability answers as the pull request shows them: a table, the paths behind each yes, the warnings. */
export function reachabilityMarkdown(entries: ReachabilityEntry[]): string[] {
    const head = [
        "### Reachability",
        "",
        "Who can open a connection to each service port, and how each service reaches the internet.",
        "",
    ];
    if (entries.length === 0) return [...head, "No ECS services.", ""];
    const details = entries.flatMap((e) => [
        ...e.internetPaths.map(
            (p) =>
                `- **${e.service}** ${e.protocol} ${e.port} from the internet: ${p.map((x) => `\`${x}\``).join(" → ")}`,
        ),
        ...e.unknowns.map((u) => `- **${e.service}** waits for ${u}`),
    ]);
    return [
        ...head,
        "| service | port | from the internet | from services | egress |",
        "|---|---|---|---|---|",
        ...entries.map(
            (e) =>
                `| ${e.service} | ${e.port === null ? "-" : `${e.protocol} ${e.port}`} | ${e.fromInternet === true ? "**YES**" : answer(e.fromInternet)} | ${e.fromServices.join(", ") || "-"} | ${cell(egressText(e))} |`,
        ),
        "",
        ...(details.length > 0 ? [...details, ""] : []),
        ...reachabilityWarnings(entries).map((w) => `> **Warning:** ${w}\n`),
    ];
}

export function renderMarkdown(report: PlanReport): string {
    const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    return [
        `## Plan: ${report.project}/${report.stack}`,
        "",
        `_Offline ${MODE_LINE[report.mode]}._`,
        "",
        ...report.warnings.map((w) => `> **Warning:** ${w}\n`),
        ...report.diagnostics.map(
            (d) =>
                `> **${d.severity === "error" ? "Provider check error" : "Program warning"}:** ${d.message}\n`,
        ),
        ...(report.steps
            ? [
                  `### Update against the live state`,
                  "",
                  ...(report.refusals!.length > 0
                      ? [
                            `**WOULD FAIL IN AWS (${report.refusals!.length}):**`,
                            "",
                            ...report.refusals!.map(
                                (r) => `- \`${r.code}\`: ${r.message} Fix: ${r.fix}`,
                            ),
                            "",
                        ]
                      : ["AWS would accept every step.", ""]),
                  "```",
                  ...stepLines(report.steps),
                  "```",
                  "",
                  ...costChangeLines(report.costBefore!, report.cost).map((l, i) =>
                      i === 0 ? `**${l}**` : `- ${l.trim()}`,
                  ),
                  "",
              ]
            : []),
        mandatory > 0
            ? `**${mandatory} mandatory policy violation(s).**`
            : "No mandatory policy violations.",
        "",
        "```mermaid",
        mermaid(report),
        "```",
        "",
        "### Policy verdicts",
        "",
        ...policyPackLines(report.policyPacks).map((l) => `- ${l}`),
        "",
        "```",
        ...verdictLines(report),
        "```",
        "",
        ...(report.policyComparison
            ? [
                  "### Policy pack compared (it decides nothing)",
                  "",
                  "```",
                  ...comparisonLines(report.policyComparison),
                  "```",
                  "",
              ]
            : []),
        "### Service Connect",
        "",
        ...(report.serviceConnect.length
            ? [
                  "| service | role | endpoints | calls | variables it gets |",
                  "|---|---|---|---|---|",
                  ...report.serviceConnect.map(
                      (s) =>
                          `| ${s.service} | ${s.role} | ${s.endpoints.join("<br>")} | ${s.calls.join(", ")} | ${Object.entries(
                              s.variables,
                          )
                              .map(([k, v]) => `\`${k}=${v}\``)
                              .join("<br>")} |`,
                  ),
              ]
            : ["No Service Connect services."]),
        "",
        ...(report.loadBalancerRoutes.length
            ? [
                  "### Load balancer routes",
                  "",
                  "In the order AWS evaluates them: the lowest priority first, the first match wins.",
                  "",
                  "| load balancer | listener | priority | match | service | port |",
                  "|---|---|---:|---|---|---:|",
                  ...report.loadBalancerRoutes.map(
                      (r) =>
                          `| ${r.loadBalancer} | ${r.listener} | ${r.priority} | ${cell(routeText(r))} | ${r.service} | ${r.containerPort} |`,
                  ),
                  "",
              ]
            : []),
        ...reachabilityMarkdown(report.reachability),
        `### Monthly network cost (estimate, ${report.cost.pricesRegion} prices of ${report.cost.pricesDate})`,
        "",
        "| item | quantity | unit price a month | USD a month |",
        "|---|---:|---:|---:|",
        ...costRows(report.cost).map((r) => `| ${r.join(" | ")} |`),
        `| **total** | | | **$${report.cost.monthlyUsd.toFixed(2)}** |`,
        "",
        costAssumptions(report.cost),
        "",
        "<details><summary>Resources</summary>",
        "",
        "| count | type |",
        "|---:|---|",
        ...counts(report).map(([t, n]) => `| ${n} | \`${t}\` |`),
        "",
        "```",
        ...tree(report),
        "```",
        "</details>",
        "",
    ].join("\n");
}
