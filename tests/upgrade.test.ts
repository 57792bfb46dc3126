import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { predictRefusals, Refusal } from "../offline/engine/refusals";
import { REPLACE_ON } from "../offline/engine/replacement";
import {
    exportResources,
    parseState,
    readStateFile,
    StackState,
    stateExport,
} from "../offline/engine/state";
import { Step } from "../offline/engine/steps";
import { evaluateStack } from "../offline/engine/program";
import { listStacks } from "../offline/engine/project";

const ROOT = path.resolve(__dirname, "..");
const STATES = path.join(ROOT, "tests", "fixtures", "states");
const CERT = "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10";
const NGINX = "public.ecr.aws/nginx/nginx:stable";

/** The network core: what an upgrade must never delete or replace (a live stack's addresses, routes and front door). */
const CORE = new Set([
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:lb/loadBalancer:LoadBalancer",
]);
/** Security groups belong to the core when the network or the load balancer owns them (a removed service's own group goes with it). */
const coreStep = (s: Step) =>
    CORE.has(s.type) ||
    (s.type === "aws:ec2/securityGroup:SecurityGroup" &&
        /::ecsnet:(network|lb):[A-Za-z]+\$/.test(s.urn));

async function planAgainst(
    stack: string,
    state: StackState,
    extraConfig: Record<string, unknown> = {},
): Promise<{ steps: Step[]; refusals: Refusal[] }> {
    const evaluation = await evaluateStack(ROOT, stack, { prior: state, extraConfig });
    const steps = evaluation.update!.steps;
    return { steps, refusals: predictRefusals(steps, evaluation.resources, state) };
}

/** The state `pulumi up` leaves for `stack` with `extraConfig` over its stack file. */
async function stateAfterUp(
    stack: string,
    extraConfig: Record<string, unknown>,
): Promise<StackState> {
    const { resources } = await evaluateStack(ROOT, stack, { mode: "after-up", extraConfig });
    return parseState(
        JSON.parse(JSON.stringify(stateExport(exportResources(resources)))),
        `${stack} (base)`,
    );
}

const brief = (s: Step) => `${s.op} ${s.urn.split("::").pop()}`;
const changes = (steps: Step[]) =>
    steps
        .filter((s) => s.op !== "same")
        .map(brief)
        .sort();

describe("upgrading the committed stacks from earlier releases' states", () => {
    for (const release of fs
        .readdirSync(STATES)
        .filter((d) => fs.statSync(path.join(STATES, d)).isDirectory())) {
        for (const file of fs
            .readdirSync(path.join(STATES, release))
            .filter((f) => f.endsWith(".json"))) {
            const stack = file.replace(/\.json$/, "");
            it(`${release} -> now, ${stack}: AWS refuses nothing and the network core stays`, async () => {
                const state = readStateFile(path.join(STATES, release, file));
                const { steps, refusals } = await planAgainst(stack, state);
                assert.deepStrictEqual(refusals, []);
                assert.deepStrictEqual(
                    steps
                        .filter((s) => (s.op === "delete" || s.op === "replace") && coreStep(s))
                        .map(brief),
                    [],
                );
                assert.ok(steps.length >= state.resources.length, "every old resource has a step");
            });
        }
    }

    it("holds this release's state for every committed stack (the next release's upgrade test starts from it)", () => {
        const latest = path.join(STATES, "0.2");
        assert.deepStrictEqual(
            fs
                .readdirSync(latest)
                .map((f) => f.replace(/\.json$/, ""))
                .sort(),
            listStacks(ROOT),
        );
    });

    it("from release 0.1: the renamed ingress rules are updated in place through their aliases, and only what 0.1 named differently is replaced", async () => {
        const { steps } = await planAgainst(
            "dev",
            readStateFile(path.join(STATES, "0.1", "dev.json")),
        );
        const rule = steps.find((s) =>
            s.urn.endsWith("::internal-nginx-in-tcp-80-from-client-nginx"),
        )!;
        assert.deepStrictEqual(
            [rule.op, rule.from],
            [
                "update",
                "urn:pulumi:dev::ecsnet::ecsnet:ecs:EcsService$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::client-nginx-to-internal-nginx-80",
            ],
        );
        // The namespace took the stack's name and the log groups fixed names in 0.1.1; task definitions
        // follow both. The namespace is created first, so the services move to it before the old one goes;
        // each service's resources are registered before the next service's (the program yields between them).
        assert.deepStrictEqual(
            steps
                .filter((s) => s.op === "replace")
                .map((s) => [s.urn.split("::").pop(), s.replaceBecause, s.deleteBeforeReplace]),
            [
                ["dev-namespace", ["name"], false],
                ["internal-nginx-logs", ["name"], true],
                ["internal-nginx-task", ["containerDefinitions", "family"], false],
                ["client-nginx-logs", ["name"], true],
                ["client-nginx-task", ["containerDefinitions", "family"], false],
            ],
        );
    });
});

