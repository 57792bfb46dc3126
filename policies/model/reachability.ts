/**
 * Who can open a connection to each ECS service port, and how each service reaches the internet,
 * decided from the planned resources alone (preview or after up, this program or any other), the
 * way VPC Reachability Analyzer would answer after deploy:
 * - from the internet: a public IP on the task (Fargate `assignPublicIp`) or on its host (EC2 bridge
 *   or host mode), in a subnet whose route table sends 0.0.0.0/0 (or ::/0) to an internet gateway,
 *   with the subnet's network ACL letting the request in and the reply out (stateless, rule order),
 *   and a security group rule admitting an internet address; or an internet-facing load balancer
 *   whose listener forwards to a target group of the service, and whose security group the
 *   service's security group admits;
 * - from other services: a security group rule of the server that admits a security group of the
 *   client (or a CIDR holding the client's subnet), the client's egress allowing it, ACLs allowing it;
 * - egress: the default route of the service's subnets (internet gateway with a public IP, NAT gateway
 *   in which AZ, or none) and its security groups' egress.
 * Every answer carries the resources that make it so. An unknown value that decides an answer makes
 * it "unknown", named. Linear in the number of resources: every index is built once.
 */
import { Cidr, parseCidr } from "./cidr";
import { isKind, isNative, label, ModelResource, References } from "./resources";
import {
    admits,
    IngressRuleModel,
    prefixLists,
    PrefixListModel,
    ruleLabel,
    securityGroups,
    SecurityGroupModel,
} from "./securityGroups";
import { at, flag, isUnknown, listAt, Unknown } from "./values";
import {
    launchesAsEc2,
    clusterCapacity,
    hostPublicIp,
    hostsOf,
    taskRunner,
    TaskRunnerModel,
} from "./workloads";

export type Tri = boolean | "unknown";

export interface ReachabilityEntry {
    service: string;
    /** The service's URN: two resources of different types may share a Pulumi name. */
    urn: string;
    /** The port a connection opens (the task's for awsvpc, the host's for bridge and host); null for a service that maps none. */
    port: number | null;
    protocol: "tcp" | "udp";
    fromInternet: Tri;
    /** Each path from the internet, as the resources along it. */
    internetPaths: string[][];
    /** The other ECS services that can open connections to this port. */
    fromServices: string[];
    egress: "internet-gateway" | "nat" | "none" | "unknown";
    egressVia: string[];
    /** With NAT egress: whether every subnet's NAT gateway is in the subnet's own AZ (null: not NAT, or AZ unknown). */
    natAzIndependent: boolean | null;
    /** Whether the port serves through Service Connect. */
    serviceConnect: boolean;
    /** The values an "unknown" answer waits for. */
    unknowns: string[];
    /** Sources admitted on this port that are not an ECS service's security group (CIDRs, prefix lists, other groups), each with its rule. */
    foreignSources: string[];
    /**
     * What may admit a foreign source on this port but is not known in this preview: a rule whose
     * CIDR, group or ports are unknown. A CIDR is foreign whatever its value; a group may be a service's.
     */
    foreignUnknowns: string[];
}

const PRIVATE = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
].map((c) => parseCidr(c)!);
const size = (c: Cidr) => 1n << BigInt((c.family === 4 ? 32 : 128) - c.prefix);
const contains = (c: Cidr, family: 4 | 6, address: bigint) =>
    c.family === family && address >= c.start && address < c.start + size(c);
const isPublic = (family: 4 | 6, address: bigint) =>
    !PRIVATE.some((p) => contains(p, family, address));
const isWorldRoute = (c: Cidr | undefined) => c !== undefined && c.prefix === 0;

interface Subnet {
    r: ModelResource;
    cidr?: Cidr;
    /** Whether the subnet gives every ENI it creates an IPv6 address (dual-stack or IPv6-only). */
    ipv6: boolean | Unknown;
    az?: string;
    vpc?: ModelResource;
    routeTable?: RouteTable;
    nacl?: Nacl;
    unknown: Unknown[];
}
type DefaultRoute =
    | { kind: "igw" | "nat" | "other"; target?: ModelResource; via: ModelResource }
    | { kind: "unknown"; unknown: Unknown; via: ModelResource };
interface RouteTable {
    r: ModelResource;
    /** The IPv4 default route's (0.0.0.0/0) target: the internet gateway or NAT gateway (with the route's resource), or an unknown. */
    internet?: DefaultRoute;
    /** The IPv6 default route's (::/0) target, kept apart: a table may send IPv4 to a NAT and IPv6 to the internet gateway. */
    internet6?: DefaultRoute;
}
interface NaclRule {
    number: number;
    allow: boolean;
    egress: boolean;
    protocol: string;
    from: number;
    to: number;
    cidr?: Cidr;
}
interface Nacl {
    r: ModelResource;
    rules: NaclRule[];
}

type Network = ReturnType<typeof buildNetwork>;

