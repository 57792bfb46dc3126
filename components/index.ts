export { PublicSubnetNetwork, PublicSubnetNetworkArgs } from "./network/publicNetwork";
export { PrivateSubnetNetwork, PrivateSubnetNetworkArgs } from "./network/privateNetwork";
export { adoptNetwork, adoptAwsxVpc, AdoptNetworkArgs, AwsxVpcLike } from "./network/adopt";
export { EcsNetwork } from "./network/shape";
export {
    NetworkPattern,
    NatStrategy,
    NetworkPlanError,
    planPublicNetwork,
    planPrivateNetwork,
} from "./network/plan";
export { ServiceConnectCluster, ServiceConnectClusterArgs } from "./service/cluster";
export { EcsService, EcsServiceArgs, DATA_CLASSIFICATION_TAG } from "./service/ecsService";
export {
    ServicePlanError,
    Endpoint,
    ServiceConnectRole,
    LaunchType,
    NetworkMode,
} from "./service/plan";
export { ContainerArgs, PortMappingArgs, ExposeArgs, ClientAliasArgs } from "./service/types";
export { Ec2Capacity, Ec2CapacityArgs } from "./capacity/ec2Capacity";
export { CapacityPlan, ECS_AL2023_AMI_PARAMETERS, planCapacity } from "./capacity/plan";
export { INSTANCE_TYPES, InstanceType } from "./capacity/instanceTypes";
export { NetworkArgs } from "./network/args";
export { PublicLoadBalancer, PublicLoadBalancerArgs } from "./loadBalancer/loadBalancer";
export { RouteArgs, HealthCheckArgs, LoadBalancerPlanError } from "./loadBalancer/plan";
export { VpcFlowLogs, VpcFlowLogsArgs } from "./network/flowLogs";
export { ScalingArgs } from "./service/plan";
