import { componentLabel } from "../planError";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsNetwork } from "../network/shape";
import { ServiceConnectCluster } from "../service/cluster";
import { Architecture } from "./instanceTypes";
import { CapacityPlan, ECS_AL2023_AMI_PARAMETERS, planCapacity } from "./plan";
import { capacityProviderResourceName, iamRoleResourceName } from "../naming";
import { GroupRef, outboundOnlySecurityGroup } from "../securityGroup";
import { nameTags } from "../tags";

export interface Ec2CapacityArgs {
    /** The cluster the instances join; one Ec2Capacity per cluster. */
    cluster: ServiceConnectCluster;
    /** Instances launch in the network's task subnets: public IPs on the public pattern, none on the private. */
    network: EcsNetwork;
    /** @default "t3.small" */
    instanceType?: string;
    /** The AMI's architecture; it must be the instance type's. @default the instance type's */
    architecture?: Architecture;
    /** @default 1 */
    minSize?: number;
    /** @default 3 */
    maxSize?: number;
    /** Managed scaling's target utilisation of the group, 1 to 100. @default 100 */
    targetCapacity?: number;
    /** Tags for every child; `Name` is always set from the child's name. @default {} */
    tags?: Record<string, string>;
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
    /** The instance type, its architecture and what one instance offers tasks. */
    readonly plan: CapacityPlan;
    /** The network the instances launch in (its task subnets). */
    readonly network: EcsNetwork;
    /** Whether the instances get public IPs (the public pattern). */
    readonly hostsGetPublicIp: boolean;
    /** The instances' security group: outbound only until a bridge or host service admits a port. */
    readonly securityGroup: aws.ec2.SecurityGroup;
    /** The instances' security group with this component as its owner (bridge and host tasks share it). */
    readonly securityGroupRef: GroupRef;
    /** The instances' role, with only AmazonEC2ContainerServiceforEC2Role. */
    readonly instanceRole: aws.iam.Role;
    /** The launch template: ECS-optimised AL2023, IMDSv2 required with hop limit 1. */
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    /** The Auto Scaling group across the task subnets, with instance refresh. */
    readonly autoScalingGroup: aws.autoscaling.Group;
    /** The capacity provider, with managed scaling and termination protection. */
    readonly capacityProvider: aws.ecs.CapacityProvider;
    /** The cluster's capacity provider association (services depend on it). */
    readonly association: aws.ecs.ClusterCapacityProviders;
    /** The capacity provider's name, for a service's capacity provider strategy. */
    readonly capacityProviderName: pulumi.Output<string>;

    constructor(name: string, args: Ec2CapacityArgs, opts?: pulumi.ComponentResourceOptions) {
        const label = componentLabel("Ec2Capacity", name);
        const plan = planCapacity(label, args);
        args.cluster.claimCapacity(label);
        super("ecsnet:ecs:Ec2Capacity", name, {}, opts);
        this.plan = plan;
        const parent = { parent: this };
        this.network = args.network;
        this.hostsGetPublicIp = args.network.hostsGetPublicIp;
        const partition = args.cluster.awsContext.partition;

        const instanceRoleName = iamRoleResourceName(name, "instance");
        this.instanceRole = new aws.iam.Role(
            instanceRoleName,
            {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "ec2.amazonaws.com" },
                            Action: "sts:AssumeRole",
                        },
                    ],
                }),
                description: `ECS container instances of ${name}`,
                tags: nameTags(instanceRoleName, args.tags),
            },
            parent,
        );
        new aws.iam.RolePolicyAttachment(
            `${name}-instance-managed`,
            {
                role: this.instanceRole.name,
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role`,
            },
            parent,
        );
        const profile = new aws.iam.InstanceProfile(
            `${name}-profile`,
            { role: this.instanceRole.name, tags: nameTags(`${name}-profile`, args.tags) },
            parent,
        );

        this.securityGroupRef = outboundOnlySecurityGroup(this, name, {
            vpcId: args.network.vpcId,
            description: `ECS container instances of ${name}`,
            egressDescription: "Outbound: ECS agent, image pulls, AWS APIs",
            tags: args.tags,
        });
        this.securityGroup = this.securityGroupRef.group;

        const ami = aws.ssm.getParameterOutput(
            { name: ECS_AL2023_AMI_PARAMETERS[plan.architecture] },
            parent,
        ).value;
        const userData = args.cluster.clusterName.apply((cluster) =>
            Buffer.from(
                `#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\necho ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config\n`,
            ).toString("base64"),
        );
        this.launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-lt`,
            {
                imageId: ami,
                instanceType: plan.instanceType,
                iamInstanceProfile: { arn: profile.arn },
                // IMDSv2 only, one hop: containers in bridge mode cannot borrow the instance's role.
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    httpPutResponseHopLimit: 1,
                },
                networkInterfaces: [
                    {
                        deviceIndex: 0,
                        associatePublicIpAddress: String(this.hostsGetPublicIp),
                        deleteOnTermination: "true",
                        securityGroups: [this.securityGroup.id],
                    },
                ],
                userData,
                updateDefaultVersion: true,
                tagSpecifications: [
                    { resourceType: "instance", tags: nameTags(`${name}-instance`, args.tags) },
                ],
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
                // The template's version number, not "$Latest": a new AMI makes a new version, which
                // changes the group and starts the instance refresh below.
                launchTemplate: {
                    id: this.launchTemplate.id,
                    version: this.launchTemplate.latestVersion.apply(String),
                },
                // Managed termination protection needs scale-in protection on the group.
                protectFromScaleIn: true,
                // Roll instances to a new launch template version: new instances first, then the old
                // ones go, including the scale-in protected ones ECS manages (their tasks drain first).
                instanceRefresh: {
                    strategy: "Rolling",
                    preferences: {
                        minHealthyPercentage: 100,
                        maxHealthyPercentage: 200,
                        scaleInProtectedInstances: "Refresh",
                        standbyInstances: "Terminate",
                    },
                },
                tags: [
                    { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
                    ...Object.entries(nameTags(`${name}-instance`, args.tags)).map(
                        ([key, value]) => ({ key, value, propagateAtLaunch: true }),
                    ),
                ],
            },
            // Instances start only once they can reach ECS (routes to the NAT or gateway, endpoints).
            {
                parent: this,
                ignoreChanges: ["desiredCapacity"],
                dependsOn: args.network.outboundReady,
            },
        );
        this.capacityProvider = new aws.ecs.CapacityProvider(
            // ECS refuses names that start with aws, ecs or fargate, and the auto-name starts with this.
            capacityProviderResourceName(name),
            {
                autoScalingGroupProvider: {
                    autoScalingGroupArn: this.autoScalingGroup.arn,
                    managedScaling: { status: "ENABLED", targetCapacity: plan.targetCapacity },
                    managedTerminationProtection: "ENABLED",
                },
                tags: nameTags(capacityProviderResourceName(name), args.tags),
            },
            parent,
        );
        this.capacityProviderName = this.capacityProvider.name;
        this.association = new aws.ecs.ClusterCapacityProviders(
            `${name}-cluster-providers`,
            {
                clusterName: args.cluster.clusterName,
                capacityProviders: [this.capacityProvider.name, "FARGATE"],
                defaultCapacityProviderStrategies: [
                    { capacityProvider: this.capacityProvider.name, weight: 1, base: 0 },
                ],
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
