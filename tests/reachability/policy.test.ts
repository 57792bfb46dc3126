import * as assert from "assert";
import { serviceConnectServersInternal } from "../../policies/rules";
import { proxy, runStack } from "../policies/harness";
import { resourcesOf, Topology } from "./topology";

/** A server (svc-0, Service Connect on its port) and a client (svc-1) in a private subnet. */
function stack(edit: (t: Topology) => void = () => undefined, tags: Record<string, string> = {}) {
    const t: Topology = {
        subnets: [{ route: "igw" }, { route: "nat" }],
        natSubnet: 0,
        groups: [
            { ingress: [{ protocol: "tcp", from: 80, to: 80, group: 1 }], egressAll: true },
            { ingress: [], egressAll: true },
        ],
        services: [
            { subnet: 1, group: 0, publicIp: false, port: 80, protocol: "tcp" },
            { subnet: 1, group: 1, publicIp: false, port: 8080, protocol: "tcp" },
        ],
    };
    edit(t);
    const resources = resourcesOf(t) as any[];
    const server = resources.find((r) => r.name === "svc-0");
    server.props = {
        ...server.props,
        tags,
        serviceConnectConfiguration: {
            enabled: true,
            services: [{ portName: "svc-0", discoveryName: "api" }],
        },
    };
    return runStack(serviceConnectServersInternal, resources).map((v) => v.message);
}

