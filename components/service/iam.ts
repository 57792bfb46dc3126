/** IAM documents for ECS tasks, as plain data. */

/**
 * Who may assume a task execution role: the trust policy AWS documents for it ("Amazon ECS task
 * execution IAM role"). The ECS and Fargate agents assume it, with no source context to condition on.
 */
export function executionRoleTrustPolicy() {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
            },
        ],
    };
}

/**
 * Who may assume a task role: ECS tasks of this account and Region only, the conditions AWS
 * documents against the confused deputy ("Amazon ECS task IAM role").
 */
export function taskRoleTrustPolicy(partition: string, region: string, accountId: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    ArnLike: { "aws:SourceArn": `arn:${partition}:ecs:${region}:${accountId}:*` },
                    StringEquals: { "aws:SourceAccount": accountId },
                },
            },
        ],
    };
}

/** The channels ECS Exec opens through SSM Session Manager, and nothing more. */
export const ECS_EXEC_ACTIONS = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

export function ecsExecPolicy() {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "EcsExec", Effect: "Allow", Action: ECS_EXEC_ACTIONS, Resource: "*" }],
    };
}

export type SecretSource = "ssm" | "secretsmanager";

/**
 * What a container's `valueFrom` reads, or why it is not a secret ARN. A Secrets Manager `valueFrom`
 * may name a JSON key, a version stage and a version id after the secret's ARN
 * (`arn:aws:secretsmanager:region:account:secret:name-AbCdEf:key:stage:id`); IAM grants on the secret's
 * ARN, its first seven colon-separated fields.
 */
export function secretTarget(
    valueFrom: string,
): { source: SecretSource; arn: string } | { problem: string } {
    const fields = valueFrom.split(":");
    if (
        fields[0] !== "arn" ||
        !/^aws[a-z-]*$/.test(fields[1] ?? "") ||
        fields.length < 6 ||
        !fields[4]
    ) {
        return { problem: "is not the ARN of an SSM parameter or a Secrets Manager secret" };
    }
    if (fields[2] === "ssm" && fields.length === 6 && fields[5].startsWith("parameter/")) {
        return { source: "ssm", arn: valueFrom };
    }
    if (
        fields[2] === "secretsmanager" &&
        fields[5] === "secret" &&
        fields.length >= 7 &&
        fields.length <= 10 &&
        fields[6].length > 0
    ) {
        return { source: "secretsmanager", arn: fields.slice(0, 7).join(":") };
    }
    return {
        problem:
            "is not the ARN of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>) or a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<stage>:<version>])",
    };
}

/** A KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`); aliases cannot be granted decrypt on. */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * Read access to exactly the secrets the task definition references (by their ARNs, JSON keys and
 * versions stripped), and decrypt on the customer-managed KMS keys that encrypt them. Throws on a
 * value that is not an SSM parameter or Secrets Manager secret ARN.
 */
export function secretsReadPolicy(valueFroms: string[], kmsKeyArns: string[] = []) {
    const targets = valueFroms.map((v) => {
        const t = secretTarget(v);
        if ("problem" in t) {
            throw new Error(`"${v}" ${t.problem}`);
        }
        return t;
    });
    const of = (source: SecretSource) => [
        ...new Set(targets.filter((t) => t.source === source).map((t) => t.arn)),
    ];
    const ssm = of("ssm");
    const secretsManager = of("secretsmanager");
    const kms = [...new Set(kmsKeyArns)];
    return {
        Version: "2012-10-17",
        Statement: [
            ...(ssm.length > 0
                ? [
                      {
                          Sid: "SsmParameters",
                          Effect: "Allow",
                          Action: ["ssm:GetParameters"],
                          Resource: ssm,
                      },
                  ]
                : []),
            ...(secretsManager.length > 0
                ? [
                      {
                          Sid: "SecretsManager",
                          Effect: "Allow",
                          Action: ["secretsmanager:GetSecretValue"],
                          Resource: secretsManager,
                      },
                  ]
                : []),
            ...(kms.length > 0
                ? [
                      {
                          Sid: "DecryptSecrets",
                          Effect: "Allow",
                          Action: ["kms:Decrypt"],
                          Resource: kms,
                      },
                  ]
                : []),
        ],
    };
}