function buildNetwork(refs: References) {
    const first = (r: ModelResource, property: string, kind: Parameters<References["follow"]>[2]) =>
        refs.follow(r, property, kind).found[0];
    // Route tables and their default routes.
    const tables = new Map<ModelResource, RouteTable>();
    const setDefault = (
        table: RouteTable,
        via: ModelResource,
        props: Record<string, any>,
        base: string,
        deps: ModelResource,
    ) => {
        const dest = at(
            props,
            base === "" ? "destinationCidrBlock" : `${base}.cidrBlock`,
            label(via),
        );
        const dest6 = at(
            props,
            base === "" ? "destinationIpv6CidrBlock" : `${base}.ipv6CidrBlock`,
            label(via),
        );
        const world = (d: unknown) => typeof d === "string" && isWorldRoute(parseCidr(d));
        if (!world(dest) && !world(dest6)) {
            return;
        }
        const property = base === "" ? undefined : base.split("[")[0];
        const pick = (field: string, kind: "internetGateway" | "natGateway") => {
            const value = at(props, base === "" ? field : `${base}.${field}`, label(via));
            if (value === undefined || value === null || value === "") {
                return undefined;
            }
            const found = property
                ? refs.dependencies(deps, property, kind)
                : refs.follow(deps, field, kind).found;
            const named = isUnknown(value) ? [] : refs.named(value, kind);
            const target = found[0] ?? named[0];
            if (target) {
                return {
                    kind: kind === "internetGateway" ? ("igw" as const) : ("nat" as const),
                    target,
                    via,
                };
            }
            if (isUnknown(value)) {
                return { kind: "unknown" as const, unknown: value, via };
            }
            // A literal id outside the stack: an igw-/nat- prefix says which.
            return String(value).startsWith("igw-")
                ? { kind: "igw" as const, via }
                : String(value).startsWith("nat-")
                  ? { kind: "nat" as const, via }
                  : { kind: "other" as const, via };
        };
        // An egress-only internet gateway (egressOnlyGatewayId) lets nothing in: "other".
        const target = pick("gatewayId", "internetGateway") ??
            pick("natGatewayId", "natGateway") ?? { kind: "other" as const, via };
        if (world(dest)) table.internet = target;
        if (world(dest6)) table.internet6 = target;
    };
    for (const r of refs.all("routeTable")) {
        const table: RouteTable = { r };
        tables.set(r, table);
        const routes = listAt(r.props, "routes", label(r));
        if (!isUnknown(routes)) {
            routes.forEach((_, i) => setDefault(table, r, r.props, `routes[${i}]`, r));
        }
    }
    // A route added to `vpc.mainRouteTableId` (or `defaultRouteTableId`) goes into the main table,
    // which every subnet without an association of its own uses: one table per VPC stands for it.
    const mainOf = new Map<ModelResource, RouteTable>();
    const mainTableOf = (vpc: ModelResource) => {
        if (!mainOf.has(vpc))
            mainOf.set(vpc, {
                r: {
                    urn: `${vpc.urn}#main-route-table`,
                    type: "aws:ec2/routeTable:RouteTable",
                    name: `${vpc.name} main`,
                    props: {},
                },
            });
        return mainOf.get(vpc)!;
    };
    for (const route of refs.all("route")) {
        const table = first(route, "routeTableId", "routeTable");
        const vpc = table ? undefined : first(route, "routeTableId", "vpc");
        if (table) {
            setDefault(tables.get(table)!, route, route.props, "", route);
        } else if (vpc) {
            setDefault(mainTableOf(vpc), route, route.props, "", route);
        }
    }
    // Subnets, with their route table (explicit association, else the VPC's main table).
    const subnets = new Map<ModelResource, Subnet>();
    for (const r of refs.all("subnet")) {
        const cidr = at(r.props, "cidrBlock", label(r));
        const az = at(r.props, "availabilityZone", label(r));
        const assign = flag(at(r.props, "assignIpv6AddressOnCreation", label(r)));
        const native6 = flag(at(r.props, "ipv6Native", label(r)));
        subnets.set(r, {
            r,
            ipv6:
                assign === true || native6 === true
                    ? true
                    : isUnknown(assign)
                      ? assign
                      : isUnknown(native6)
                        ? native6
                        : false,
            cidr: typeof cidr === "string" ? parseCidr(cidr) : undefined,
            az: typeof az === "string" ? az : undefined,
            vpc: first(r, "vpcId", "vpc"),
            unknown: [cidr, az].filter(isUnknown),
        });
    }
    const mainTables = new Map<ModelResource, RouteTable>();
    for (const a of refs.all("routeTableAssociation")) {
        const table = first(a, "routeTableId", "routeTable");
        if (!table) {
            continue;
        }
        if (a.type.includes("mainRouteTableAssociation")) {
            const vpc = first(a, "vpcId", "vpc");
            vpc && mainTables.set(vpc, tables.get(table)!);
        } else {
            const subnet = first(a, "subnetId", "subnet");
            subnet && (subnets.get(subnet)!.routeTable = tables.get(table));
        }
    }
    for (const t of tables.values()) {
        if (t.r.type.includes("defaultRouteTable")) {
            const vpc = first(t.r, "defaultRouteTableId", "vpc");
            vpc && !mainTables.has(vpc) && mainTables.set(vpc, t);
        }
    }
    for (const [vpc, table] of mainOf) {
        const main = mainTables.get(vpc);
        if (!main) mainTables.set(vpc, table);
        else {
            main.internet ??= table.internet;
            main.internet6 ??= table.internet6;
        }
    }
    for (const s of subnets.values()) {
        s.routeTable ??= s.vpc ? mainTables.get(s.vpc) : undefined;
    }
    // Network ACLs: explicit associations, else the VPC's default ACL (allow all unless managed).
    const nacls = new Map<ModelResource, Nacl>();
    const defaultNacls = new Map<ModelResource, Nacl>();
    for (const r of refs.all("networkAcl")) {
        const nacl: Nacl = { r, rules: [] };
        nacls.set(r, nacl);
        for (const egress of [false, true]) {
            const list = listAt(r.props, egress ? "egress" : "ingress", label(r));
            for (const entry of isUnknown(list) ? [] : list) {
                const e = entry as Record<string, any>;
                nacl.rules.push(
                    naclRule(
                        e.ruleNo,
                        e.action,
                        e.protocol,
                        e.fromPort,
                        e.toPort,
                        e.cidrBlock ?? e.ipv6CidrBlock,
                        egress,
                    ),
                );
            }
        }
        for (const subnet of refs.follow(r, "subnetIds", "subnet").found) {
            subnets.get(subnet)!.nacl = nacl;
        }
        if (r.type.includes("defaultNetworkAcl")) {
            const vpc = first(r, "defaultNetworkAclId", "vpc");
            vpc && defaultNacls.set(vpc, nacl);
        }
    }
    for (const rule of refs.all("networkAclRule")) {
        const nacl = first(rule, "networkAclId", "networkAcl");
        const p = rule.props;
        nacl &&
            nacls
                .get(nacl)!
                .rules.push(
                    naclRule(
                        p.ruleNumber,
                        p.ruleAction,
                        p.protocol,
                        p.fromPort,
                        p.toPort,
                        p.cidrBlock ?? p.ipv6CidrBlock,
                        flag(p.egress) === true,
                    ),
                );
    }
    for (const a of refs.all("networkAclAssociation")) {
        const nacl = first(a, "networkAclId", "networkAcl");
        const subnet = first(a, "subnetId", "subnet");
        nacl && subnet && (subnets.get(subnet)!.nacl = nacls.get(nacl));
    }
    for (const s of subnets.values()) {
        s.nacl ??= s.vpc ? defaultNacls.get(s.vpc) : undefined;
        s.nacl?.rules.sort((a, b) => a.number - b.number);
    }
    // NAT gateways' subnets.
    const natSubnet = new Map<ModelResource, ModelResource | undefined>(
        refs.all("natGateway").map((n) => [n, first(n, "subnetId", "subnet")]),
    );
    // Security groups, and which ones belong to ECS services and load balancers.
    const groups = new Map<ModelResource, SecurityGroupModel>();
    for (const g of securityGroups(refs)) {
        g.resource && groups.set(g.resource, g);
    }
    return { refs, tables, subnets, natSubnet, groups, lists: prefixLists(refs) };
}

