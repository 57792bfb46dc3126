import * as assert from "assert";
import { JSDOM } from "jsdom";
import * as path from "path";
import { checkPolicies } from "../offline/policy/check";
import { PolicyPackClient, PACK_DIR } from "../offline/policy/analyzer";
import { estimateCost } from "../offline/reports/cost";
import { LABEL_WIDTH, mermaidDiagram, wrapLabel } from "../offline/reports/diagram";
import { DIAGRAM_STACKS, diagramOf, sourceHash } from "../offline/reports/docsDiagrams";
import * as fs from "fs";
import { evaluateStack } from "../offline/engine/program";
import { buildReport, mermaid, PlanReport, ReportResource } from "../offline/reports/report";

const ROOT = path.resolve(__dirname, "..");

interface Parsed {
    vertices: Map<string, { id: string; text: string }>;
    subgraphs: { id: string; title: string; nodes: string[] }[];
    edges: { start: string; end: string; text: string }[];
}

/** Parses a diagram with Mermaid's own flowchart parser (in a DOM from jsdom, as in a browser). */
async function parse(diagram: string): Promise<Parsed> {
    const { window } = new JSDOM("");
    Object.assign(globalThis, { window, document: window.document });
    const { default: mermaidJs } = await import("mermaid");
    await mermaidJs.parse(diagram); // throws on a syntax error
    const { db } = (await mermaidJs.mermaidAPI.getDiagramFromText(diagram)) as any;
    return {
        vertices: db.getVertices(),
        subgraphs: db
            .getSubGraphs()
            .map((s: any) => ({ id: s.id, title: s.title, nodes: s.nodes })),
        // Invisible links (`~~~`) only steer the layout; they are not part of the picture.
        edges: db
            .getEdges()
            .filter((e: any) => e.stroke !== "invisible")
            .map((e: any) => ({ start: e.start, end: e.end, text: e.text })),
    };
}

async function report(client: PolicyPackClient, stack: string): Promise<PlanReport> {
    const evaluation = await evaluateStack(ROOT, stack);
    const check = await checkPolicies(client, evaluation.resources, {
        project: "ecsnet",
        stack,
        mode: "preview",
    });
    return buildReport(
        evaluation,
        check,
        estimateCost(evaluation.resources, { natGbPerMonth: 100, region: evaluation.region }),
        undefined,
        [],
    );
}

/** Reads the parsed diagram: titles by id, and the chain of subgraphs around a node. */
function reader(p: Parsed) {
    // An edge to a subgraph also makes a vertex of its id: the subgraph's title wins.
    const title = (id: string) =>
        p.subgraphs.find((s) => s.id === id)?.title ?? p.vertices.get(id)?.text ?? id;
    const parentOf = (id: string) => p.subgraphs.find((s) => s.nodes.includes(id))?.id;
    const chain = (id: string): string[] => {
        const parent = parentOf(id);
        return parent ? [title(parent), ...chain(parent)] : [];
    };
    const ids = (pattern: RegExp) => [...p.vertices.keys()].filter((id) => pattern.test(title(id)));
    const groups = (pattern: RegExp) =>
        p.subgraphs.filter((s) => pattern.test(s.title)).map((s) => s.id);
    const edges = (from: string[], to: string[]) =>
        p.edges.filter((e) => from.includes(e.start) && to.includes(e.end));
    return { title, chain, ids, groups, edges };
}

