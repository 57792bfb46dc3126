/**
 * The plan's architecture diagram, in Mermaid flowchart syntax, drawn the way AWS's own ECS pattern
 * diagrams are: each VPC with its internet gateway and endpoints; per availability zone, the public
 * subnets (with their NAT gateways, EC2 instances and load balancers) and the private subnets; the
 * services inside the subnets their tasks run in; in each subnet its route table, with an edge to what
 * the default route targets (so `Single` and `OnePerAz` NAT strategies look different); every port
 * open to the internet (a load balancer's from its security groups, a task's from the reachability
 * analysis); and the Service Connect calls with their URLs.
 *
 * Laid out by Mermaid's dagre, which routes an edge drawn from a subgraph's box through whatever node
 * sits nearest: every edge here joins two nodes, zones are listed in order, and long labels are broken
 * where they may be (wrapLabel), so the picture says what the tables say.
 *
 * Everything is read from the resources as the engine holds them, following references through the
 * property dependencies it records, so a preview (ids unknown) draws the same picture as after up.
 * Node ids are `n1`, `n2`, ... handed out per resource (or resource and subnet), so they never
 * collide whatever the resources are called; labels are escaped for Mermaid.
 */
import { ReferenceReader, referenceReader } from "./references";
import { isKind, Kind } from "../../policies/model/resources";
import type { LoadBalancerRoute, ReportResource, ServiceConnectEntry } from "./model";
import type { ReachabilityEntry } from "../../policies/model/reachability";

/** What the diagram draws, as kinds of the policy model's one type table. */
const T = {
    vpc: "vpc",
    subnet: "subnet",
    igw: "internetGateway",
    nat: "natGateway",
    routeTable: "routeTable",
    route: "route",
    association: "routeTableAssociation",
    endpoint: "vpcEndpoint",
    service: "service",
    capacityProvider: "capacityProvider",
    asg: "autoScalingGroup",
    launchTemplate: "launchTemplate",
    loadBalancer: "loadBalancer",
} as const satisfies Record<string, Kind>;

const WORLD = ["0.0.0.0/0", "::/0"];

const portOrder = (p: string) => Number(/(\d+)/.exec(p)?.[1] ?? 0);