function naclRule(
    number: unknown,
    action: unknown,
    protocol: unknown,
    from: unknown,
    to: unknown,
    cidr: unknown,
    egress: boolean,
): NaclRule {
    return {
        number: Number(number),
        allow: String(action).toLowerCase() === "allow",
        egress,
        protocol: String(protocol).toLowerCase(),
        from: from === undefined || from === null ? 0 : Number(from),
        to: to === undefined || to === null ? 65535 : Number(to),
        cidr: typeof cidr === "string" ? parseCidr(cidr) : undefined,
    };
}

/** A network ACL's verdict for one packet: rules in number order, the first match decides; none: deny. */
export function naclAllows(
    nacl: Nacl | undefined,
    egress: boolean,
    protocol: "tcp" | "udp",
    port: number,
    family: 4 | 6,
    address: bigint,
): boolean {
    if (!nacl) {
        return true; // the VPC's default network ACL, unmanaged, allows everything
    }
    const number = { tcp: "6", udp: "17" }[protocol];
    for (const rule of nacl.rules) {
        if (rule.egress !== egress || !rule.cidr || !contains(rule.cidr, family, address)) {
            continue;
        }
        const all = rule.protocol === "-1" || rule.protocol === "all";
        if (!all && rule.protocol !== protocol && rule.protocol !== number) {
            continue;
        }
        if (all || (port >= rule.from && port <= rule.to)) {
            return rule.allow;
        }
    }
    return false;
}

/**
 * Whether the reply to a connection can pass on some ephemeral port (1024-65535): out toward
 * `address` (`egress`), or back in from it. ACLs are stateless, so the reply is judged like a request.
 */
function naclReplies(
    nacl: Nacl | undefined,
    protocol: "tcp" | "udp",
    family: 4 | 6,
    address: bigint,
    egress = true,
): boolean {
    if (!nacl) {
        return true;
    }
    // The ports where some rule's range starts or ends stand for every ephemeral port between them.
    const ports = new Set(
        [1024, 32768, 49152, 65535, ...nacl.rules.flatMap((r) => [r.from, r.to, r.to + 1])].filter(
            (p) => p >= 1024 && p <= 65535,
        ),
    );
    return [...ports].some((p) => naclAllows(nacl, egress, protocol, p, family, address));
}

/** What one security group rule admits for a packet: the CIDRs it names (prefix lists expanded). */
function ruleCidrs(
    rule: IngressRuleModel,
    lists: Map<ModelResource, PrefixListModel>,
): { cidrs: Cidr[]; unknown: Unknown[] } {
    const cidrs: Cidr[] = [];
    const unknown: Unknown[] = [];
    for (const s of rule.sources) {
        if (s.kind === "cidr") {
            s.cidr && cidrs.push(s.cidr);
        } else if (s.kind === "unknown") {
            s.of !== "securityGroup" && unknown.push(s.unknown);
        } else if (s.kind === "prefixList") {
            // A list outside the stack (AWS-managed, another account's) holds what this plan cannot read.
            if (s.lists.length === 0)
                unknown.push(
                    new Unknown(`the entries of prefix list ${s.ref}, outside this stack`),
                );
            for (const l of s.lists) {
                for (const c of lists.get(l)?.cidrs ?? []) {
                    isUnknown(c) ? unknown.push(c) : cidrs.push(c);
                }
            }
        }
    }
    return { cidrs, unknown };
}

/** The public addresses that stand for every class of internet address the rules tell apart. */
function internetCandidates(
    cidrs: Cidr[],
    nacls: (Nacl | undefined)[],
): { family: 4 | 6; address: bigint }[] {
    const out: { family: 4 | 6; address: bigint }[] = [];
    const all = [
        ...cidrs,
        ...nacls.flatMap((n) =>
            (n?.rules ?? []).map((r) => r.cidr).filter((c): c is Cidr => c !== undefined),
        ),
    ];
    for (const c of all) {
        for (const a of [c.start, c.start + size(c)]) {
            if (a < 1n << BigInt(c.family === 4 ? 32 : 128) && isPublic(c.family, a)) {
                out.push({ family: c.family, address: a });
            }
        }
        // Any public address inside the block will do when its edges are private.
        const probe =
            c.family === 4 ? [0x08080808n, 0x01000000n, 0xcb007100n] : [0x20010db8n << 96n];
        for (const a of probe) {
            contains(c, c.family, a) &&
                isPublic(c.family, a) &&
                out.push({ family: c.family, address: a });
        }
    }
    return out;
}

