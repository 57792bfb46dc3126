export { PublicSubnetNetwork, PublicSubnetNetworkArgs } from "./network/publicNetwork";
export { PrivateSubnetNetwork, PrivateSubnetNetworkArgs } from "./network/privateNetwork";
export { adoptNetwork, adoptAwsxVpc, AdoptNetworkArgs, AwsxVpcLike } from "./network/adopt";
export { EcsNetwork } from "./network/shape";
export { NetworkPattern, NatStrategy, NetworkPlanError, planPublicNetwork, planPrivateNetwork } from "./network/plan";
export { ServiceConnectCluster, ServiceConnectClusterArgs } from "./service/cluster";
export { EcsService, EcsServiceArgs, DATA_CLASSIFICATION_TAG } from "./service/ecsService";
export { ServicePlanError, Endpoint, ServiceConnectRole } from "./service/plan";
export { ContainerArgs, PortMappingArgs, ExposeArgs, ClientAliasArgs } from "./service/types";