describe("policy service-connect-servers-internal", () => {
    it("passes a server that only its calling service's group can reach", () => {
        assert.deepStrictEqual(stack(), []);
    });

    it("rejects a server the internet can reach, with the path", () => {
        const messages = stack((t) => {
            t.services[0] = { ...t.services[0], subnet: 0, publicIp: true };
            t.groups[0].ingress.push({ protocol: "tcp", from: 80, to: 80, cidr: "0.0.0.0/0" });
        });
        assert.deepStrictEqual(messages, [
            `ECS service "svc-0" serves tcp 80 through Service Connect, an internal API, but the internet can reach it: internet gateway "igw" -> route table "rt-0" -> subnet "subnet-0" -> public IP (networkConfiguration.assignPublicIp) -> security group "sg-0" ingress[1]. Close that path (no public IP, no internet-facing listener in front of it), or, if it is meant to be public, tag the service service-connect-exposure=public.`,
            `ECS service "svc-0" serves tcp 80 through Service Connect, but its security groups admit more than ECS services there: security group "sg-0" ingress[1] admits CIDR 0.0.0.0/0. Admit the calling services' security groups only.`,
        ]);
    });

    it("rejects a server that admits a CIDR, even the VPC's own (not reachable from the internet, still not only ECS services)", () => {
        assert.deepStrictEqual(
            stack((t) =>
                t.groups[0].ingress.push({
                    protocol: "tcp",
                    from: 0,
                    to: 65535,
                    cidr: "10.0.0.0/8",
                }),
            ),
            [
                `ECS service "svc-0" serves tcp 80 through Service Connect, but its security groups admit more than ECS services there: security group "sg-0" ingress[1] admits CIDR 10.0.0.0/8. Admit the calling services' security groups only.`,
            ],
        );
    });

    it("judges each server by its own tags, never a same-named resource's of another type", () => {
        const t: Topology = {
            subnets: [{ route: "igw" }, { route: "nat" }],
            natSubnet: 0,
            groups: [
                {
                    ingress: [{ protocol: "tcp", from: 80, to: 80, cidr: "0.0.0.0/0" }],
                    egressAll: true,
                },
            ],
            services: [{ subnet: 0, group: 0, publicIp: true, port: 80, protocol: "tcp" }],
        };
        const resources = resourcesOf(t) as any[];
        const server = resources.find((r) => r.name === "svc-0");
        server.props = {
            ...server.props,
            serviceConnectConfiguration: {
                enabled: true,
                services: [{ portName: "svc-0", discoveryName: "api" }],
            },
        };
        // A resource of another type with the server's Pulumi name, tagged public, registered after it.
        const decoy = {
            type: "aws-native:ecs:Service",
            name: "svc-0",
            urn: "urn:pulumi:s::p::aws-native:ecs:Service::svc-0",
            props: { tags: [{ key: "service-connect-exposure", value: "public" }] },
        };
        const messages = runStack(serviceConnectServersInternal, [...resources, decoy]).map((v) => [
            v.urn,
            v.message.split(":")[0],
        ]);
        assert.deepStrictEqual(messages, [
            [
                server.urn,
                'ECS service "svc-0" serves tcp 80 through Service Connect, an internal API, but the internet can reach it',
            ],
            [
                server.urn,
                'ECS service "svc-0" serves tcp 80 through Service Connect, but its security groups admit more than ECS services there',
            ],
        ]);
    });

    it("never passes a server whose ports are unknown in the preview: its verdict waits, naming the value", () => {
        const resources = resourcesOf({
            subnets: [{ route: "igw" }],
            natSubnet: 0,
            groups: [
                {
                    ingress: [{ protocol: "tcp", from: 80, to: 80, cidr: "0.0.0.0/0" }],
                    egressAll: true,
                },
            ],
            services: [{ subnet: 0, group: 0, publicIp: true, port: 80, protocol: "tcp" }],
        }) as any[];
        const server = resources.find((r) => r.name === "svc-0");
        server.props = {
            ...server.props,
            serviceConnectConfiguration: { enabled: true, services: [{ portName: "svc-0" }] },
        };
        resources.find((r) => r.name === "td-0").props.containerDefinitions =
            proxy.unknownStringValue;
        const verdicts = runStack(serviceConnectServersInternal, resources);
        assert.deepStrictEqual(
            verdicts.map((v) => [v.enforcementLevel, v.urn]),
            [["advisory", server.urn]],
        );
        assert.match(
            verdicts[0].message,
            /^Cannot decide whether the internet can reach Service Connect server ECS service "svc-0" on its ports in this preview: it depends on /,
        );
    });

    it("lets a server tagged public be public", () => {
        const exposed = (t: Topology) => {
            t.services[0] = { ...t.services[0], subnet: 0, publicIp: true };
            t.groups[0].ingress.push({ protocol: "tcp", from: 80, to: 80, cidr: "0.0.0.0/0" });
        };
        assert.deepStrictEqual(stack(exposed, { "service-connect-exposure": "Public" }), []);
    });

    it("rejects a sensitive service the internet reaches directly; a load balancer in front of it passes", () => {
        const messages = stack((t) => {
            t.services[1] = { ...t.services[1], subnet: 0, publicIp: true };
            t.groups[1].ingress.push({
                protocol: "tcp",
                from: 8080,
                to: 8080,
                cidr: "203.0.113.0/24",
            });
        }).length;
        assert.strictEqual(messages, 0, "not sensitive: the public pattern");
        const t: Topology = {
            subnets: [{ route: "igw" }],
            natSubnet: 0,
            groups: [
                {
                    ingress: [{ protocol: "tcp", from: 8080, to: 8080, cidr: "203.0.113.0/24" }],
                    egressAll: true,
                },
            ],
            services: [{ subnet: 0, group: 0, publicIp: true, port: 8080, protocol: "tcp" }],
        };
        const resources = resourcesOf(t) as any[];
        resources.find((r) => r.name === "svc-0").props.tags = {
            "data-classification": "confidential",
        };
        assert.deepStrictEqual(
            runStack(serviceConnectServersInternal, resources).map((v) => v.message),
            [
                `ECS service "svc-0" is sensitive (tag data-classification=confidential) and the internet can reach it directly on tcp 8080: internet gateway "igw" -> route table "rt-0" -> subnet "subnet-0" -> public IP (networkConfiguration.assignPublicIp) -> security group "sg-0" ingress[0]. Run it in private subnets without a public IP; put an internet-facing load balancer in front of it if it must serve the internet.`,
            ],
        );
    });
});