interface Endpoint {
    runner: TaskRunnerModel;
    subnets: Subnet[];
    groups: ModelResource[];
    publicIp: Tri;
    publicIpWhy: string;
    unknown: Unknown[];
}

/** The service's network identity: the ENI of an awsvpc task, or its hosts for bridge and host mode. */
function endpointOf(
    runner: TaskRunnerModel,
    mode: string,
    net: Network,
    capacity: ReturnType<typeof clusterCapacity>,
): Endpoint {
    const { refs } = net;
    const r = runner.resource;
    const hostGroups = hostsOf(runner, capacity, refs).map((h) => h.group);
    const onEc2 = hostGroups.length > 0 || launchesAsEc2(runner, capacity);
    if (mode === "awsvpc") {
        const subnets = refs.follow(r, "networkConfiguration", "subnet", [
            `${runner.networkPath}.subnets`,
        ]);
        const groups = refs.follow(r, "networkConfiguration", "securityGroup", [
            `${runner.networkPath}.securityGroups`,
        ]);
        // An awsvpc task on EC2 gets no public IP, whatever its subnet or assignPublicIp say.
        const publicIp: Tri = onEc2
            ? false
            : isUnknown(runner.assignPublicIp)
              ? "unknown"
              : runner.assignPublicIp === true;
        return {
            runner,
            subnets: subnets.found.map((s) => net.subnets.get(s)!).filter(Boolean),
            groups: groups.found,
            publicIp,
            publicIpWhy: `public IP (${runner.assignPublicIpPath})`,
            unknown: [
                ...subnets.unknown,
                ...groups.unknown,
                ...(isUnknown(runner.assignPublicIp) && !onEc2 ? [runner.assignPublicIp] : []),
                // Subnets and groups outside the stack: their routes and rules cannot be read here.
                ...(publicIp !== false
                    ? [
                          ...subnets.outside.map(
                              (id) => new Unknown(`the routes of subnet ${id}, outside this stack`),
                          ),
                          ...groups.outside.map(
                              (id) =>
                                  new Unknown(
                                      `the rules of security group ${id}, outside this stack`,
                                  ),
                          ),
                      ]
                    : []),
            ],
        };
    }
    // bridge or host: the instances' network interfaces.
    const subnets: Subnet[] = [];
    const groups: ModelResource[] = [];
    let publicIp: Tri = false;
    let why = "";
    for (const g of hostGroups) {
        if (isKind(g, "instance")) {
            // One EC2 instance: its subnet and its groups.
            subnets.push(
                ...refs
                    .follow(g, "subnetId", "subnet")
                    .found.map((s) => net.subnets.get(s)!)
                    .filter(Boolean),
            );
            for (const field of ["vpcSecurityGroupIds", "securityGroups", "securityGroupIds"])
                groups.push(...refs.follow(g, field, "securityGroup").found);
        }
        const field = isNative(g) ? "vpcZoneIdentifier" : "vpcZoneIdentifiers";
        subnets.push(
            ...refs
                .follow(g, field, "subnet")
                .found.map((s) => net.subnets.get(s)!)
                .filter(Boolean),
        );
        for (const t of [
            ...refs.follow(g, "launchTemplate", "launchTemplate").found,
            ...refs.follow(g, "mixedInstancesPolicy", "launchTemplate").found,
        ]) {
            groups.push(
                ...refs.follow(
                    t,
                    isNative(t) ? "launchTemplateData" : "networkInterfaces",
                    "securityGroup",
                ).found,
                ...refs.follow(t, "vpcSecurityGroupIds", "securityGroup").found,
            );
        }
        const host = hostPublicIp(g, refs);
        if (host.public === true && "reason" in host) {
            publicIp = true;
            why = `host public IP (${host.reason})`;
        } else if (isUnknown(host.public) && publicIp !== true) {
            publicIp = "unknown";
        }
    }
    return {
        runner,
        subnets,
        groups: [...new Set(groups)],
        publicIp,
        publicIpWhy: why,
        unknown: [],
    };
}

/** The first port of Linux's default ephemeral range (32768-60999), where ECS maps bridge mode's dynamic host ports. */
const DYNAMIC_HOST_PORT = 32768;

interface PortSpec {
    port: number;
    protocol: "tcp" | "udp";
    name?: string;
    containerPort: number;
}

function portsOf(runner: TaskRunnerModel): { mode: string | Unknown; ports: PortSpec[] | Unknown } {
    const td = runner.taskDefinition;
    if (!td) {
        return { mode: "awsvpc", ports: [] };
    }
    const modeValue = at(td.props, "networkMode", label(td));
    const mode = isUnknown(modeValue)
        ? modeValue
        : String(
              modeValue ??
                  (String(at(td.props, "requiresCompatibilities", label(td))).includes("FARGATE")
                      ? "awsvpc"
                      : "bridge"),
          ).toLowerCase();
    const raw = at(td.props, "containerDefinitions", label(td));
    if (isUnknown(raw)) {
        return { mode, ports: raw };
    }
    let containers: any[] = [];
    try {
        containers = typeof raw === "string" ? JSON.parse(raw) : Array.isArray(raw) ? raw : [];
    } catch {
        containers = [];
    }
    const ports: PortSpec[] = [];
    for (const c of containers) {
        for (const m of c?.portMappings ?? []) {
            const containerPort = Number(m.containerPort);
            const hostPort =
                m.hostPort === undefined || m.hostPort === null ? 0 : Number(m.hostPort);
            // Bridge mode's dynamic host port (0) comes from the host's ephemeral range; its first port stands for it.
            const port =
                mode === "awsvpc" || mode === "host"
                    ? containerPort
                    : hostPort === 0
                      ? DYNAMIC_HOST_PORT
                      : hostPort;
            if (Number.isInteger(port) && port > 0) {
                ports.push({
                    port,
                    protocol: String(m.protocol ?? "tcp").toLowerCase() === "udp" ? "udp" : "tcp",
                    name: m.name,
                    containerPort,
                });
            }
        }
    }
    return { mode, ports };
}

