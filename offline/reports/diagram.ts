/**
 * The plan's architecture diagram, in Mermaid flowchart syntax, drawn the way AWS's own ECS pattern
 * diagrams are: each VPC with its internet gateway and endpoints; per availability zone, the public
 * subnets (with their NAT gateways, EC2 instances and load balancers) and the private subnets; the
 * services inside the subnets their tasks run in; an edge from each subnet to what its route table's
 * default route targets (so `Single` and `OnePerAz` NAT strategies look different); every port open
 * to the internet; and the Service Connect calls with their URLs.
 *
 * Everything is read from the resources as the engine holds them, following references through the
 * property dependencies it records, so a preview (ids unknown) draws the same picture as after up.
 * Node ids are `n1`, `n2`, ... handed out per resource (or resource and subnet), so they never
 * collide whatever the resources are called; labels are escaped for Mermaid.
 */
import { referenceReader } from "./references";
import type { LoadBalancerRoute, ReportResource } from "./model";
import type { ReachabilityEntry } from "../../policies/model/reachability";

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    igw: "aws:ec2/internetGateway:InternetGateway",
    nat: "aws:ec2/natGateway:NatGateway",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    service: "aws:ecs/service:Service",
    capacityProvider: "aws:ecs/capacityProvider:CapacityProvider",
    asg: "aws:autoscaling/group:Group",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
} as const;

const WORLD = ["0.0.0.0/0", "::/0"];

export interface ServiceConnectCalls {
    service: string;
    calls: string[];
    endpoints: string[];
}

