/**
 * Which input changes make the AWS provider replace a resource rather than update it: the
 * attributes terraform-provider-aws marks `ForceNew: true` (SDKv2 resources) or
 * `RequiresReplace()` (Plugin Framework resources), in Pulumi's property names, for every resource
 * type the components create (reviewed against terraform-provider-aws v5/v6 internal/service/*,
 * 2026-12-02). A change under one of these paths, or an unknown value there (Terraform plans
 * "forces replacement" for a value known only after apply), is a replacement; any other change is
 * an update in place. A test fails when a component creates a type this table lacks.
 */
export const REPLACE_ON: Record<string, readonly string[]> = {
    // ec2
    "aws:ec2/vpc:Vpc": ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    "aws:ec2/subnet:Subnet": [
        "vpcId",
        "cidrBlock",
        "availabilityZone",
        "availabilityZoneId",
        "ipv6Native",
        "outpostArn",
    ],
    "aws:ec2/internetGateway:InternetGateway": [],
    "aws:ec2/routeTable:RouteTable": ["vpcId"],
    "aws:ec2/route:Route": [
        "routeTableId",
        "destinationCidrBlock",
        "destinationIpv6CidrBlock",
        "destinationPrefixListId",
    ],
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ["subnetId", "gatewayId"],
    "aws:ec2/eip:Eip": [
        "domain",
        "address",
        "networkBorderGroup",
        "publicIpv4Pool",
        "customerOwnedIpv4Pool",
        "ipamPoolId",
    ],
    "aws:ec2/natGateway:NatGateway": ["allocationId", "subnetId", "connectivityType", "privateIp"],
    "aws:ec2/vpcEndpoint:VpcEndpoint": ["vpcId", "serviceName", "vpcEndpointType", "serviceRegion"],
    "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "description", "vpcId"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
    "aws:ec2/flowLog:FlowLog": [
        "vpcId",
        "subnetId",
        "eniId",
        "transitGatewayId",
        "logDestination",
        "logDestinationType",
        "logGroupName",
        "iamRoleArn",
        "trafficType",
        "logFormat",
        "maxAggregationInterval",
        "destinationOptions",
        "deliverCrossAccountRole",
    ],
    "aws:ec2/launchTemplate:LaunchTemplate": ["name", "namePrefix"],
    // Auto Scaling, ECS
    "aws:autoscaling/group:Group": ["name", "namePrefix"],
    "aws:ecs/capacityProvider:CapacityProvider": [
        "name",
        "autoScalingGroupProvider.autoScalingGroupArn",
    ],
    "aws:ecs/cluster:Cluster": ["name"],
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": ["clusterName"],
    "aws:ecs/service:Service": [
        "name",
        "cluster",
        "launchType",
        "schedulingStrategy",
        "deploymentController",
        "iamRole",
    ],
    // A task definition revision is immutable: every argument but tags makes a new revision.
    "aws:ecs/taskDefinition:TaskDefinition": [
        "family",
        "containerDefinitions",
        "cpu",
        "memory",
        "networkMode",
        "executionRoleArn",
        "taskRoleArn",
        "requiresCompatibilities",
        "runtimePlatform",
        "volumes",
        "placementConstraints",
        "proxyConfiguration",
        "ephemeralStorage",
        "ipcMode",
        "pidMode",
        "inferenceAccelerators",
        "enableFaultInjection",
    ],
    // Logs, IAM, Cloud Map
    "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass"],
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
    "aws:iam/instanceProfile:InstanceProfile": ["name", "namePrefix", "path"],
    "aws:servicediscovery/httpNamespace:HttpNamespace": ["name", "description"],
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": ["name", "vpc"],
    // Load balancing, autoscaling of tasks
    "aws:lb/loadBalancer:LoadBalancer": [
        "name",
        "namePrefix",
        "internal",
        "loadBalancerType",
        "customerOwnedIpv4Pool",
    ],
    "aws:lb/targetGroup:TargetGroup": [
        "name",
        "namePrefix",
        "port",
        "protocol",
        "protocolVersion",
        "targetType",
        "vpcId",
        "ipAddressType",
    ],
    "aws:lb/listener:Listener": ["loadBalancerArn"],
    "aws:lb/listenerRule:ListenerRule": ["listenerArn"],
    "aws:appautoscaling/target:Target": ["resourceId", "scalableDimension", "serviceNamespace"],
    "aws:appautoscaling/policy:Policy": [
        "name",
        "resourceId",
        "scalableDimension",
        "serviceNamespace",
    ],
    // S3 (the access log bucket)
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [
        "bucket",
        "expectedBucketOwner",
    ],
    "aws:s3/bucketPolicy:BucketPolicy": ["bucket"],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["bucket"],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
        "bucket",
        "expectedBucketOwner",
    ],
};

/** Whether a changed property path forces a replacement of a resource of `type` (paths under a listed one count). */
export function forcesReplacement(type: string, changedPath: string): boolean {
    return (REPLACE_ON[type] ?? []).some(
        (p) =>
            changedPath === p ||
            changedPath.startsWith(`${p}.`) ||
            changedPath.startsWith(`${p}[`) ||
            p.startsWith(`${changedPath}.`),
    );
}