describe("the changes a team makes upgrade a live stack in place", () => {
    const server = {
        name: "internal-nginx",
        image: NGINX,
        sensitive: true,
        ports: [
            {
                name: "internal-nginx",
                containerPort: 80,
                appProtocol: "http",
                serviceConnect: true,
            },
        ],
    };
    const client = {
        name: "client-nginx",
        image: NGINX,
        enableExec: true,
        calls: ["internal-nginx"],
    };
    const routed = (name: string, paths: string[]) => ({
        name,
        image: NGINX,
        ports: [{ name: "http", containerPort: 80 }],
        loadBalancer: { port: "http", paths },
    });
    const https = { "ecsnet:certificateArn": CERT };

    const web = (yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.web.yaml"), "utf8")) as any)
        .config["ecsnet:services"] as Record<string, unknown>[];
    const created = (...names: string[]) => names.map((n) => `create ${n}`);

    /** Base config, changed config, and every step that is not `same` (undefined: only the invariants). */
    const PAIRS: [
        string,
        string,
        Record<string, unknown>,
        Record<string, unknown>,
        string[] | undefined,
    ][] = [
        [
            "add a service",
            "dev",
            {},
            { "ecsnet:services": [server, client, { name: "reports", image: NGINX }] },
            created(
                "reports",
                "reports",
                "reports-egress",
                "reports-execution",
                "reports-execution-managed",
                "reports-logs",
                "reports-sg",
                "reports-task",
                "reports-task",
            ),
        ],
        // The server no longer has a caller, so it stops waiting for steady state.
        ["remove a service", "dev", {}, { "ecsnet:services": [{ ...server }] }, undefined],
        ["reorder services", "dev", {}, { "ecsnet:services": [client, server] }, []],
        [
            "change the log retention",
            "dev",
            {},
            { "ecsnet:logRetentionDays": 14 },
            ["update client-nginx-logs", "update internal-nginx-logs"],
        ],
        [
            "change the desired count",
            "dev",
            {},
            { "ecsnet:services": [{ ...server, desiredCount: 3 }, client] },
            ["update internal-nginx"],
        ],
        [
            "add the first load-balanced route to a private stack",
            "dev",
            {},
            { ...https, "ecsnet:services": [server, client, routed("web", ["/*"])] },
            undefined,
        ],
        [
            "add a route",
            "web",
            {},
            { "ecsnet:services": [...web, routed("api", ["/api/*"])] },
            undefined,
        ],
        [
            "remove a route",
            "dev",
            {
                ...https,
                "ecsnet:services": [
                    routed("site", ["/*"]),
                    routed("api", ["/api/*"]),
                    routed("admin", ["/admin/*"]),
                ],
            },
            {
                ...https,
                "ecsnet:services": [routed("site", ["/*"]), routed("admin", ["/admin/*"])],
            },
            undefined,
        ],
        [
            "swap two routes' order",
            "dev",
            { ...https, "ecsnet:services": [routed("site", ["/*"]), routed("api", ["/api/*"])] },
            { ...https, "ecsnet:services": [routed("api", ["/api/*"]), routed("site", ["/*"])] },
            [],
        ],
        [
            "switch plain HTTP to HTTPS",
            "dev",
            { "ecsnet:allowPlainHttp": true, "ecsnet:services": [routed("site", ["/*"])] },
            { ...https, "ecsnet:services": [routed("site", ["/*"])] },
            undefined,
        ],
        [
            "switch HTTPS to plain HTTP",
            "dev",
            { ...https, "ecsnet:services": [routed("site", ["/*"])] },
            { "ecsnet:allowPlainHttp": true, "ecsnet:services": [routed("site", ["/*"])] },
            undefined,
        ],
        // The other CIDR's rules are named by what they admit: they stay.
        [
            "drop the first of two load balancer CIDRs",
            "dev",
            {
                ...https,
                "ecsnet:loadBalancerCidrs": ["203.0.113.0/24", "198.51.100.0/24"],
                "ecsnet:services": [routed("site", ["/*"])],
            },
            {
                ...https,
                "ecsnet:loadBalancerCidrs": ["198.51.100.0/24"],
                "ecsnet:services": [routed("site", ["/*"])],
            },
            [
                "delete dev-lb-in-tcp-443-from-203-0-113-0-24",
                "delete dev-lb-in-tcp-80-from-203-0-113-0-24",
            ],
        ],
        [
            "move from one NAT to one per zone",
            "dev",
            {},
            { "ecsnet:natStrategy": "OnePerAz" },
            [
                ...created("dev-nat-1", "dev-nat-1-eip", "dev-public-1", "dev-public-1-rta"),
                "update dev-private-1-default",
            ],
        ],
    ];

    for (const [what, stack, base, change, expected] of PAIRS) {
        it(`${what} (${stack}): nothing AWS refuses, nothing of the network core deleted or replaced`, async () => {
            const before = await stateAfterUp(stack, base);
            const { steps, refusals } = await planAgainst(stack, before, change);
            assert.deepStrictEqual(refusals, [], JSON.stringify(refusals, null, 1));
            assert.deepStrictEqual(
                steps
                    .filter((s) => (s.op === "delete" || s.op === "replace") && coreStep(s))
                    .map(brief),
                [],
            );
            if (expected) assert.deepStrictEqual(changes(steps), [...expected].sort());
        });
    }

    it("a new default tag updates every tagged resource's tagsAll in place, and the provider", async () => {
        const before = await stateAfterUp("dev", {});
        const { steps } = await planAgainst("dev", before, {
            "aws:defaultTags": { tags: { team: "payments" } },
        });
        const updated = steps.filter((s) => s.op === "update");
        assert.ok(
            updated.some(
                (s) => s.type === "pulumi:providers:aws" && s.changed!.includes("defaultTags"),
            ),
        );
        assert.ok(
            updated.filter((s) => s.changed!.includes("tagsAll.team")).length >= 20,
            "every tagged resource",
        );
        assert.deepStrictEqual(
            steps.filter((s) => s.op !== "same" && s.op !== "update"),
            [],
        );
    });

    it("a change that reorders services leaves every resource as it is", async () => {
        const before = await stateAfterUp("dev", {});
        const { steps } = await planAgainst("dev", before, { "ecsnet:services": [client, server] });
        assert.deepStrictEqual(changes(steps), []);
    });

    it("switching HTTP to HTTPS changes the port-80 listener's action in place and moves the rules to the new listener", async () => {
        const before = await stateAfterUp("dev", {
            "ecsnet:allowPlainHttp": true,
            "ecsnet:services": [routed("site", ["/*"])],
        });
        const { steps } = await planAgainst("dev", before, {
            ...https,
            "ecsnet:services": [routed("site", ["/*"])],
        });
        assert.deepStrictEqual(
            changes(steps).filter((c) => /dev-http|site-route/.test(c)),
            ["create dev-https", "replace site-route", "update dev-http"],
        );
    });
});

describe("what AWS refuses in an update, found before it runs", () => {
    const routed = (name: string) => ({
        name,
        image: NGINX,
        ports: [{ name: "http", containerPort: 80 }],
        loadBalancer: { port: "http", paths: ["/*"] },
    });

    it("a renamed rule without an alias: InvalidPermission.Duplicate, with the alias as the fix", async () => {
        // The state as a release that named the rule otherwise would hold it.
        const renamed = JSON.parse(
            JSON.stringify(await stateAfterUp("dev", {})).replace(
                /internal-nginx-in-tcp-80-from-client-nginx/g,
                "legacy-rule",
            ),
        ) as StackState;
        const { refusals } = await planAgainst("dev", renamed);
        assert.deepStrictEqual(
            refusals.map((r) => [
                r.code,
                r.urn.split("::").pop(),
                r.conflictsWith.split("::").pop(),
            ]),
            [
                [
                    "InvalidPermission.Duplicate",
                    "internal-nginx-in-tcp-80-from-client-nginx",
                    "legacy-rule",
                ],
            ],
        );
        assert.match(
            refusals[0].fix,
            /add aliases: \[\{ name: "legacy-rule" \}\] to internal-nginx-in-tcp-80-from-client-nginx/,
        );
    });

    it("a replacement that keeps a fixed name, created first: the name is still held", async () => {
        const state = await stateAfterUp("dev", {});
        // The namespace's description forces a replacement; with the same name, create-first collides.
        const changed = JSON.parse(JSON.stringify(state));
        changed.resources.find(
            (r: any) => r.type === "aws:servicediscovery/httpNamespace:HttpNamespace",
        ).inputs.description = "another description";
        const { steps, refusals } = await planAgainst("dev", changed);
        assert.deepStrictEqual(
            steps
                .filter((s) => s.op === "replace")
                .map((s) => [s.urn.split("::").pop(), s.replaceBecause]),
            [["dev-namespace", ["description"]]],
        );
        assert.deepStrictEqual(
            refusals.map((r) => [
                r.code,
                r.urn.split("::").pop(),
                r.conflictsWith.split("::").pop(),
            ]),
            [["NamespaceAlreadyExists", "dev-namespace", "dev-namespace"]],
        );
        assert.match(refusals[0].fix, /deleteBeforeReplace/);
    });

    it("a second listener on a port, and a subnet overlapping one still in the VPC", async () => {
        const state = await stateAfterUp("dev", {
            "ecsnet:allowPlainHttp": true,
            "ecsnet:services": [routed("site")],
        });
        const edited = JSON.parse(JSON.stringify(state)) as StackState;
        const rename = (from: string, to: string) => {
            const r = edited.resources.find((x) => x.urn.endsWith(`::${from}`))!;
            r.urn = r.urn.replace(new RegExp(`::${from}$`), `::${to}`);
        };
        // The live listener and subnet under other names, as if an earlier release had named them so.
        rename("dev-http", "old-listener");
        rename("dev-private-1", "old-subnet");
        const { refusals } = await planAgainst("dev", edited, {
            "ecsnet:allowPlainHttp": true,
            "ecsnet:services": [routed("site")],
        });
        assert.deepStrictEqual(
            refusals
                .map(
                    (r) =>
                        `${r.code} ${r.urn.split("::").pop()} / ${r.conflictsWith.split("::").pop()}`,
                )
                .sort(),
            [
                "DuplicateListener dev-http / old-listener",
                "InvalidSubnet.Conflict dev-private-1 / old-subnet",
            ],
        );
    });

    it("a listener rule priority still held by a rule the update deletes only at its end", async () => {
        const state = await stateAfterUp("dev", {
            "ecsnet:allowPlainHttp": true,
            "ecsnet:services": [routed("site")],
        });
        const edited = JSON.parse(JSON.stringify(state)) as StackState;
        const rule = edited.resources.find((x) => x.urn.endsWith("::site-route"))!;
        rule.urn = rule.urn.replace(/::site-route$/, "::old-route");
        const { refusals } = await planAgainst("dev", edited, {
            "ecsnet:allowPlainHttp": true,
            "ecsnet:services": [routed("site")],
        });
        assert.deepStrictEqual(
            refusals.map(
                (r) =>
                    `${r.code} ${r.urn.split("::").pop()} / ${r.conflictsWith.split("::").pop()}`,
            ),
            ["PriorityInUse site-route / old-route"],
        );
    });

    it("a namespace deleted before its services move: ResourceInUse", async () => {
        const state = await stateAfterUp("dev", {});
        const edited = JSON.parse(JSON.stringify(state)) as StackState;
        // Another namespace name, replaced delete-first (as this project did before 0.2).
        const ns = edited.resources.find(
            (r) => r.type === "aws:servicediscovery/httpNamespace:HttpNamespace",
        )!;
        ns.inputs.name = "serviceconnectns";
        const evaluation = await evaluateStack(ROOT, "dev", { prior: edited });
        const steps = evaluation.update!.steps.map((s) =>
            s.urn === ns.urn ? { ...s, deleteBeforeReplace: true } : s,
        );
        const refusals = predictRefusals(steps, evaluation.resources, edited);
        assert.deepStrictEqual(
            refusals
                .map((r) => [r.code, r.urn.split("::").pop(), r.conflictsWith.split("::").pop()])
                .sort(),
            [
                ["ResourceInUse", "dev-namespace", "client-nginx"],
                ["ResourceInUse", "dev-namespace", "internal-nginx"],
            ],
        );
    });
});

describe("the replacement table", () => {
    it("knows every resource type the components create in every committed stack", async () => {
        for (const stack of listStacks(ROOT)) {
            const { resources } = await evaluateStack(ROOT, stack, { mode: "after-up" });
            const missing = [
                ...new Set(
                    resources
                        .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
                        .map((r) => r.type),
                ),
            ].filter((t) => !(t in REPLACE_ON));
            assert.deepStrictEqual(
                missing,
                [],
                `${stack}: add these types to offline/engine/replacement.ts`,
            );
        }
    });
});