/** The analysis over every ECS service of the stack. */
const r = (runner: TaskRunnerModel) => runner.resource.name;

export function analyzeReachability(resources: readonly ModelResource[]): ReachabilityEntry[] {
    const refs = new References(resources);
    const net = buildNetwork(refs);
    const capacity = clusterCapacity(refs);
    const runners = refs.all("service").map((r) => taskRunner(r, refs));
    const endpoints = new Map<
        TaskRunnerModel,
        { endpoint: Endpoint; ports: PortSpec[] | Unknown; mode: string | Unknown }
    >();
    // Which security groups belong to ECS services and load balancers.
    const serviceOfGroup = new Map<ModelResource, TaskRunnerModel[]>();
    for (const runner of runners) {
        const { mode, ports } = portsOf(runner);
        const endpoint = endpointOf(runner, isUnknown(mode) ? "awsvpc" : mode, net, capacity);
        endpoints.set(runner, { endpoint, ports, mode });
        for (const g of endpoint.groups) {
            const list = serviceOfGroup.get(g);
            list ? list.push(runner) : serviceOfGroup.set(g, [runner]);
        }
    }
    const runnersBySubnet = new Map<Subnet, TaskRunnerModel[]>();
    for (const [runner, { endpoint }] of endpoints) {
        for (const sn of endpoint.subnets) {
            const list = runnersBySubnet.get(sn);
            list ? list.push(runner) : runnersBySubnet.set(sn, [runner]);
        }
    }
    const lbGroups = new Set(
        refs
            .all("loadBalancer")
            .flatMap((lb) => refs.follow(lb, "securityGroups", "securityGroup").found),
    );
    const listeners = listenersByTargetGroup(refs);

    const out: ReachabilityEntry[] = [];
    for (const runner of runners) {
        const { endpoint, ports } = endpoints.get(runner)!;
        const serverPorts = serviceConnectPortNames(runner);
        const egress = egressOf(endpoint, net);
        // An entry with no port to judge: what it waits for (or that nothing can connect), and its egress.
        const portless = (
            fromInternet: Tri,
            serviceConnect: boolean,
            unknowns: string[],
        ): ReachabilityEntry => ({
            service: r(runner),
            urn: runner.resource.urn,
            port: null,
            protocol: "tcp",
            fromInternet,
            internetPaths: [],
            fromServices: [],
            egress: egress.egress,
            egressVia: egress.via,
            natAzIndependent: egress.natAzIndependent,
            serviceConnect,
            unknowns,
            foreignSources: [],
            foreignUnknowns: [],
        });
        if (isUnknown(ports)) {
            // Which ports it serves is not known yet: nothing about them can be proven. A server
            // stays a server while its ports are unknown: its verdict waits, never passes.
            out.push(portless("unknown", maybeServer(runner), [ports.what]));
        } else if (ports.length === 0) {
            // Nothing can connect to a service that maps no port; how it reaches out still matters.
            out.push(portless(false, false, []));
        }
        const override = isUnknown(ports)
            ? { specs: [], unknown: [] }
            : overridePorts(runner, ports, endpoints.get(runner)!.mode);
        if (override.unknown.length > 0) {
            // Where the proxy listens is not known yet: the server's verdict waits on it.
            out.push(
                portless(
                    "unknown",
                    true,
                    override.unknown.map((u) => u.what),
                ),
            );
        }
        for (const spec of isUnknown(ports) ? [] : [...ports, ...override.specs]) {
            const unknowns = [...endpoint.unknown.map((u) => u.what)];
            const paths: string[][] = [];
            let fromInternet: Tri = false;
            const rules = endpoint.groups
                .flatMap((g) => net.groups.get(g)?.rules ?? [])
                .filter((r) => admits(r, spec.protocol, spec.port) !== false);
            // Direct: a public IPv4 address on the task or host, over the subnet's 0.0.0.0/0 route;
            // or an IPv6 address, which is public, over its ::/0 route (dual-stack subnets assign
            // one to every ENI they create; a public IPv4 is not needed).
            const direct = (
                family: 4 | 6,
                publicIp: Tri,
                why: (subnet: Subnet) => string,
                subnets: Subnet[],
            ) => {
                if (publicIp === false) return;
                for (const subnet of subnets) {
                    const route =
                        family === 4 ? subnet.routeTable?.internet : subnet.routeTable?.internet6;
                    if (!route || route.kind !== "igw") {
                        route?.kind === "unknown" && unknowns.push(route.unknown.what);
                        continue;
                    }
                    for (const rule of rules) {
                        const { cidrs, unknown } = ruleCidrs(rule, net.lists);
                        unknowns.push(...unknown.map((u) => u.what));
                        const open = internetCandidates(cidrs, [subnet.nacl]).some(
                            (a) =>
                                a.family === family &&
                                cidrs.some((c) => contains(c, a.family, a.address)) &&
                                naclAllows(
                                    subnet.nacl,
                                    false,
                                    spec.protocol,
                                    spec.port,
                                    a.family,
                                    a.address,
                                ) &&
                                naclReplies(subnet.nacl, spec.protocol, a.family, a.address),
                        );
                        if (open && admits(rule, spec.protocol, spec.port) === true) {
                            if (publicIp === true) {
                                paths.push([
                                    route.target ? label(route.target) : "an internet gateway",
                                    label(subnet.routeTable!.r),
                                    label(subnet.r),
                                    why(subnet),
                                    ruleLabel(rule),
                                ]);
                            } else {
                                unknowns.push(
                                    family === 4
                                        ? `whether ${label(runner.resource)} gets a public IP`
                                        : `whether ${label(subnet.r)} gives ${label(runner.resource)} an IPv6 address`,
                                );
                            }
                        }
                    }
                }
            };
            direct(4, endpoint.publicIp, () => endpoint.publicIpWhy, endpoint.subnets);
            for (const subnet of endpoint.subnets) {
                direct(
                    6,
                    isUnknown(subnet.ipv6) ? "unknown" : subnet.ipv6,
                    () => `IPv6 address (${label(subnet.r)} assigns one on creation)`,
                    [subnet],
                );
            }
            // Through an internet-facing load balancer.
            for (const lbPath of loadBalancerPaths(runner, spec, endpoint, net, listeners)) {
                "unknown" in lbPath ? unknowns.push(lbPath.unknown) : paths.push(lbPath.path);
            }
            fromInternet = paths.length > 0 ? true : unknowns.length > 0 ? "unknown" : false;
            // Other services, and sources that are neither a service's nor a load balancer's group.
            const fromServices = new Set<string>();
            const foreign = new Set<string>();
            const foreignUnknown = new Set<string>();
            for (const rule of rules) {
                const admitted = admits(rule, spec.protocol, spec.port);
                if (admitted !== true) {
                    // Ports or protocol unknown: a CIDR or another group there may be admitted.
                    if (isUnknown(admitted) && rule.sources.some((x) => x.kind !== "securityGroup"))
                        foreignUnknown.add(`which ports ${ruleLabel(rule)} opens`);
                    continue;
                }
                const { cidrs } = ruleCidrs(rule, net.lists);
                // The candidates, from indexes (never every service against every service): the
                // services in an admitted group, and those in a subnet an admitted CIDR holds.
                const candidates = new Set<TaskRunnerModel>();
                rule.sources.forEach(
                    (x) =>
                        x.kind === "securityGroup" &&
                        x.groups.forEach((g) =>
                            serviceOfGroup.get(g)?.forEach((c) => candidates.add(c)),
                        ),
                );
                if (cidrs.length > 0) {
                    for (const [sn, inSubnet] of runnersBySubnet) {
                        sn.cidr &&
                            cidrs.some((x) => contains(x, sn.cidr!.family, sn.cidr!.start)) &&
                            inSubnet.forEach((c) => candidates.add(c));
                    }
                }
                for (const client of candidates) {
                    const c = endpoints.get(client)!.endpoint;
                    if (client === runner || fromServices.has(client.resource.name)) {
                        continue;
                    }
                    const byGroup = rule.sources.some(
                        (x) =>
                            x.kind === "securityGroup" &&
                            x.groups.some((g) => c.groups.includes(g)),
                    );
                    const subnetsAdmitted = byGroup
                        ? c.subnets
                        : c.subnets.filter(
                              (sn) =>
                                  sn.cidr &&
                                  cidrs.some((x) => contains(x, sn.cidr!.family, sn.cidr!.start)),
                          );
                    if (
                        subnetsAdmitted.length > 0 &&
                        egressAllows(c, endpoint, spec, net) &&
                        aclsAllow(subnetsAdmitted, endpoint.subnets, spec)
                    ) {
                        fromServices.add(client.resource.name);
                    }
                }
                for (const x of rule.sources) {
                    if (x.kind === "securityGroup") {
                        x.groups
                            .filter((g) => !serviceOfGroup.has(g))
                            .forEach((g) =>
                                foreign.add(
                                    `${ruleLabel(rule)} admits ${label(g)}${lbGroups.has(g) ? " (a load balancer's)" : ""}`,
                                ),
                            );
                        x.groups.length === 0 &&
                            foreign.add(
                                `${ruleLabel(rule)} admits security group ${x.ref} (outside this stack)`,
                            );
                    } else if (x.kind === "cidr" || x.kind === "prefixList") {
                        foreign.add(
                            `${ruleLabel(rule)} admits ${x.kind === "cidr" ? `CIDR ${x.text}` : `prefix list ${x.lists[0] ? `"${x.lists[0].name}"` : x.ref}`}`,
                        );
                    } else if (x.kind === "unknown") {
                        // Any CIDR on a server port is foreign, known or not; an unknown group may be a service's.
                        if (x.of === "securityGroup") foreignUnknown.add(x.unknown.what);
                        else
                            foreign.add(
                                `${ruleLabel(rule)} admits a CIDR not known in this preview (${x.unknown.what})`,
                            );
                    }
                }
            }
            out.push({
                service: runner.resource.name,
                urn: runner.resource.urn,
                port: spec.port,
                protocol: spec.protocol,
                fromInternet,
                internetPaths: paths,
                fromServices: [...fromServices].sort(),
                egress: egress.egress,
                egressVia: egress.via,
                natAzIndependent: egress.natAzIndependent,
                serviceConnect: spec.name !== undefined && serverPorts.has(spec.name),
                unknowns: fromInternet === "unknown" ? [...new Set(unknowns)] : [],
                foreignSources: [...foreign],
                foreignUnknowns: [...foreignUnknown],
            });
        }
    }
    return out;
}

