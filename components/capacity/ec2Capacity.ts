import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsNetwork } from "../network/shape";
import { ServiceConnectCluster } from "../service/cluster";
import { ServicePlanError } from "../service/plan";
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

/** Checks the capacity's sizes; throws with a message naming the component, field and fix. */
export function checkCapacity(label: string, args: Ec2CapacityArgs): void {
    const min = args.minSize ?? 1;
    const max = args.maxSize ?? 3;
    const fail = (text: string): never => {
        throw new ServicePlanError(`${label}: ${text}`);
    };
    if (!Number.isInteger(min) || min < 0) fail(`minSize must be a whole number, 0 or more (got ${min}).`);
    if (!Number.isInteger(max) || max < 1) fail(`maxSize must be a whole number, 1 or more (got ${max}).`);
    if (min > max) fail(`minSize ${min} is above maxSize ${max}; raise maxSize or lower minSize.`);
    const target = args.targetCapacity ?? 100;
    if (!Number.isInteger(target) || target < 1 || target > 100) fail(`targetCapacity must be between 1 and 100 (got ${target}); it is the group utilisation managed scaling aims for.`);
    if (!((args.architecture ?? "x86_64") in ECS_AL2023_AMI_PARAMETERS)) fail(`architecture "${args.architecture}" is not x86_64 or arm64.`);
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
        checkCapacity(label, args);
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

        this.securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.network.vpcId, description: `ECS container instances of ${name}`, tags: nameTags(`${name}-sg`, args.tags) }, parent);
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-egress`,
            { securityGroupId: this.securityGroup.id, description: "Outbound: ECS agent, image pulls, AWS APIs", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", tags: nameTags(`${name}-egress`, args.tags) },
            parent,
        );

        const ami = aws.ssm.getParameterOutput({ name: ECS_AL2023_AMI_PARAMETERS[args.architecture ?? "x86_64"] }, parent).value;
        const userData = args.cluster.clusterName.apply((cluster) => Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\necho ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config\n`).toString("base64"));
        this.launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-lt`,
            {
                imageId: ami,
                instanceType: args.instanceType ?? "t3.small",
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
                minSize: args.minSize ?? 1,
                maxSize: args.maxSize ?? 3,
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
                    managedScaling: { status: "ENABLED", targetCapacity: args.targetCapacity ?? 100 },
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
