// The benchmark's CDK peer: the architecture of the benchmark recipe (bench/generate.ts) written
// the way a CDK user would, synthesised by aws-cdk-lib in this process.
// - The private pattern: a VPC of 10.0.0.0/16 over 3 zones, a NAT gateway per zone.
// - A cluster with Container Insights and an HTTP Cloud Map namespace (serviceconnectns) as its
//   Service Connect default.
// - N Fargate services, half servers exposing port 80 (http) through Service Connect, half clients
//   calling server i mod S and, for every other client, server (i+1) mod S; each with its task
//   definition, execution and task roles, a log group kept 30 days, its own security group, and a
//   rule admitting each client's group on its servers' port.
// CloudFormation refuses more than 500 resources per stack, so the app splits as a CDK user would:
// the network and cluster in one stack, then the servers, then the clients, in stacks of at most
// SERVICES_PER_STACK services (a client stack holds the rules admitting its clients to their
// servers, so it depends on the server stacks and never the other way round).
// Usage: node app.js <services> <out dir> [validate]; prints {"ms", "resources", "stacks", "peakMb"}:
// the time of construction and synthesis (after the modules load, as the benchmark times its own
// evaluation) and the process's peak memory.
const cdk = require("aws-cdk-lib");
const ec2 = require("aws-cdk-lib/aws-ec2");
const ecs = require("aws-cdk-lib/aws-ecs");
const logs = require("aws-cdk-lib/aws-logs");
const sd = require("aws-cdk-lib/aws-servicediscovery");

const [count, outdir, validate] = [
    Number(process.argv[2]),
    process.argv[3],
    process.argv[4] === "validate",
];
const t0 = performance.now();
const SERVICES_PER_STACK = 40;
const env = { account: "000000000000", region: "us-east-1" };

const app = new cdk.App({ outdir, builtinCloudFormationValidation: validate, treeMetadata: false });
const core = new cdk.Stack(app, "core", { env });
const vpc = new ec2.Vpc(core, "vpc", {
    ipAddresses: ec2.IpAddresses.cidr("10.0.0.0/16"),
    maxAzs: 3,
    natGateways: 3,
    subnetConfiguration: [
        { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: "private", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
    ],
});
const cluster = new ecs.Cluster(core, "cluster", {
    vpc,
    containerInsightsV2: ecs.ContainerInsights.ENABLED,
    defaultCloudMapNamespace: {
        name: "serviceconnectns",
        type: sd.NamespaceType.HTTP,
        useForServiceConnect: true,
    },
});

const servers = Math.max(1, Math.floor(count / 2));
const stackFor = (kind, i) => {
    const id = `${kind}-${Math.floor(i / SERVICES_PER_STACK)}`;
    return app.node.tryFindChild(id) ?? new cdk.Stack(app, id, { env });
};

function service(scope, name, server) {
    const task = new ecs.FargateTaskDefinition(scope, `${name}-task`, {
        cpu: 256,
        memoryLimitMiB: 512,
    });
    task.addContainer(name, {
        image: ecs.ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:stable"),
        portMappings: server
            ? [{ name, containerPort: 80, appProtocol: ecs.AppProtocol.http }]
            : [],
        logging: ecs.LogDrivers.awsLogs({
            streamPrefix: name,
            logGroup: new logs.LogGroup(scope, `${name}-logs`, {
                retention: logs.RetentionDays.ONE_MONTH,
            }),
        }),
    });
    const group = new ec2.SecurityGroup(scope, `${name}-sg`, { vpc, allowAllOutbound: true });
    const svc = new ecs.FargateService(scope, name, {
        cluster,
        taskDefinition: task,
        desiredCount: 1,
        securityGroups: [group],
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        circuitBreaker: { rollback: true },
        serviceConnectConfiguration: server ? { services: [{ portMappingName: name }] } : {},
    });
    return { group, svc };
}

const serverGroups = [];
for (let i = 0; i < servers; i++) {
    const s = service(stackFor("servers", i), `api-${i}`, true);
    serverGroups.push(s);
}
for (let i = 0; i < count - servers; i++) {
    const scope = stackFor("clients", i);
    const client = service(scope, `client-${i}`, false);
    const calls = [i % servers, ...(i % 2 === 1 && servers > 1 ? [(i + 1) % servers] : [])];
    for (const s of calls) {
        new ec2.CfnSecurityGroupIngress(scope, `client-${i}-to-api-${s}`, {
            groupId: serverGroups[s].group.securityGroupId,
            sourceSecurityGroupId: client.group.securityGroupId,
            ipProtocol: "tcp",
            fromPort: 80,
            toPort: 80,
        });
        client.svc.node.addDependency(serverGroups[s].svc);
    }
}

const assembly = app.synth();
let resources = 0;
for (const stack of assembly.stacks)
    resources += Object.keys(stack.template.Resources ?? {}).length;
const ms = performance.now() - t0;
const hwm = /VmHWM:\s+(\d+) kB/.exec(require("fs").readFileSync("/proc/self/status", "utf8"));
console.log(
    JSON.stringify({
        ms,
        resources,
        stacks: assembly.stacks.length,
        peakMb: hwm ? Number(hwm[1]) / 1024 : null,
    }),
);
