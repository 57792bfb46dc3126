import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsNetwork } from "../network/shape";
import { ServiceConnectCluster } from "../service/cluster";
import { ServicePlanError } from "../service/plan";
import { outboundOnlySecurityGroup } from "../securityGroup";
import { nameTags } from "../tags";

/** The public SSM parameters ECS publishes its recommended ECS-optimised Amazon Linux 2023 AMIs under. */
export const ECS_AL2023_AMI_PARAMETERS = {
    x86_64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    arm64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
} as const;

export interface Ec2CapacityArgs {
    cluster: ServiceConnectCluster;
    /** Instances launch in the network's task subnets: public IPs on the public pattern, none on the private. */
    network: EcsNetwork;
    /** @default "t3.small" */
    instanceType?: string;
    /** @default "x86_64" */
    architecture?: keyof typeof ECS_AL2023_AMI_PARAMETERS;
    /** @default 1 */
    minSize?: number;
    /** @default 3 */
    maxSize?: number;
    /** Managed scaling's target utilisation of the group, 1 to 100. @default 100 */
    targetCapacity?: number;
    /** Tags for every child; `Name` is always set from the child's name. @default {} */
    tags?: Record<string, string>;
}

export interface CapacityPlan {
    instanceType: string;
    architecture: keyof typeof ECS_AL2023_AMI_PARAMETERS;
    minSize: number;
    maxSize: number;
    targetCapacity: number;
}

/** Resolves the capacity's defaults and checks them; throws naming the component, field and fix. */
export function planCapacity(label: string, args: Ec2CapacityArgs): CapacityPlan {
    const plan: CapacityPlan = {
        instanceType: args.instanceType ?? "t3.small",
        architecture: args.architecture ?? "x86_64",
        minSize: args.minSize ?? 1,
        maxSize: args.maxSize ?? 3,
        targetCapacity: args.targetCapacity ?? 100,
    };
    const fail = (text: string): never => {
        throw new ServicePlanError(`${label}: ${text}`);
    };
    const { minSize: min, maxSize: max, targetCapacity: target } = plan;
    if (!Number.isInteger(min) || min < 0) fail(`minSize must be a whole number, 0 or more (got ${min}).`);
    if (!Number.isInteger(max) || max < 1) fail(`maxSize must be a whole number, 1 or more (got ${max}).`);
    if (min > max) fail(`minSize ${min} is above maxSize ${max}; raise maxSize or lower minSize.`);
    if (!Number.isInteger(target) || target < 1 || target > 100) fail(`targetCapacity must be between 1 and 100 (got ${target}); it is the group utilisation managed scaling aims for.`);
    if (!(plan.architecture in ECS_AL2023_AMI_PARAMETERS)) fail(`architecture "${plan.architecture}" is not x86_64 or arm64.`);
    return plan;
}

/**
 * EC2 capacity for a cluster: a launch template with the current ECS-optimised AL2023 AMI (from
 * AWS's public SSM parameter), IMDSv2 required, an instance profile with only the AWS-managed
 * container-instance policy and user data that joins the cluster; an Auto Scaling group across the
 * network's task subnets; a capacity provider with managed scaling and managed termination
 * protection; and the cluster's capacity provider association. The instances' security group admits
 * nothing until a service asks (bridge and host tasks share it).
 */
export class Ec2Capacity extends pulumi.ComponentResource {
    readonly network: EcsNetwork;
    readonly hostsGetPublicIp: boolean;
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly instanceRole: aws.iam.Role;
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly autoScalingGroup: aws.autoscaling.Group;
    readonly capacityProvider: aws.ecs.CapacityProvider;
    readonly association: aws.ecs.ClusterCapacityProviders;
    readonly capacityProviderName: pulumi.Output<string>;

    constructor(name: string, args: Ec2CapacityArgs, opts?: pulumi.ComponentResourceOptions) {
        const label = `Ec2Capacity "${name}"`;
        const plan = planCapacity(label, args);
        args.cluster.claimCapacity(label);
        super("ecsnet:ecs:Ec2Capacity", name, {}, opts);
        const parent = { parent: this };
        this.network = args.network;
        this.hostsGetPublicIp = args.network.hostsGetPublicIp;
        const partition = args.cluster.awsContext.partition;

        this.instanceRole = new aws.iam.Role(
            `${name}-instance`,
            {
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
                description: `ECS container instances of ${name}`,
                tags: nameTags(`${name}-instance`, args.tags),
            },
            parent,
        );
        new aws.iam.RolePolicyAttachment(
            `${name}-instance-managed`,
            { role: this.instanceRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role` },
            parent,
        );
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: this.instanceRole.name, tags: nameTags(`${name}-profile`, args.tags) }, parent);

        this.securityGroup = outboundOnlySecurityGroup(this, name, {
            vpcId: args.network.vpcId,
            description: `ECS container instances of ${name}`,
            egressDescription: "Outbound: ECS agent, image pulls, AWS APIs",
            tags: args.tags,
        });

        const ami = aws.ssm.getParameterOutput({ name: ECS_AL2023_AMI_PARAMETERS[plan.architecture] }, parent).value;
        const userData = args.cluster.clusterName.apply((cluster) => Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\necho ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config\n`).toString("base64"));
        this.launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-lt`,
            {
                imageId: ami,
                instanceType: plan.instanceType,
                iamInstanceProfile: { arn: profile.arn },
                // IMDSv2 only, one hop: containers in bridge mode cannot borrow the instance's role.
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: String(this.hostsGetPublicIp), deleteOnTermination: "true", securityGroups: [this.securityGroup.id] }],
                userData,
                updateDefaultVersion: true,
                tagSpecifications: [{ resourceType: "instance", tags: nameTags(`${name}-instance`, args.tags) }],
                tags: nameTags(`${name}-lt`, args.tags),
            },
            parent,
        );
        this.autoScalingGroup = new aws.autoscaling.Group(
            `${name}-asg`,
            {
                vpcZoneIdentifiers: args.network.taskSubnetIds,
                minSize: plan.minSize,
                maxSize: plan.maxSize,
                launchTemplate: { id: this.launchTemplate.id, version: "$Latest" },
                // Managed termination protection needs scale-in protection on the group.
                protectFromScaleIn: true,
                tags: [
                    { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
                    ...Object.entries(nameTags(`${name}-instance`, args.tags)).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
                ],
            },
            { parent: this, ignoreChanges: ["desiredCapacity"] },
        );
        this.capacityProvider = new aws.ecs.CapacityProvider(
            `${name}-cp`,
            {
                autoScalingGroupProvider: {
                    autoScalingGroupArn: this.autoScalingGroup.arn,
                    managedScaling: { status: "ENABLED", targetCapacity: plan.targetCapacity },
                    managedTerminationProtection: "ENABLED",
                },
                tags: nameTags(`${name}-cp`, args.tags),
            },
            parent,
        );
        this.capacityProviderName = this.capacityProvider.name;
        this.association = new aws.ecs.ClusterCapacityProviders(
            `${name}-cluster-providers`,
            {
                clusterName: args.cluster.clusterName,
                capacityProviders: [this.capacityProvider.name, "FARGATE"],
                defaultCapacityProviderStrategies: [{ capacityProvider: this.capacityProvider.name, weight: 1, base: 0 }],
            },
            parent,
        );
        this.registerOutputs({
            capacityProviderName: this.capacityProviderName,
            autoScalingGroupName: this.autoScalingGroup.name,
            launchTemplateId: this.launchTemplate.id,
            securityGroupId: this.securityGroup.id,
            hostsGetPublicIp: this.hostsGetPublicIp,
        });
    }
}