/**
 * Where a Service Connect entry's `ingressPortOverride` makes the proxy listen instead of the
 * container port (awsvpc and host tasks: the proxy shares the task's network): the port clients and
 * any other source reach, judged like the container port. An override unknown in this preview is
 * returned as such: the server's verdict waits on it.
 */
function overridePorts(
    runner: TaskRunnerModel,
    ports: PortSpec[],
    mode: string | Unknown,
): { specs: PortSpec[]; unknown: Unknown[] } {
    const { enabled, services } = serviceConnectOf(runner);
    const out: { specs: PortSpec[]; unknown: Unknown[] } = { specs: [], unknown: [] };
    if (enabled === false || isUnknown(services) || mode === "bridge") return out;
    services.forEach((entry, i) => {
        const override = at(
            entry,
            "ingressPortOverride",
            `${label(runner.resource)} serviceConnectConfiguration.services[${i}]`,
        );
        const mapping = ports.find((p) => p.name === (entry as Record<string, unknown>)?.portName);
        if (override === undefined || override === null || mapping === undefined) return;
        if (isUnknown(override)) return void out.unknown.push(override);
        const port = Number(override);
        if (Number.isInteger(port) && port !== mapping.port) out.specs.push({ ...mapping, port });
    });
    return out;
}

/** The runner's Service Connect settings: whether enabled (or unknown), and its service entries. */
function serviceConnectOf(runner: TaskRunnerModel) {
    const r = runner.resource;
    return {
        enabled: flag(at(r.props, "serviceConnectConfiguration.enabled", label(r))),
        services: listAt(r.props, "serviceConnectConfiguration.services", label(r)),
    };
}

