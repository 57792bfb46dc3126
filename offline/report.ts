/**
 * The plan's report: one JSON shape (a stable interface, see README) and two renderings of it,
 * plain text for a terminal and Markdown with a Mermaid diagram for a pull request comment.
 */
import { serviceConnectUrl } from "../components/service/plan";
import { Diagnostic } from "./analyzer";
import { CostEstimate } from "./cost";
import { PolicyCheck } from "./policyCheck";
import { Evaluation } from "./program";
import { Registration } from "./runtime";

export interface ServiceConnectEntry {
    service: string;
    role: "server" | "client";
    endpoints: string[];
    calls: string[];
}

export interface PlanReport {
    project: string;
    stack: string;
    resources: { urn: string; id: string | null; type: string; name: string; parent: string | null; dependsOn: string[]; inputs: Record<string, any> }[];
    violations: Diagnostic[];
    serviceConnect: ServiceConnectEntry[];
    cost: CostEstimate;
}

const SERVICE = "aws:ecs/service:Service";

export function serviceConnectMap(regs: Registration[]): ServiceConnectEntry[] {
    const byUrn = new Map(regs.map((r) => [r.urn, r]));
    const entries = new Map<string, ServiceConnectEntry>();
    for (const svc of regs.filter((r) => r.type === SERVICE && r.inputs.serviceConnectConfiguration?.enabled)) {
        const sc = svc.inputs.serviceConnectConfiguration;
        const namespace = (svc.propertyDependencies.serviceConnectConfiguration ?? []).map((u) => byUrn.get(u)).find((r) => r?.type.startsWith("aws:servicediscovery/"));
        const taskDef = (svc.propertyDependencies.taskDefinition ?? []).map((u) => byUrn.get(u)).find((r) => r !== undefined);
        const mappings: { name?: string; appProtocol?: string }[] = taskDef ? JSON.parse(taskDef.inputs.containerDefinitions ?? "[]").flatMap((c: any) => c.portMappings ?? []) : [];
        const endpoints = (sc.services ?? []).map((e: any) => {
            const alias = e.clientAlias?.[0] ?? {};
            return serviceConnectUrl({
                appProtocol: mappings.find((m) => m.name === e.portName)?.appProtocol,
                dnsName: alias.dnsName,
                discoveryName: e.discoveryName ?? e.portName,
                namespace: namespace?.inputs.name ?? "<namespace>",
                port: alias.port,
            });
        });
        entries.set(svc.urn, { service: svc.name, role: endpoints.length > 0 ? "server" : "client", endpoints, calls: [] });
    }
    for (const svc of regs.filter((r) => entries.has(r.urn))) {
        // A call is a dependency on another Service Connect server: the order Service Connect needs.
        entries.get(svc.urn)!.calls = svc.dependencies.filter((u) => entries.get(u)?.role === "server").map((u) => entries.get(u)!.service);
    }
    return [...entries.values()];
}

export function buildReport(evaluation: Evaluation, check: PolicyCheck, cost: CostEstimate): PlanReport {
    return {
        project: evaluation.project.name,
        stack: evaluation.stack,
        resources: evaluation.registrations.map((r) => ({ urn: r.urn, id: r.id, type: r.type, name: r.name, parent: r.parent, dependsOn: r.dependencies, inputs: r.inputs })),
        violations: check.violations,
        serviceConnect: serviceConnectMap(evaluation.registrations),
        cost,
    };
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
    if (report.violations.length === 0) {
        return ["No policy violations."];
    }
    const lines: string[] = [];
    for (const level of ["mandatory", "remediate", "advisory"]) {
        const vs = report.violations.filter((v) => v.enforcementLevel === level);
        if (vs.length > 0) {
            lines.push(`${level.toUpperCase()} (${vs.length})`);
            vs.forEach((v) => lines.push(`  [${v.policy}] ${v.urn.split("::").pop()}: ${v.message.split("\n").pop()}`));
        }
    }
    return lines;
}

function costLines(cost: CostEstimate): string[] {
    return [
        ...cost.items.map((i) => `  ${i.item.padEnd(42)} ${String(i.quantity).padStart(5)}  $${i.monthlyUsd.toFixed(2).padStart(8)}`),
        `  ${"Total per month".padEnd(42)}        $${cost.monthlyUsd.toFixed(2).padStart(8)}`,
        `  Assumptions: ${Object.entries(cost.assumptions).map(([k, v]) => `${k}=${v}`).join("; ")}`,
    ];
}

function scLines(report: PlanReport): string[] {
    if (report.serviceConnect.length === 0) {
        return ["No Service Connect services."];
    }
    return report.serviceConnect.map((s) => `  ${s.service} (${s.role})${s.endpoints.length ? ` serves ${s.endpoints.join(", ")}` : ""}${s.calls.length ? ` calls ${s.calls.join(", ")}` : ""}`);
}

