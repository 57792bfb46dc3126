import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../tags";
import { executionRoleTrustPolicy, taskRoleTrustPolicy } from "./iam";
import { EndpointRegister, planCluster } from "./clusterPlan";
import { Endpoint } from "./plan";
import { componentLabel, PlanError } from "../planError";

export interface ServiceConnectClusterArgs {
    /** The Cloud Map namespace; clients reach servers as `<discoveryName>.<namespaceName>`. */
    namespaceName: string;
    /** `http`: API-only discovery. `dns`: also private DNS records in `vpcId`. @default "http" */
    namespaceType?: "http" | "dns";
    /** Required for a `dns` namespace. */
    vpcId?: pulumi.Input<string>;
    /** CloudWatch Container Insights. @default true */
    containerInsights?: boolean;
    /** Tags for every child; `Name` is always set from the child's name. @default {} */
    tags?: Record<string, string>;
}

/**
 * An ECS cluster with a Cloud Map namespace as its Service Connect default, referenced by ARN
 * (a namespace *name* that does not resolve makes ECS create a second namespace silently). It also
 * keeps the register of discovery names and client aliases claimed in the namespace, so two
 * services of one program can never claim the same name.
 */
export class ServiceConnectCluster extends pulumi.ComponentResource {
    /** The ECS cluster, with the namespace as its Service Connect default. */
    readonly cluster: aws.ecs.Cluster;
    /** The Cloud Map namespace (HTTP, or private DNS in the VPC). */
    readonly namespace:
        aws.servicediscovery.HttpNamespace | aws.servicediscovery.PrivateDnsNamespace;
    /** The namespace's name, known when the program runs. */
    readonly namespaceName: string;
    /** The namespace's ARN, which services reference (never its name). */
    readonly namespaceArn: pulumi.Output<string>;
    /** The cluster's name (auto-named). */
    readonly clusterName: pulumi.Output<string>;
    /** The cluster's ARN. */
    readonly clusterArn: pulumi.Output<string>;
    /** Account, region and partition, looked up once through this cluster's provider for all its services. */
    readonly awsContext: {
        accountId: pulumi.Output<string>;
        region: pulumi.Output<string>;
        partition: pulumi.Output<string>;
    };
    /**
     * The stack's `aws:region` (the default provider's Region), read once for all the cluster's
     * services: every read of a config value parses the whole stack config again (@pulumi/pulumi
     * runtime/config.js `parseConfig`), which a read per service made quadratic in services.
     */
    readonly defaultProviderRegion: string | undefined;
    /** The trust policy of every task role of this cluster: ECS tasks of this account and Region only. */
    readonly taskRoleTrustPolicy: pulumi.Output<string>;
    /** The trust policy of every task execution role, as AWS documents it. */
    readonly executionRoleTrustPolicy: string;
    /** The ARN of the AWS-managed ECS task execution policy in this partition. */
    readonly taskExecutionPolicyArn: pulumi.Output<string>;
    private readonly endpointRegister: EndpointRegister;
    private capacityHolder?: string;

    constructor(
        name: string,
        args: ServiceConnectClusterArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        const { namespaceType: type } = planCluster(name, args);
        claimNamespaceName(
            componentLabel("ServiceConnectCluster", name),
            args.namespaceName,
            opts?.provider,
        );
        super("ecsnet:ecs:ServiceConnectCluster", name, {}, opts);
        this.endpointRegister = new EndpointRegister(args.namespaceName);

        this.namespaceName = args.namespaceName;
        this.defaultProviderRegion = aws.config.region;
        this.awsContext = {
            accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
            region: aws.getRegionOutput({}, { parent: this }).region,
            partition: aws.getPartitionOutput({}, { parent: this }).partition,
        };
        this.taskRoleTrustPolicy = pulumi
            .all([this.awsContext.partition, this.awsContext.region, this.awsContext.accountId])
            .apply(([partition, region, account]) =>
                JSON.stringify(taskRoleTrustPolicy(partition, region, account)),
            );
        this.executionRoleTrustPolicy = JSON.stringify(executionRoleTrustPolicy());
        this.taskExecutionPolicyArn = pulumi.interpolate`arn:${this.awsContext.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`;
        const namespaceArgs = {
            name: args.namespaceName,
            description: `Service Connect namespace of ${name}`,
            tags: nameTags(`${name}-namespace`, args.tags),
        };
        // Replaced only when its name changes (the description is the component's): the new namespace
        // is created beside the old one, the services move to it, and the old one, which Cloud Map
        // cannot delete while services are in it (ResourceInUse), goes at the end of the update.
        const namespaceOpts = { parent: this };
        this.namespace =
            type === "dns"
                ? new aws.servicediscovery.PrivateDnsNamespace(
                      `${name}-namespace`,
                      { ...namespaceArgs, vpc: args.vpcId! },
                      namespaceOpts,
                  )
                : new aws.servicediscovery.HttpNamespace(
                      `${name}-namespace`,
                      namespaceArgs,
                      namespaceOpts,
                  );
        this.namespaceArn = this.namespace.arn;
        this.cluster = new aws.ecs.Cluster(
            `${name}-cluster`,
            {
                settings: [
                    {
                        name: "containerInsights",
                        value: (args.containerInsights ?? true) ? "enabled" : "disabled",
                    },
                ],
                serviceConnectDefaults: { namespace: this.namespace.arn },
                tags: nameTags(`${name}-cluster`, args.tags),
            },
            { parent: this },
        );
        this.clusterName = this.cluster.name;
        this.clusterArn = this.cluster.arn;
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            namespaceArn: this.namespaceArn,
            namespaceName: this.namespaceName,
        });
    }

    /** ECS takes one capacity provider association per cluster: claims it for one Ec2Capacity. */
    claimCapacity(capacityLabel: string): void {
        if (this.capacityHolder !== undefined) {
            throw new PlanError(
                capacityLabel,
                `the cluster already has EC2 capacity (${this.capacityHolder}); ECS takes one capacity provider association per cluster, so share that capacity.`,
            );
        }
        this.capacityHolder = capacityLabel;
    }

    /**
     * Claims the discovery names and client aliases of a service's endpoints in this namespace, or
     * throws naming the service that holds one already. Called before the service registers.
     */
    claimEndpoints(serviceLabel: string, endpoints: Endpoint[]): void {
        this.endpointRegister.claim(serviceLabel, endpoints);
    }
}

/**
 * The namespace names this program's clusters create, per provider: a Cloud Map namespace name is
 * unique in an account and Region, so a second cluster of one program claiming one would fail at
 * deploy (`NamespaceAlreadyExists`). Kept per Pulumi run (the engine's resource monitor), so
 * separate runs in one process never see each other's claims.
 */
const namespaceClaims = new WeakMap<
    object,
    { name: string; provider: unknown; holder: string }[]
>();
const outsideARun = {};

function claimNamespaceName(label: string, namespaceName: string, provider: unknown): void {
    const run = pulumi.runtime.getMonitor() ?? outsideARun;
    const claims = namespaceClaims.get(run) ?? [];
    const held = claims.find((c) => c.name === namespaceName && c.provider === provider);
    if (held) {
        throw new PlanError(
            label,
            `namespaceName "${namespaceName}" is already the namespace of ${held.holder} in this program, and a Cloud Map namespace name is unique per account and Region; give this cluster another name, or run its services on ${held.holder}.`,
        );
    }
    namespaceClaims.set(run, [...claims, { name: namespaceName, provider, holder: label }]);
}