/** Whether the runner may serve through Service Connect: enabled (or unknown) with entries (or unknown). */
function maybeServer(runner: TaskRunnerModel): boolean {
    const { enabled, services } = serviceConnectOf(runner);
    return (
        enabled !== false && enabled !== undefined && (isUnknown(services) || services.length > 0)
    );
}

function serviceConnectPortNames(runner: TaskRunnerModel): Set<string> {
    const { enabled, services } = serviceConnectOf(runner);
    if (enabled === false || isUnknown(services)) {
        return new Set();
    }
    return new Set(
        services
            .map((s) => (s as Record<string, unknown>)?.portName)
            .filter((n): n is string => typeof n === "string"),
    );
}

/**
 * Whether the network ACLs let a client in one of `clients` open the connection to a server subnet:
 * the request out of the client's subnet and into the server's, the reply back on an ephemeral port
 * (ACLs are stateless). Traffic within one subnet never crosses its ACL.
 */
function aclsAllow(clients: Subnet[], servers: Subnet[], spec: PortSpec): boolean {
    return clients.some((c) =>
        servers.some((s) => {
            if (c === s) {
                return true;
            }
            if (!c.cidr || !s.cidr) {
                return !c.nacl && !s.nacl;
            }
            const [cf, ca, sf, sa] = [c.cidr.family, c.cidr.start, s.cidr.family, s.cidr.start];
            return (
                naclAllows(c.nacl, true, spec.protocol, spec.port, sf, sa) &&
                naclAllows(s.nacl, false, spec.protocol, spec.port, cf, ca) &&
                naclReplies(s.nacl, spec.protocol, cf, ca) &&
                naclReplies(c.nacl, spec.protocol, sf, sa, false)
            );
        }),
    );
}

/** Whether the client's security groups let it send to the server's port (egress is stateful too). */
function egressAllows(client: Endpoint, server: Endpoint, spec: PortSpec, net: Network): boolean {
    const rules = client.groups
        .flatMap((g) => net.groups.get(g)?.egress ?? [])
        .filter((r) => admits(r, spec.protocol, spec.port) === true);
    return rules.some((rule) =>
        rule.sources.some((s) =>
            s.kind === "securityGroup"
                ? s.groups.some((g) => server.groups.includes(g))
                : s.kind === "cidr" &&
                  s.cidr !== undefined &&
                  server.subnets.some(
                      (sn) =>
                          sn.cidr !== undefined && contains(s.cidr!, sn.cidr.family, sn.cidr.start),
                  ),
        ),
    );
}

function listenersByTargetGroup(
    refs: References,
): Map<ModelResource, { listener: ModelResource; lb?: ModelResource }[]> {
    const out = new Map<ModelResource, { listener: ModelResource; lb?: ModelResource }[]>();
    const add = (tg: ModelResource, listener: ModelResource) => {
        const lb = refs.follow(listener, "loadBalancerArn", "loadBalancer").found[0];
        out.set(tg, [...(out.get(tg) ?? []), { listener, lb }]);
    };
    // ALB evaluates a listener's rules lowest priority first; a rule that matches every request
    // shadows every rule after it, and the default action (taken only when no rule matches).
    const catchAllAt = new Map<ModelResource, number>();
    const rules = refs.all("listenerRule").map((rule) => ({
        rule,
        listener: refs.follow(rule, "listenerArn", "listener").found[0],
        priority: Number(at(rule.props, "priority", label(rule))),
    }));
    for (const { rule, listener, priority } of rules) {
        if (listener && Number.isInteger(priority) && matchesEveryRequest(rule))
            catchAllAt.set(listener, Math.min(priority, catchAllAt.get(listener) ?? Infinity));
    }
    for (const l of refs.all("listener")) {
        if (catchAllAt.has(l)) continue;
        for (const tg of refs.follow(l, "defaultActions", "targetGroup").found) {
            add(tg, l);
        }
    }
    for (const { rule, listener, priority } of rules) {
        // An unknown priority may come first: only a known later one is shadowed.
        if (!listener || priority > (catchAllAt.get(listener) ?? Infinity)) continue;
        for (const tg of refs.follow(rule, "actions", "targetGroup").found) {
            add(tg, listener);
        }
    }
    return out;
}

/**
 * Whether a listener rule matches every request: its only conditions are a path pattern `*` or `/*`
 * and a host header `*` (either provider's shape), all known.
 */
function matchesEveryRequest(rule: ModelResource): boolean {
    const conditions = listAt(rule.props, "conditions", label(rule));
    if (isUnknown(conditions) || conditions.length === 0) return false;
    const wild = (v: unknown) =>
        Array.isArray(v) && v.length > 0 && v.every((x) => x === "*" || x === "/*");
    return conditions.every((c) => {
        if (isUnknown(c) || c === null || typeof c !== "object") return false;
        const x = c as Record<string, unknown>;
        if (isNative(rule)) {
            const values =
                (x.pathPatternConfig as { values?: unknown })?.values ??
                (x.hostHeaderConfig as { values?: unknown })?.values ??
                x.values;
            return (x.field === "path-pattern" || x.field === "host-header") && wild(values);
        }
        const keys = Object.keys(x).filter((k) => x[k] !== undefined && x[k] !== null);
        return (
            keys.length > 0 &&
            keys.every(
                (k) =>
                    (k === "pathPattern" || k === "hostHeader") &&
                    wild((x[k] as { values?: unknown }).values),
            )
        );
    });
}