/** Mermaid label text: quotes and the characters Mermaid reads as markup are entity-escaped. */
function text(value: unknown): string {
    return String(value).replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

export function mermaidDiagram(resources: ReportResource[], serviceConnect: ServiceConnectCalls[], routes: LoadBalancerRoute[] = [], reachability: ReachabilityEntry[] = []): string {
    const of = (type: string) => resources.filter((r) => r.type === type);
    const { refs, refersTo } = referenceReader(resources);

    const ids = new Map<string, string>();
    const node = (key: string) => {
        if (!ids.has(key)) ids.set(key, `n${ids.size + 1}`);
        return ids.get(key)!;
    };

    // Where each service's tasks run: its awsvpc subnets, or the subnets of the Auto Scaling groups behind its capacity providers.
    const asgsOfService = (svc: ReportResource) => refs(svc, "capacityProviderStrategies", T.capacityProvider).flatMap((cp) => refs(cp, "autoScalingGroupProvider", T.asg));
    const subnetsOfService = (svc: ReportResource) => {
        const own = refs(svc, "networkConfiguration", T.subnet);
        return own.length > 0 ? own : asgsOfService(svc).flatMap((g) => refs(g, "vpcZoneIdentifiers", T.subnet));
    };
    const serviceNodes = new Map<string, { node: string; subnet?: ReportResource }[]>();
    const placed = new Map<string, string[]>();
    const place = (subnet: ReportResource, line: string) => placed.set(subnet.urn, [...(placed.get(subnet.urn) ?? []), line]);
    const services = of(T.service);
    for (const svc of services) {
        const role = serviceConnect.find((s) => s.service === svc.name);
        const kind = role === undefined ? "" : role.endpoints.length > 0 ? " · server" : role.calls.length > 0 ? " · client" : "";
        const mode = svc.inputs.networkConfiguration ? (svc.inputs.networkConfiguration.assignPublicIp === true ? " · public IP" : "") : " · on EC2 hosts";
        const label = `["ECS service ${text(svc.name)}${kind}${mode}"]`;
        const subnets = subnetsOfService(svc);
        serviceNodes.set(
            svc.urn,
            subnets.map((subnet) => {
                const id = node(`service:${svc.urn}:${subnet.urn}`);
                place(subnet, `${id}${label}`);
                return { node: id, subnet };
            }),
        );
    }
    const asgNodes = new Map<string, string[]>();
    for (const asg of of(T.asg)) {
        const lt = refs(asg, "launchTemplate", T.launchTemplate)[0];
        const type = lt?.inputs.instanceType ?? "EC2";
        asgNodes.set(
            asg.urn,
            refs(asg, "vpcZoneIdentifiers", T.subnet).map((subnet) => {
                const id = node(`asg:${asg.urn}:${subnet.urn}`);
                place(subnet, `${id}[("EC2 instances ${text(type)} (${text(asg.name)})")]`);
                return id;
            }),
        );
    }
    for (const lb of of(T.loadBalancer)) {
        for (const subnet of refs(lb, "subnets", T.subnet)) {
            place(subnet, `${node(`lb:${lb.urn}:${subnet.urn}`)}[/"${lb.inputs.loadBalancerType === "network" ? "NLB" : "ALB"} ${text(lb.name)}"\\]`);
        }
    }
    for (const nat of of(T.nat)) {
        for (const subnet of refs(nat, "subnetId", T.subnet)) {
            place(subnet, `${node(nat.urn)}{{"NAT gateway ${text(nat.name)}"}}`);
        }
    }

    // Where each subnet's default route goes, through its route table association.
    const defaultTargets = (subnet: ReportResource) =>
        of(T.association)
            .filter((a) => refersTo(a, "subnetId", subnet))
            .flatMap((a) => refs(a, "routeTableId", T.routeTable))
            .flatMap((table) => of(T.route).filter((r) => refersTo(r, "routeTableId", table) && WORLD.includes(String(r.inputs.destinationCidrBlock ?? r.inputs.destinationIpv6CidrBlock))))
            .flatMap((route) => [...refs(route, "natGatewayId", T.nat), ...refs(route, "gatewayId", T.igw)]);

    const lines = ["flowchart TB", `  ${node("internet")}(("Internet"))`];
    const edges: string[] = [];
    for (const vpc of of(T.vpc)) {
        lines.push(`  subgraph ${node(vpc.urn)}["VPC ${text(vpc.name)} ${text(vpc.inputs.cidrBlock)}"]`);
        for (const igw of of(T.igw).filter((g) => refersTo(g, "vpcId", vpc))) {
            lines.push(`    ${node(igw.urn)}[["Internet gateway ${text(igw.name)}"]]`);
            edges.push(`  ${node(igw.urn)} <--> ${node("internet")}`);
        }
        const subnets = of(T.subnet).filter((s) => refersTo(s, "vpcId", vpc));
        const zones = [...new Set(subnets.map((s) => String(s.inputs.availabilityZone)))].sort();
        for (const zone of zones) {
            lines.push(`    subgraph ${node(`zone:${vpc.urn}:${zone}`)}["${text(zone)}"]`);
            const inZone = subnets.filter((s) => String(s.inputs.availabilityZone) === zone);
            for (const subnet of inZone) {
                const targets = defaultTargets(subnet);
                const tier = targets.some((t) => t.type === T.igw) ? "public" : "private";
                lines.push(`      subgraph ${node(subnet.urn)}["${tier} subnet ${text(subnet.name)} ${text(subnet.inputs.cidrBlock)}"]`);
                for (const line of placed.get(subnet.urn) ?? []) lines.push(`        ${line}`);
                lines.push("      end");
                for (const target of targets) edges.push(`  ${node(subnet.urn)} -->|"0.0.0.0/0"| ${node(target.urn)}`);
            }
            lines.push("    end");
        }
        const endpoints = of(T.endpoint).filter((e) => refersTo(e, "vpcId", vpc));
        if (endpoints.length > 0) {
            const names = endpoints.map((e) => {
                const service = typeof e.inputs.serviceName === "string" ? e.inputs.serviceName.split(".").slice(3).join(".") : e.name;
                return e.inputs.vpcEndpointType === "Gateway" ? `${service} (gateway)` : service;
            });
            lines.push(`    ${node(`endpoints:${vpc.urn}`)}[/"VPC endpoints: ${text(names.join(", "))}"/]`);
        }
        lines.push("  end");
    }
    const unplaced = services.filter((s) => (serviceNodes.get(s.urn) ?? []).length === 0);
    if (unplaced.length > 0) {
        lines.push(`  subgraph ${node("unplaced")}["ECS services (subnets not known to the plan)"]`);
        for (const svc of unplaced) {
            const id = node(`service:${svc.urn}`);
            lines.push(`    ${id}["ECS service ${text(svc.name)}"]`);
            serviceNodes.set(svc.urn, [{ node: id }]);
        }
        lines.push("  end");
    }

    // Edges from the internet: only the paths the reachability analysis proves (a public IP, a route to
    // the internet gateway, ACLs and a security group rule; or an internet-facing load balancer).
    const drawn = new Set<string>();
    const draw = (edge: string) => {
        if (!drawn.has(edge)) {
            drawn.add(edge);
            edges.push(edge);
        }
    };
    for (const entry of reachability) {
        const svc = services.find((x) => x.name === entry.service);
        for (const path of entry.internetPaths) {
            const lb = of(T.loadBalancer).find((l) => path.includes(`load balancer "${l.name}"`));
            if (lb) {
                const listener = /\(([A-Z]+):(\d+)\)$/.exec(path.find((p) => p.startsWith("listener ")) ?? "");
                const what = listener ? `tcp ${listener[2]}` : "listener";
                for (const s of refs(lb, "subnets", T.subnet)) draw(`  ${node("internet")} -->|"${text(what)}"| ${node(`lb:${lb.urn}:${s.urn}`)}`);
            } else if (svc) {
                const subnet = path.find((p) => p.startsWith("subnet "));
                for (const task of serviceNodes.get(svc.urn) ?? []) {
                    if (!task.subnet || subnet === `subnet "${task.subnet.name}"`) draw(`  ${node("internet")} -->|"${text(`${entry.protocol} ${entry.port}`)}"| ${task.node}`);
                }
            }
        }
    }

    // What each load balancer routes, zone by zone: from its node in a zone to the service's tasks there.
    for (const route of routes) {
        const lb = of(T.loadBalancer).find((l) => l.name === route.loadBalancer);
        const svc = services.find((x) => x.name === route.service);
        if (!lb || !svc) continue;
        const lbNodes = refs(lb, "subnets", T.subnet).map((s) => ({ node: node(`lb:${lb.urn}:${s.urn}`), zone: s.inputs.availabilityZone }));
        for (const task of serviceNodes.get(svc.urn) ?? []) {
            const from = lbNodes.find((n) => n.zone === task.subnet?.inputs.availabilityZone) ?? lbNodes[0];
            if (from) edges.push(`  ${from.node} -->|"${text(`${route.listener} ${[...route.hosts, ...route.paths].join(" ")}`.trim())}"| ${task.node}`);
        }
    }

    // Service Connect calls, within each zone where client and server both run (else to the server's first task subnet).
    const serviceByName = new Map(services.map((s) => [s.name, s]));
    for (const client of serviceConnect) {
        const from = serviceByName.get(client.service);
        for (const target of client.calls) {
            const to = serviceByName.get(target);
            // A call is drawn only where the analysis proves the client can open the connection.
            if (!reachability.some((e) => e.service === target && e.fromServices.includes(client.service))) continue;
            const url = serviceConnect.find((s) => s.service === target)?.endpoints[0] ?? "";
            if (!from || !to) continue;
            const servers = serviceNodes.get(to.urn) ?? [];
            for (const c of serviceNodes.get(from.urn) ?? []) {
                const zone = c.subnet?.inputs.availabilityZone;
                const s = servers.find((x) => x.subnet?.inputs.availabilityZone === zone) ?? servers[0];
                if (s) edges.push(`  ${c.node} -->|"${text(url)}"| ${s.node}`);
            }
        }
    }
    return [...lines, ...edges].join("\n");
}
