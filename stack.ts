import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "./config";
import { EcsNetwork, PrivateSubnetNetwork, PublicSubnetNetwork } from "./components";

export function buildNetwork(name: string, config: StackConfig["network"]): EcsNetwork & pulumi.Resource {
    const { pattern, ...layout } = config;
    if (pattern === "public") {
        const { natStrategy: _n, vpcEndpoints: _e, ...publicLayout } = layout;
        return new PublicSubnetNetwork(name, publicLayout);
    }
    return new PrivateSubnetNetwork(name, layout);
}

/** Builds the whole stack from its config and returns the stack outputs. */
export function buildStack(config: StackConfig) {
    const stackName = pulumi.getStack();
    const network = buildNetwork(`${stackName}`, config.network);
    return {
        pattern: network.pattern,
        vpcId: network.vpcId,
        taskSubnetIds: network.taskSubnetIds,
    };
}