/** Mermaid label text: quotes and the characters Mermaid reads as markup are entity-escaped. */
function text(value: unknown): string {
    return String(value).replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

/**
 * A long label (a Service Connect URL) in lines of at most `width` characters, broken only after a
 * `.`, `/` or `:` and joined with `<br>`: Mermaid draws an edge label in a 200-pixel box and, outside
 * HTML labels, splits any longer word mid-character.
 */
export function wrapLabel(label: string, width = LABEL_WIDTH): string {
    const parts = label.match(/[^./:]*(?:[./:]+|$)/g)!.filter((p) => p !== "");
    const lines: string[] = [];
    for (const part of parts) {
        if (lines.length > 0 && lines[lines.length - 1].length + part.length <= width)
            lines[lines.length - 1] += part;
        else lines.push(part);
    }
    return lines.map(text).join("<br>");
}

/** Characters of an edge label that fit Mermaid's 200-pixel label box at its default font. */
export const LABEL_WIDTH = 24;

type Calls = Pick<ServiceConnectEntry, "service" | "calls" | "endpoints">;

/** A service's tasks drawn in one subnet (no subnet: its subnets are not known to the plan). */
interface TaskNode {
    node: string;
    subnet?: ReportResource;
}

/**
 * The diagram being drawn: the resources and their references, node ids handed out in order, what
 * sits in each subnet, where each service's tasks are drawn, and the lines and edges so far.
 */
class Drawing {
    private readonly ids = new Map<string, string>();
    private readonly drawn = new Set<string>();
    readonly refs: ReferenceReader<ReportResource>["refs"];
    readonly refersTo: ReferenceReader<ReportResource>["refersTo"];
    readonly lines: string[] = ["flowchart TB"];
    readonly edges: string[] = [];
    /** The node lines inside each subnet, by the subnet's URN. */
    readonly placed = new Map<string, string[]>();
    readonly serviceNodes = new Map<string, TaskNode[]>();

    constructor(readonly resources: ReportResource[]) {
        ({ refs: this.refs, refersTo: this.refersTo } = referenceReader(resources));
    }

    of(kind: Kind): ReportResource[] {
        return this.resources.filter((r) => isKind(r, kind));
    }

    /** The node id of a key (`n1`, `n2`, ...), the same for the same key. */
    node(key: string): string {
        if (!this.ids.has(key)) this.ids.set(key, `n${this.ids.size + 1}`);
        return this.ids.get(key)!;
    }

    place(subnet: ReportResource, line: string): void {
        this.placed.set(subnet.urn, [...(this.placed.get(subnet.urn) ?? []), line]);
    }

    /** An edge drawn once, however many paths lead to it. */
    drawOnce(edge: string): void {
        if (!this.drawn.has(edge)) {
            this.drawn.add(edge);
            this.edges.push(edge);
        }
    }
}

export function mermaidDiagram(
    resources: ReportResource[],
    serviceConnect: Calls[],
    routes: LoadBalancerRoute[] = [],
    reachability: ReachabilityEntry[] = [],
    lbInternetPorts: Record<string, string[]> = {},
): string {
    const d = new Drawing(resources);
    placeServices(d, serviceConnect);
    placeHostsBalancersAndGateways(d);
    d.lines.push(`  ${d.node("internet")}(("Internet"))`);
    drawVpcs(d);
    drawUnplacedServices(d);
    drawInternetEdges(d, reachability, lbInternetPorts);
    drawLoadBalancerRoutes(d, routes);
    drawServiceConnectCalls(d, serviceConnect, reachability);
    return [...d.lines, ...d.edges].join("\n");
}

/** Each service's tasks, in the subnets they run in: its awsvpc subnets, or its capacity's Auto Scaling groups'. */
function placeServices(d: Drawing, serviceConnect: Calls[]): void {
    const { refs } = d;
    const asgsOfService = (svc: ReportResource) =>
        refs(svc, "capacityProviderStrategies", T.capacityProvider).flatMap((cp) =>
            refs(cp, "autoScalingGroupProvider", T.asg),
        );
    const subnetsOfService = (svc: ReportResource) => {
        const own = refs(svc, "networkConfiguration", T.subnet);
        return own.length > 0
            ? own
            : asgsOfService(svc).flatMap((g) => refs(g, "vpcZoneIdentifiers", T.subnet));
    };
    for (const svc of d.of(T.service)) {
        const role = serviceConnect.find((s) => s.service === svc.name);
        const kind =
            role === undefined
                ? ""
                : role.endpoints.length > 0
                  ? " · server"
                  : role.calls.length > 0
                    ? " · client"
                    : "";
        const mode = svc.inputs.networkConfiguration
            ? svc.inputs.networkConfiguration.assignPublicIp === true
                ? " · public IP"
                : ""
            : " · on EC2 hosts";
        const label = `["ECS service ${text(svc.name)}${kind}${mode}"]`;
        d.serviceNodes.set(
            svc.urn,
            subnetsOfService(svc).map((subnet) => {
                const id = d.node(`service:${svc.urn}:${subnet.urn}`);
                d.place(subnet, `${id}${label}`);
                return { node: id, subnet };
            }),
        );
    }
}

/** EC2 instances, load balancers and NAT gateways, in each subnet they sit in. */
function placeHostsBalancersAndGateways(d: Drawing): void {
    const { refs } = d;
    for (const asg of d.of(T.asg)) {
        const lt = refs(asg, "launchTemplate", T.launchTemplate)[0];
        const type = lt?.inputs.instanceType ?? "EC2";
        for (const subnet of refs(asg, "vpcZoneIdentifiers", T.subnet)) {
            const id = d.node(`asg:${asg.urn}:${subnet.urn}`);
            d.place(subnet, `${id}[("EC2 instances ${text(type)} (${text(asg.name)})")]`);
        }
    }
    for (const lb of d.of(T.loadBalancer)) {
        for (const subnet of refs(lb, "subnets", T.subnet)) {
            d.place(
                subnet,
                `${d.node(`lb:${lb.urn}:${subnet.urn}`)}[/"${lb.inputs.loadBalancerType === "network" ? "NLB" : "ALB"} ${text(lb.name)}"\\]`,
            );
        }
    }
    for (const nat of d.of(T.nat)) {
        for (const subnet of refs(nat, "subnetId", T.subnet)) {
            d.place(subnet, `${d.node(nat.urn)}{{"NAT gateway ${text(nat.name)}"}}`);
        }
    }
}

/**
 * Each VPC with its internet gateway, its zones in order, their subnets with what sits in them and
 * their route tables (the default route's edge), and its VPC endpoints.
 */
function drawVpcs(d: Drawing): void {
    const { refs, refersTo, lines, edges } = d;
    const tablesOf = (subnet: ReportResource) =>
        d
            .of(T.association)
            .filter((a) => refersTo(a, "subnetId", subnet))
            .flatMap((a) => refs(a, "routeTableId", T.routeTable));
    const defaultTargets = (table: ReportResource) =>
        d
            .of(T.route)
            .filter(
                (r) =>
                    refersTo(r, "routeTableId", table) &&
                    WORLD.includes(
                        String(r.inputs.destinationCidrBlock ?? r.inputs.destinationIpv6CidrBlock),
                    ),
            )
            .flatMap((route) => [
                ...refs(route, "natGatewayId", T.nat),
                ...refs(route, "gatewayId", T.igw),
            ]);
    for (const vpc of d.of(T.vpc)) {
        lines.push(
            `  subgraph ${d.node(vpc.urn)}["VPC ${text(vpc.name)} ${text(vpc.inputs.cidrBlock)}"]`,
        );
        for (const igw of d.of(T.igw).filter((g) => refersTo(g, "vpcId", vpc))) {
            lines.push(`    ${d.node(igw.urn)}[["Internet gateway ${text(igw.name)}"]]`);
            edges.push(`  ${d.node(igw.urn)} <--> ${d.node("internet")}`);
        }
        const subnets = d.of(T.subnet).filter((s) => refersTo(s, "vpcId", vpc));
        const zones = [...new Set(subnets.map((s) => String(s.inputs.availabilityZone)))].sort();
        for (const zone of zones) {
            lines.push(`    subgraph ${d.node(`zone:${vpc.urn}:${zone}`)}["${text(zone)}"]`);
            const inZone = subnets.filter((s) => String(s.inputs.availabilityZone) === zone);
            for (const subnet of inZone) {
                const tables = tablesOf(subnet);
                const tier = tables.some((t) => defaultTargets(t).some((x) => isKind(x, T.igw)))
                    ? "public"
                    : "private";
                lines.push(
                    `      subgraph ${d.node(subnet.urn)}["${tier} subnet ${text(subnet.name)} ${text(subnet.inputs.cidrBlock)}"]`,
                );
                for (const line of d.placed.get(subnet.urn) ?? []) lines.push(`        ${line}`);
                // The default route leaves from the subnet's route table, drawn inside the subnet: an
                // edge from the subnet's box would be laid out through whatever node sits nearest.
                for (const table of tables.filter((t) => defaultTargets(t).length > 0)) {
                    const id = d.node(`rt:${table.urn}:${subnet.urn}`);
                    lines.push(`        ${id}(["route table ${text(table.name)}"])`);
                    // Below what else the subnet holds (an invisible link), so its route leaves from the bottom.
                    for (const held of d.placed.get(subnet.urn) ?? [])
                        edges.push(`  ${/^n\d+/.exec(held)![0]} ~~~ ${id}`);
                    for (const target of defaultTargets(table))
                        edges.push(`  ${id} -->|"0.0.0.0/0"| ${d.node(target.urn)}`);
                }
                lines.push("      end");
            }
            lines.push("    end");
        }
        const endpoints = d.of(T.endpoint).filter((e) => refersTo(e, "vpcId", vpc));
        if (endpoints.length > 0) {
            const names = endpoints.map((e) => {
                const service =
                    typeof e.inputs.serviceName === "string"
                        ? e.inputs.serviceName.split(".").slice(3).join(".")
                        : e.name;
                return e.inputs.vpcEndpointType === "Gateway" ? `${service} (gateway)` : service;
            });
            lines.push(
                `    ${d.node(`endpoints:${vpc.urn}`)}[/"VPC endpoints: ${text(names.join(", "))}"/]`,
            );
        }
        lines.push("  end");
    }
}

/** The services whose subnets the plan does not know, in a box of their own. */
function drawUnplacedServices(d: Drawing): void {
    const unplaced = d.of(T.service).filter((s) => (d.serviceNodes.get(s.urn) ?? []).length === 0);
    if (unplaced.length > 0) {
        d.lines.push(
            `  subgraph ${d.node("unplaced")}["ECS services (subnets not known to the plan)"]`,
        );
        for (const svc of unplaced) {
            const id = d.node(`service:${svc.urn}`);
            d.lines.push(`    ${id}["ECS service ${text(svc.name)}"]`);
            d.serviceNodes.set(svc.urn, [{ node: id }]);
        }
        d.lines.push("  end");
    }
}

/**
 * Edges from the internet: every port a load balancer's security groups open to it, and the paths the
 * reachability analysis proves to a task (a public IP, a route to the internet gateway, ACLs and a
 * security group rule).
 */
function drawInternetEdges(
    d: Drawing,
    reachability: ReachabilityEntry[],
    lbInternetPorts: Record<string, string[]>,
): void {
    // A load balancer: every port its security groups open to the internet (exposure.ts), whether or
    // not a listener on it leads to a service (port 80 that redirects to HTTPS is open all the same).
    for (const lb of d.of(T.loadBalancer)) {
        const ports = new Set<string>(lbInternetPorts[lb.urn] ?? []);
        for (const entry of reachability) {
            for (const path of entry.internetPaths.filter((p) =>
                p.includes(`load balancer "${lb.name}"`),
            )) {
                const listener = /\(([A-Z]+):(\d+)\)$/.exec(
                    path.find((p) => p.startsWith("listener ")) ?? "",
                );
                ports.add(listener ? `tcp ${listener[2]}` : "listener");
            }
        }
        if (ports.size === 0) continue;
        const what = [...ports].sort((a, b) => portOrder(a) - portOrder(b)).join(", ");
        for (const s of d.refs(lb, "subnets", T.subnet))
            d.drawOnce(
                `  ${d.node("internet")} -->|"${text(what)}"| ${d.node(`lb:${lb.urn}:${s.urn}`)}`,
            );
    }
    for (const entry of reachability) {
        const svc = d.of(T.service).find((x) => x.urn === entry.urn);
        for (const path of entry.internetPaths) {
            if (d.of(T.loadBalancer).some((l) => path.includes(`load balancer "${l.name}"`))) {
                continue;
            } else if (svc) {
                const subnet = path.find((p) => p.startsWith("subnet "));
                for (const task of d.serviceNodes.get(svc.urn) ?? []) {
                    if (!task.subnet || subnet === `subnet "${task.subnet.name}"`)
                        d.drawOnce(
                            `  ${d.node("internet")} -->|"${text(`${entry.protocol} ${entry.port}`)}"| ${task.node}`,
                        );
                }
            }
        }
    }
}

/** What each load balancer routes, zone by zone: from its node in a zone to the service's tasks there. */
function drawLoadBalancerRoutes(d: Drawing, routes: LoadBalancerRoute[]): void {
    for (const route of routes) {
        const lb = d.of(T.loadBalancer).find((l) => l.name === route.loadBalancer);
        const svc = d.of(T.service).find((x) => x.name === route.service);
        if (!lb || !svc) continue;
        const lbNodes = d.refs(lb, "subnets", T.subnet).map((s) => ({
            node: d.node(`lb:${lb.urn}:${s.urn}`),
            zone: s.inputs.availabilityZone,
        }));
        for (const task of d.serviceNodes.get(svc.urn) ?? []) {
            const from =
                lbNodes.find((n) => n.zone === task.subnet?.inputs.availabilityZone) ?? lbNodes[0];
            if (from)
                d.edges.push(
                    `  ${from.node} -->|"${text(`${route.listener} ${[...route.hosts, ...route.paths].join(" ")}`.trim())}"| ${task.node}`,
                );
        }
    }
}

/** Service Connect calls the analysis proves, within each zone where client and server both run (else to the server's first task subnet). */
function drawServiceConnectCalls(
    d: Drawing,
    serviceConnect: Calls[],
    reachability: ReachabilityEntry[],
): void {
    const serviceByName = new Map(d.of(T.service).map((s) => [s.name, s]));
    for (const client of serviceConnect) {
        const from = serviceByName.get(client.service);
        for (const target of client.calls) {
            const to = serviceByName.get(target);
            // A call is drawn only where the analysis proves the client can open the connection.
            if (
                !reachability.some(
                    (e) => e.service === target && e.fromServices.includes(client.service),
                )
            )
                continue;
            const url = serviceConnect.find((s) => s.service === target)?.endpoints[0] ?? "";
            if (!from || !to) continue;
            const servers = d.serviceNodes.get(to.urn) ?? [];
            for (const c of d.serviceNodes.get(from.urn) ?? []) {
                const zone = c.subnet?.inputs.availabilityZone;
                const s =
                    servers.find((x) => x.subnet?.inputs.availabilityZone === zone) ?? servers[0];
                if (s) d.edges.push(`  ${c.node} -->|"${wrapLabel(url)}"| ${s.node}`);
            }
        }
    }
}