type LbPath = { path: string[] } | { unknown: string };

function loadBalancerPaths(
    runner: TaskRunnerModel,
    spec: PortSpec,
    endpoint: Endpoint,
    net: Network,
    listeners: ReturnType<typeof listenersByTargetGroup>,
): LbPath[] {
    const { refs } = net;
    const r = runner.resource;
    const out: LbPath[] = [];
    const entries = listAt(r.props, "loadBalancers", label(r));
    if (isUnknown(entries) || entries.length === 0) {
        return out;
    }
    const groups = refs.dependencies(r, "loadBalancers", "targetGroup");
    const fallback = entries.flatMap((e) =>
        refs.named(at(e, "targetGroupArn", label(r)), "targetGroup"),
    );
    const ports = entries.map((e) => Number(at(e, "containerPort", label(r))));
    if (!ports.includes(spec.containerPort)) {
        return out;
    }
    for (const tg of groups.length > 0 ? groups : fallback) {
        for (const { listener, lb } of listeners.get(tg) ?? []) {
            if (!lb) {
                continue;
            }
            const internal = at(lb.props, isNative(lb) ? "scheme" : "internal", label(lb));
            if (isUnknown(internal)) {
                out.push({ unknown: internal.what });
                continue;
            }
            if (isNative(lb) ? String(internal) === "internal" : internal === true) {
                continue;
            }
            const port = Number(at(listener.props, "port", label(listener)));
            const protocol = String(
                at(listener.props, "protocol", label(listener)) ?? "",
            ).toUpperCase();
            const lbGroups = refs.follow(lb, "securityGroups", "securityGroup").found;
            const lbSubnets = refs
                .follow(lb, "subnets", "subnet")
                .found.map((s) => net.subnets.get(s)!)
                .filter(Boolean);
            const entry = lbSubnets.find((s) => s.routeTable?.internet?.kind === "igw");
            if (!entry) {
                continue;
            }
            const lbRules = lbGroups
                .flatMap((g) => net.groups.get(g)?.rules ?? [])
                .filter((x) => admits(x, "tcp", port) === true);
            const open =
                lbGroups.length === 0 ||
                lbRules.some((x) =>
                    ruleCidrs(x, net.lists).cidrs.some((c) =>
                        internetCandidates([c], [entry.nacl]).some((a) =>
                            naclAllows(entry.nacl, false, "tcp", port, a.family, a.address),
                        ),
                    ),
                );
            if (!open) {
                continue;
            }
            // The service's group must admit the load balancer (its group, or a CIDR holding its subnets).
            const serviceRule = endpoint.groups
                .flatMap((g) => net.groups.get(g)?.rules ?? [])
                .find(
                    (x) =>
                        admits(x, spec.protocol, spec.port) === true &&
                        x.sources.some(
                            (s) =>
                                (s.kind === "securityGroup" &&
                                    s.groups.some((g) => lbGroups.includes(g))) ||
                                (s.kind === "cidr" &&
                                    s.cidr &&
                                    lbSubnets.some(
                                        (sn) =>
                                            sn.cidr &&
                                            contains(s.cidr!, sn.cidr.family, sn.cidr.start),
                                    )),
                        ),
                );
            if (serviceRule) {
                const route = entry.routeTable!.internet as { target?: ModelResource };
                out.push({
                    path: [
                        route.target ? label(route.target) : "an internet gateway",
                        label(entry.routeTable!.r),
                        label(entry.r),
                        label(lb),
                        `${label(listener)} (${protocol}:${port})`,
                        label(tg),
                        ruleLabel(serviceRule),
                    ],
                });
            }
        }
    }
    return out;
}

function egressOf(
    endpoint: Endpoint,
    net: Network,
): { egress: ReachabilityEntry["egress"]; via: string[]; natAzIndependent: boolean | null } {
    const kinds = new Set<ReachabilityEntry["egress"]>();
    const via: string[] = [];
    let independent: boolean | null = true;
    // The security groups must let something out to the internet at all.
    const rules = endpoint.groups.flatMap((g) => net.groups.get(g)?.egress ?? []);
    const out = rules.some((r) =>
        ruleCidrs(r, net.lists).cidrs.some((c) => internetCandidates([c], []).length > 0),
    );
    if (endpoint.subnets.length === 0) {
        return {
            egress: endpoint.unknown.length > 0 ? "unknown" : "none",
            via,
            natAzIndependent: null,
        };
    }
    for (const subnet of endpoint.subnets) {
        const route = subnet.routeTable?.internet;
        if (!route || route.kind === "other") {
            kinds.add("none");
        } else if (route.kind === "unknown") {
            kinds.add("unknown");
        } else if (route.kind === "igw") {
            if (endpoint.publicIp === true) {
                kinds.add("internet-gateway");
                route.target && via.push(label(route.target));
            } else {
                kinds.add(endpoint.publicIp === false ? "none" : "unknown");
            }
        } else {
            const natSubnet = route.target
                ? net.subnets.get(net.natSubnet.get(route.target)!)
                : undefined;
            const natOut = natSubnet?.routeTable?.internet?.kind === "igw";
            kinds.add(route.target && !natOut ? "none" : "nat");
            if (route.target) {
                via.push(`${label(route.target)}${natSubnet?.az ? ` (${natSubnet.az})` : ""}`);
                independent =
                    independent === null
                        ? null
                        : natSubnet?.az && subnet.az
                          ? independent && natSubnet.az === subnet.az
                          : null;
            }
        }
    }
    const egress = !out
        ? "none"
        : kinds.size === 1
          ? [...kinds][0]
          : kinds.has("unknown")
            ? "unknown"
            : kinds.has("none")
              ? "none"
              : [...kinds][0];
    return {
        egress,
        via: [...new Set(via)],
        natAzIndependent: egress === "nat" ? independent : null,
    };
}
