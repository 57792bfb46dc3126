export { PublicSubnetNetwork, PublicSubnetNetworkArgs } from "./network/publicNetwork";
export { PrivateSubnetNetwork, PrivateSubnetNetworkArgs } from "./network/privateNetwork";
export { adoptNetwork, adoptAwsxVpc, AdoptNetworkArgs, AwsxVpcLike } from "./network/adopt";
export { EcsNetwork } from "./network/shape";
export { NetworkPattern, NatStrategy, NetworkPlanError, planPublicNetwork, planPrivateNetwork } from "./network/plan";
