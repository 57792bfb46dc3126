import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "./tags";

/**
 * A security group that admits nothing and lets everything out (`${name}-sg` with one egress rule
 * `${name}-egress`): what tasks and container instances start with. Ingress is added by whoever
 * needs it, as separate rules.
 */
export function outboundOnlySecurityGroup(
    parent: pulumi.Resource,
    name: string,
    args: { vpcId: pulumi.Input<string>; description: string; egressDescription: string; tags: Record<string, string> | undefined },
): aws.ec2.SecurityGroup {
    const group = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: args.description, tags: nameTags(`${name}-sg`, args.tags) }, { parent });
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-egress`,
        { securityGroupId: group.id, description: args.egressDescription, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", tags: nameTags(`${name}-egress`, args.tags) },
        { parent },
    );
    return group;
}