export function renderText(report: PlanReport): string {
    return [
        `Plan for ${report.project}/${report.stack} (offline: ids and ARNs are placeholders such as <vpc:name>)`,
        "",
        `Resources (${report.resources.length})`,
        ...tree(report).map((l) => `  ${l}`),
        "",
        "Counts by type",
        ...counts(report).map(([t, n]) => `  ${String(n).padStart(3)}  ${t}`),
        "",
        "Policy verdicts",
        ...verdictLines(report).map((l) => `  ${l}`),
        "",
        "Service Connect",
        ...scLines(report),
        "",
        "Monthly network cost (estimate)",
        ...costLines(report.cost),
    ].join("\n");
}

const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");

export function mermaid(report: PlanReport): string {
    const of = (t: string) => report.resources.filter((r) => r.type === t);
    const lines = ["flowchart LR", "  internet((Internet))"];
    for (const vpc of of("aws:ec2/vpc:Vpc")) {
        lines.push(`  subgraph ${id(vpc.name)}["VPC ${vpc.name} ${vpc.inputs.cidrBlock}"]`);
        const subnets = of("aws:ec2/subnet:Subnet").filter((s) => s.inputs.vpcId === vpc.id);
        const zones = [...new Set(subnets.map((s) => String(s.inputs.availabilityZone)))];
        for (const zone of zones) {
            lines.push(`    subgraph ${id(zone)}["${zone}"]`);
            for (const s of subnets.filter((x) => x.inputs.availabilityZone === zone)) {
                lines.push(`      ${id(s.name)}["${s.inputs.tags?.["ecsnet:tier"] ?? "subnet"} ${s.inputs.cidrBlock}"]`);
                for (const nat of of("aws:ec2/natGateway:NatGateway").filter((n) => n.inputs.subnetId === s.id)) {
                    lines.push(`      ${id(nat.name)}{{"NAT ${nat.name}"}}`);
                }
            }
            lines.push("    end");
        }
        for (const igw of of("aws:ec2/internetGateway:InternetGateway").filter((g) => g.inputs.vpcId === vpc.id)) {
            lines.push(`    ${id(igw.name)}[["internet gateway"]]`);
        }
        lines.push("  end");
    }
    for (const igw of of("aws:ec2/internetGateway:InternetGateway")) {
        lines.push(`  ${id(igw.name)} <--> internet`);
    }
    for (const nat of of("aws:ec2/natGateway:NatGateway")) {
        lines.push(`  ${id(nat.name)} --> internet`);
    }
    if (report.serviceConnect.length > 0 || of(SERVICE).length > 0) {
        lines.push(`  subgraph ecs["ECS services"]`);
        for (const svc of of(SERVICE)) {
            const sc = report.serviceConnect.find((s) => s.service === svc.name);
            const publicIp = svc.inputs.networkConfiguration?.assignPublicIp ? ", public IP" : "";
            lines.push(`    svc_${id(svc.name)}["${svc.name} (${sc?.role ?? "no Service Connect"}${publicIp})"]`);
        }
        lines.push("  end");
    }
    for (const svc of of(SERVICE).filter((x) => x.inputs.networkConfiguration?.assignPublicIp)) {
        lines.push(`  internet -. public IP .-> svc_${id(svc.name)}`);
    }
    for (const s of report.serviceConnect) {
        for (const target of s.calls) {
            const url = report.serviceConnect.find((x) => x.service === target)?.endpoints[0] ?? "";
            lines.push(`  svc_${id(s.service)} -->|"${url}"| svc_${id(target)}`);
        }
    }
    return lines.join("\n");
}

export function renderMarkdown(report: PlanReport): string {
    const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    return [
        `## Plan: ${report.project}/${report.stack}`,
        "",
        mandatory > 0 ? `**${mandatory} mandatory policy violation(s).**` : "No mandatory policy violations.",
        "",
        "```mermaid",
        mermaid(report),
        "```",
        "",
        "### Policy verdicts",
        "",
        "```",
        ...verdictLines(report),
        "```",
        "",
        "### Service Connect",
        "",
        ...(report.serviceConnect.length ? ["| service | role | endpoints | calls |", "|---|---|---|---|", ...report.serviceConnect.map((s) => `| ${s.service} | ${s.role} | ${s.endpoints.join("<br>")} | ${s.calls.join(", ")} |`)] : ["No Service Connect services."]),
        "",
        "### Monthly network cost (estimate)",
        "",
        "| item | quantity | USD/month |",
        "|---|---:|---:|",
        ...report.cost.items.map((i) => `| ${i.item} | ${i.quantity} | ${i.monthlyUsd.toFixed(2)} |`),
        `| **total** | | **${report.cost.monthlyUsd.toFixed(2)}** |`,
        "",
        `Assumptions: ${Object.entries(report.cost.assumptions).map(([k, v]) => `${k}=${v}`).join("; ")}`,
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