describe("the plan's Mermaid diagram, read back by Mermaid's own parser", () => {
    const parsed: Record<string, Parsed> = {};
    before(async function () {
        this.timeout(60_000);
        const client = await PolicyPackClient.start(path.join(ROOT, PACK_DIR));
        try {
            for (const stack of ["dev", "prod", "games", "ec2", "web"])
                parsed[stack] = await parse(mermaid(await report(client, stack)));
        } finally {
            client.close();
        }
    });

    it("dev (Single NAT): both private subnets route to the one NAT gateway, which sits in a public subnet of the first zone", () => {
        const d = reader(parsed.dev);
        const [nat] = d.ids(/^NAT gateway/);
        assert.deepStrictEqual(d.ids(/^NAT gateway/).length, 1);
        assert.deepStrictEqual(d.chain(nat), [
            "public subnet dev-public-0 10.0.224.0/22",
            "us-east-1a",
            "VPC dev-vpc 10.0.0.0/16",
        ]);
        assert.strictEqual(d.groups(/^private subnet/).length, 2);
        // Each subnet's default route leaves from its route table, drawn inside the subnet.
        const tables = d.ids(/^route table/);
        assert.deepStrictEqual(
            d.edges(tables, [nat]).map((e) => [d.title(e.start), d.chain(e.start)[0], e.text]),
            [
                [
                    "route table dev-private-0-rt",
                    "private subnet dev-private-0 10.0.0.0/19",
                    "0.0.0.0/0",
                ],
                [
                    "route table dev-private-1-rt",
                    "private subnet dev-private-1 10.0.32.0/19",
                    "0.0.0.0/0",
                ],
            ],
        );
        const [igw] = d.ids(/^Internet gateway/);
        assert.deepStrictEqual(
            d.edges(tables, [igw]).map((e) => d.chain(e.start)[0]),
            ["public subnet dev-public-0 10.0.224.0/22"],
        );
        assert.strictEqual(d.edges([igw], d.ids(/^Internet$/)).length, 1);
    });

    it("prod (OnePerAz): each private subnet routes to the NAT gateway of its own zone", () => {
        const d = reader(parsed.prod);
        const nats = d.ids(/^NAT gateway/);
        assert.strictEqual(nats.length, 3);
        const routes = d
            .edges(d.ids(/^route table/), nats)
            .map((e) => [d.chain(e.end)[1], d.chain(e.start)[0], d.title(e.end)]);
        assert.deepStrictEqual(routes, [
            ["us-east-1a", "private subnet prod-private-0 10.0.0.0/19", "NAT gateway prod-nat-0"],
            ["us-east-1b", "private subnet prod-private-1 10.0.32.0/19", "NAT gateway prod-nat-1"],
            ["us-east-1c", "private subnet prod-private-2 10.0.64.0/19", "NAT gateway prod-nat-2"],
        ]);
        for (const e of d.edges(d.ids(/^route table/), nats))
            assert.strictEqual(
                d.chain(e.start)[1],
                d.chain(e.end)[1],
                "the NAT is in the subnet's own zone",
            );
        assert.deepStrictEqual(d.ids(/^VPC endpoints/).map(d.title), [
            "VPC endpoints: s3 (gateway), ecr.api, ecr.dkr, logs",
        ]);
    });

    it("places each service in the subnets its tasks run in, and draws its Service Connect calls with the URL, zone by zone", () => {
        const d = reader(parsed.prod);
        const servers = d.ids(/^ECS service internal-nginx/);
        assert.deepStrictEqual(
            servers.map((s) => d.chain(s).slice(0, 2)),
            [
                ["private subnet prod-private-0 10.0.0.0/19", "us-east-1a"],
                ["private subnet prod-private-1 10.0.32.0/19", "us-east-1b"],
                ["private subnet prod-private-2 10.0.64.0/19", "us-east-1c"],
            ],
        );
        const calls = d.edges(d.ids(/^ECS service client-nginx/), servers);
        // The URL is broken only after a dot, so no line is split mid-word in Mermaid's label box.
        assert.deepStrictEqual(
            calls.map((e) => [d.chain(e.start)[1], d.chain(e.end)[1], e.text]),
            [
                ["us-east-1a", "us-east-1a", "http://internal-nginx.<br>prod.serviceconnectns:80"],
                ["us-east-1b", "us-east-1b", "http://internal-nginx.<br>prod.serviceconnectns:80"],
                ["us-east-1c", "us-east-1c", "http://internal-nginx.<br>prod.serviceconnectns:80"],
            ],
        );
        assert.deepStrictEqual(
            d.edges(d.ids(/^Internet$/), servers),
            [],
            "nothing reaches the server from the internet",
        );
    });

    it("games: the port open to the internet reaches the public game server in every public subnet, and nothing else", () => {
        const d = reader(parsed.games);
        const fromInternet = d.edges(d.ids(/^Internet$/), [...parsed.games.vertices.keys()]);
        assert.deepStrictEqual(
            fromInternet.map((e) => [e.text, d.title(e.end), d.chain(e.end)[0]]),
            [
                [
                    "udp 7777",
                    "ECS service game-server · public IP",
                    "public subnet games-public-0 10.0.0.0/19",
                ],
                [
                    "udp 7777",
                    "ECS service game-server · public IP",
                    "public subnet games-public-1 10.0.32.0/19",
                ],
            ],
        );
        assert.deepStrictEqual(d.ids(/^NAT gateway/), []);
    });

    it("ec2: the EC2 capacity's instances sit in the private subnets, one node per subnet", () => {
        const d = reader(parsed.ec2);
        assert.deepStrictEqual(
            d.ids(/^EC2 instances/).map((n) => d.chain(n)[0]),
            [
                "private subnet ec2-private-0 10.0.0.0/19",
                "private subnet ec2-private-1 10.0.32.0/19",
            ],
        );
    });

    it("web: the load balancer sits in both public subnets, every port its security group opens to the internet is drawn (80 redirects, 443 serves), and it routes to the frontend's tasks zone by zone", () => {
        const d = reader(parsed.web);
        const lbs = d.ids(/^ALB web-lb$/);
        assert.deepStrictEqual(
            lbs.map((n) => d.chain(n).slice(0, 2)),
            [
                ["public subnet web-public-0 10.0.224.0/22", "us-east-2a"],
                ["public subnet web-public-1 10.0.228.0/22", "us-east-2b"],
            ],
        );
        const fromInternet = d.edges(d.ids(/^Internet$/), [...parsed.web.vertices.keys()]);
        assert.deepStrictEqual(
            [...new Set(fromInternet.map((e) => d.title(e.end)))],
            ["ALB web-lb"],
        );
        assert.deepStrictEqual(
            fromInternet.map((e) => e.text),
            ["tcp 80, tcp 443", "tcp 80, tcp 443"],
        );
        const routed = d.edges(lbs, [...parsed.web.vertices.keys()]);
        assert.deepStrictEqual(
            routed.map((e) => [d.chain(e.start)[1], e.text, d.title(e.end), d.chain(e.end)[1]]),
            [
                ["us-east-2a", "HTTPS:443 /*", "ECS service frontend · client", "us-east-2a"],
                ["us-east-2b", "HTTPS:443 /*", "ECS service frontend · client", "us-east-2b"],
            ],
        );
    });

    it("draws every edge between two nodes, never from a subgraph's box (which the layout routes through other nodes)", () => {
        for (const [stack, p] of Object.entries(parsed)) {
            const boxes = new Set(p.subgraphs.map((s) => s.id));
            assert.deepStrictEqual(
                p.edges.filter((e) => boxes.has(e.start) || boxes.has(e.end)),
                [],
                stack,
            );
        }
    });

    it("breaks a long label only after a dot, slash or colon, each line within the label box", () => {
        assert.strictEqual(
            wrapLabel("http://internal-nginx.prod.serviceconnectns:80"),
            "http://internal-nginx.<br>prod.serviceconnectns:80",
        );
        assert.strictEqual(wrapLabel("tcp 443"), "tcp 443");
        const url = "grpc://storefront-inventory-service.staging.serviceconnectns:50051";
        const lines = wrapLabel(url).split("<br>");
        assert.strictEqual(lines.join(""), url);
        assert.ok(
            lines.every((l) => l.length <= LABEL_WIDTH || !/[./:]./.test(l)),
            lines.join(" | "),
        );
        assert.deepStrictEqual(lines, [
            "grpc://",
            "storefront-inventory-service.",
            "staging.",
            "serviceconnectns:50051",
        ]);
    });

    it("keeps node ids unique and labels intact whatever the resources are called", async () => {
        const r = (
            type: string,
            name: string,
            inputs: Record<string, any>,
            deps: Record<string, string[]> = {},
        ): ReportResource => ({
            urn: `urn:pulumi:s::p::${type}::${name}`,
            id: null,
            type,
            name,
            parent: null,
            dependsOn: Object.values(deps).flat(),
            propertyDependencies: deps,
            inputs,
            options: {} as ReportResource["options"],
        });
        const vpc = r("aws:ec2/vpc:Vpc", 'v"1[end]', { cidrBlock: "10.1.0.0/16" });
        // Two subnets whose names would collide once punctuation is stripped, and a name with Mermaid syntax.
        const a = r(
            "aws:ec2/subnet:Subnet",
            "a-b",
            { cidrBlock: "10.1.0.0/24", availabilityZone: "eu-west-1a" },
            { vpcId: [vpc.urn] },
        );
        const b = r(
            "aws:ec2/subnet:Subnet",
            "a_b",
            { cidrBlock: "10.1.1.0/24", availabilityZone: "eu-west-1a" },
            { vpcId: [vpc.urn] },
        );
        const svc = r(
            "aws:ecs/service:Service",
            "end",
            { networkConfiguration: { subnets: ["x"] } },
            { networkConfiguration: [a.urn, b.urn] },
        );
        const p = await parse(mermaidDiagram([vpc, a, b, svc], []));
        const d = reader(p);
        assert.deepStrictEqual(d.groups(/subnet/).map(d.title), [
            "private subnet a-b 10.1.0.0/24",
            "private subnet a_b 10.1.1.0/24",
        ]);
        assert.deepStrictEqual(
            d.ids(/ECS service/).map((n) => d.chain(n)[0]),
            ["private subnet a-b 10.1.0.0/24", "private subnet a_b 10.1.1.0/24"],
        );
        assert.strictEqual(d.groups(/^VPC/).length, 1);
    });

    for (const stack of DIAGRAM_STACKS) {
        it(`docs/${stack}.svg (shown in the README) was rendered from the diagram the plan draws today`, async () => {
            const svg = fs.readFileSync(path.join(ROOT, "docs", `${stack}.svg`), "utf8");
            const [, hash] = /^<!-- mermaid source sha256:([0-9a-f]{64}) /.exec(svg) ?? [];
            assert.strictEqual(
                hash,
                sourceHash(await diagramOf(ROOT, stack)),
                "run npm run docs:diagrams and commit docs/",
            );
            assert.match(svg, /<svg [^>]*aria-roledescription="flowchart-v2"/);
            // Readable outside a browser: SVG text (no HTML in foreignObject) whose spaces survive.
            assert.ok(!svg.includes("<foreignObject"), "labels are HTML");
            assert.ok(
                !/<text (?![^>]*xml:space="preserve")/.test(svg),
                "a text element loses its spaces outside browsers",
            );
            // The zones in order, left to right, as the diagram lists them.
            const zones = [
                ...svg.matchAll(
                    /<g class="cluster[^"]*" id="[^"]+"[^>]*><rect[^>]*? x="([-\d.]+)"[\s\S]*?<\/g><\/g>/g,
                ),
            ]
                .map((m) => ({
                    x: Number(m[1]),
                    label: [...m[0].matchAll(/>([^<>]+)<\/tspan>/g)]
                        .map((t) => t[1])
                        .join("")
                        .trim(),
                }))
                .filter((c) => /^[a-z]{2}-[a-z]+-\d[a-z]$/.test(c.label));
            assert.ok(zones.length >= 2, `${zones.length} zones found`);
            assert.deepStrictEqual(
                [...zones].sort((a, b) => a.x - b.x).map((z) => z.label),
                zones.map((z) => z.label).sort(),
            );
        });
    }
});
