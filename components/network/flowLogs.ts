import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../tags";

export interface VpcFlowLogsArgs {
    /** The VPC whose traffic is logged. */
    vpcId: pulumi.Input<string>;
    /** The log group's name; fixed, so it is unique per stack (`/vpc/<project>/<stack>/flow-logs`). */
    logGroupName: string;
    /** Days CloudWatch keeps the records. @default 30 */
    retentionDays?: number;
    /** Tags for every child; `Name` is always set from the child's name. @default {} */
    tags?: Record<string, string>;
}

/**
 * VPC flow logs (all traffic, accepted and rejected) to a CloudWatch log group, delivered by a role
 * that only the flow logs service of this account can assume and that may only write to that group.
 */
export class VpcFlowLogs extends pulumi.ComponentResource {
    /** The log group the records go to. */
    readonly logGroup: aws.cloudwatch.LogGroup;
    /** The role flow logs delivery assumes. */
    readonly role: aws.iam.Role;
    /** The flow log. */
    readonly flowLog: aws.ec2.FlowLog;

    constructor(name: string, args: VpcFlowLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecsnet:network:VpcFlowLogs", name, {}, opts);
        // The name is fixed and unique in the account and Region: a replacement must delete first.
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            {
                name: args.logGroupName,
                retentionInDays: args.retentionDays ?? 30,
                tags: nameTags(`${name}-flow-logs`, args.tags),
            },
            { parent: this, deleteBeforeReplace: true },
        );
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        this.role = new aws.iam.Role(
            `${name}-flow-logs`,
            {
                description: `VPC flow logs delivery of ${name}`,
                // AWS's confused-deputy guidance for flow logs: only this account's flow logs may assume it.
                assumeRolePolicy: account.apply((a) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                                Action: "sts:AssumeRole",
                                Condition: { StringEquals: { "aws:SourceAccount": a } },
                            },
                        ],
                    }),
                ),
                tags: nameTags(`${name}-flow-logs`, args.tags),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-flow-logs`,
            {
                role: this.role.id,
                policy: this.logGroup.arn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Action: [
                                    "logs:CreateLogStream",
                                    "logs:PutLogEvents",
                                    "logs:DescribeLogStreams",
                                ],
                                Resource: [arn, `${arn}:*`],
                            },
                        ],
                    }),
                ),
            },
            { parent: this },
        );
        this.flowLog = new aws.ec2.FlowLog(
            `${name}-flow-logs`,
            {
                vpcId: args.vpcId,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: this.logGroup.arn,
                iamRoleArn: this.role.arn,
                tags: nameTags(`${name}-flow-logs`, args.tags),
            },
            { parent: this, dependsOn: [policy] },
        );
        this.registerOutputs({ logGroupName: this.logGroup.name, flowLogId: this.flowLog.id });
    }
}
