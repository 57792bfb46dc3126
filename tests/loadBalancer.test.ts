import * as assert from "assert";
import { Ec2Capacity } from "../components/capacity/ec2Capacity";
import { PublicLoadBalancer } from "../components/loadBalancer/loadBalancer";
import { logDeliveryPrincipal } from "../components/loadBalancer/logDelivery";
import { adoptNetwork } from "../components/network/adopt";
import { ServiceConnectCluster } from "../components/service/cluster";
import { EcsService } from "../components/service/ecsService";
import { ofType, one, startRuntime, T } from "./support/helpers";

const L = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    tg: "aws:lb/targetGroup:TargetGroup",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
};
const net = (publicSubnetIds?: string[]) =>
    adoptNetwork({
        pattern: "private",
        vpcId: "vpc-1",
        vpcCidr: "10.0.0.0/16",
        taskSubnetIds: ["subnet-a", "subnet-b"],
        publicSubnetIds,
    });
const web = {
    name: "web",
    image: "nginx:1.27",
    portMappings: [{ name: "http", containerPort: 8080 }],
};

describe("PublicLoadBalancer and routed services", () => {
    it("serves plain HTTP on 80 only when asked, to the CIDRs given, with no bucket unless access logs are on", async () => {
        const runtime = await startRuntime();
        new PublicLoadBalancer("edge", {
            network: net(["subnet-p1", "subnet-p2"]),
            allowPlainHttp: true,
            ingressCidrs: ["203.0.113.0/24", "198.51.100.0/24"],
        });
        await runtime.settle();
        const regs = runtime.registrations;
        assert.deepStrictEqual(
            ofType(regs, L.listener).map((l) => [l.name, l.inputs.port, l.inputs.protocol]),
            [["edge-http", 80, "HTTP"]],
        );
        assert.deepStrictEqual(
            ofType(regs, T.ingress).map((r) => [r.name, r.inputs.fromPort, r.inputs.cidrIpv4]),
            [
                ["edge-lb-in-tcp-80-from-203-0-113-0-24", 80, "203.0.113.0/24"],
                ["edge-lb-in-tcp-80-from-198-51-100-0-24", 80, "198.51.100.0/24"],
            ],
        );
        assert.deepStrictEqual(ofType(regs, "aws:s3/bucket:Bucket"), []);
        assert.deepStrictEqual(one(regs, L.lb, "edge-lb").inputs.subnets, [
            "subnet-p1",
            "subnet-p2",
        ]);
        assert.deepStrictEqual(
            ofType(regs, L.egress),
            [],
            "no egress until a service routes through it",
        );
    });

    it("refuses a network without public subnets, and plain HTTP next to a certificate", () => {
        assert.throws(
            () => new PublicLoadBalancer("edge", { network: net(), allowPlainHttp: true }),
            {
                message:
                    'PublicLoadBalancer "edge": the network has public subnets in 0 availability zones, and an Application Load Balancer needs two or more; use at least two zones (azCount 2), with public subnets in each.',
            },
        );
        assert.throws(
            () =>
                new PublicLoadBalancer("edge", {
                    network: net(["p1", "p2"]),
                    certificateArn:
                        "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10",
                    allowPlainHttp: true,
                }),
            {
                message:
                    'PublicLoadBalancer "edge": allowPlainHttp is set, but with certificateArn port 80 only redirects to HTTPS; remove allowPlainHttp.',
            },
        );
    });

    it("routes a bridge-mode service on EC2 to instance targets, admitting the dynamic host ports from the load balancer only", async () => {
        const runtime = await startRuntime();
        const network = net(["subnet-p1", "subnet-p2"]);
        const cluster = new ServiceConnectCluster("core", { namespaceName: "lb.test" });
        const capacity = new Ec2Capacity("hosts", { cluster, network });
        const balancer = new PublicLoadBalancer("edge", { network, allowPlainHttp: true });
        new EcsService("web", {
            cluster,
            network,
            capacity,
            networkMode: "bridge",
            containers: [web],
            loadBalancer: { balancer, portName: "http", paths: ["/app/*"] },
        });
        await runtime.settle();
        const regs = runtime.registrations;
        const tg = one(regs, L.tg, "web-tg");
        assert.deepStrictEqual([tg.inputs.targetType, tg.inputs.port], ["instance", 8080]);
        const hostsSg = one(regs, T.sg, "hosts-sg");
        const lbSg = one(regs, T.sg, "edge-lb-sg");
        const onHosts = ofType(regs, T.ingress).filter(
            (r) => r.inputs.securityGroupId === hostsSg.state.id,
        );
        assert.deepStrictEqual(
            onHosts.map((r) => [
                r.inputs.fromPort,
                r.inputs.toPort,
                r.inputs.referencedSecurityGroupId,
            ]),
            [[32768, 65535, lbSg.state.id]],
        );
        assert.deepStrictEqual(
            ofType(regs, L.egress)
                .filter((r) => r.inputs.securityGroupId === lbSg.state.id)
                .map((r) => [
                    r.inputs.fromPort,
                    r.inputs.toPort,
                    r.inputs.referencedSecurityGroupId,
                ]),
            [[32768, 65535, hostsSg.state.id]],
        );
        assert.deepStrictEqual(
            one(regs, "aws:lb/listenerRule:ListenerRule", "web-route").inputs.conditions,
            [{ pathPattern: { values: ["/app/*"] } }],
        );
    });

    it("refuses a route through a load balancer in another VPC, and a second service on the same host and path", async () => {
        await startRuntime();
        const network = net(["p1", "p2"]);
        const cluster = new ServiceConnectCluster("core", { namespaceName: "lb2.test" });
        const balancer = new PublicLoadBalancer("edge", { network, allowPlainHttp: true });
        assert.throws(
            () =>
                new EcsService("other", {
                    cluster,
                    network: net(["p1", "p2"]),
                    containers: [web],
                    loadBalancer: { balancer, portName: "http" },
                }),
            {
                message:
                    'EcsService "other": loadBalancer is in another network (VPC) than the service; its target group and security group rules need one VPC, so route through a load balancer in the service\'s network.',
            },
        );
        new EcsService("a", {
            cluster,
            network,
            containers: [web],
            loadBalancer: { balancer, portName: "http", hosts: ["a.example.com"] },
        });
        assert.throws(
            () =>
                new EcsService("b", {
                    cluster,
                    network,
                    containers: [web],
                    loadBalancer: { balancer, portName: "http", hosts: ["A.example.com"] },
                }),
            {
                message:
                    'EcsService "b": loadBalancer claims host a.example.com and path /*, which EcsService "a" already routes; give one of them another host or path.',
            },
        );
    });

    it("names the Region's log delivery account, or the service principal in Regions opened since August 2022", () => {
        assert.deepStrictEqual(logDeliveryPrincipal("eu-west-1"), {
            AWS: "arn:aws:iam::156460612806:root",
        });
        assert.deepStrictEqual(logDeliveryPrincipal("us-gov-west-1", "aws-us-gov"), {
            AWS: "arn:aws-us-gov:iam::048591011584:root",
        });
        assert.deepStrictEqual(logDeliveryPrincipal("ap-southeast-4"), {
            Service: "logdelivery.elasticloadbalancing.amazonaws.com",
        });
    });
});
