/** IAM documents for ECS tasks, as plain data. */

/** Who may assume a task role: ECS tasks of this account only (no confused deputy). */
export function ecsTasksTrustPolicy(accountId: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
        ],
    };
}

/** The channels ECS Exec opens through SSM Session Manager, and nothing more. */
export const ECS_EXEC_ACTIONS = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"];

export function ecsExecPolicy() {
    return { Version: "2012-10-17", Statement: [{ Sid: "EcsExec", Effect: "Allow", Action: ECS_EXEC_ACTIONS, Resource: "*" }] };
}

/** Read access to exactly the secrets the task definition references, by ARN. */
export function secretsReadPolicy(arns: string[]) {
    const ssm = arns.filter((a) => a.split(":")[2] === "ssm");
    const secretsManager = arns.filter((a) => a.split(":")[2] === "secretsmanager");
    const other = arns.filter((a) => !ssm.includes(a) && !secretsManager.includes(a));
    if (other.length > 0) {
        throw new Error(`not an SSM parameter or Secrets Manager secret ARN: ${other.join(", ")}`);
    }
    return {
        Version: "2012-10-17",
        Statement: [
            ...(ssm.length > 0 ? [{ Sid: "SsmParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ssm }] : []),
            ...(secretsManager.length > 0 ? [{ Sid: "SecretsManager", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretsManager }] : []),
        ],
    };
}
