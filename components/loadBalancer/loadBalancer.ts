import { componentLabel } from "../planError";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsNetwork } from "../network/shape";
import { GroupRef } from "../securityGroup";
import { awsResourceName } from "../naming";
import { nameTags } from "../tags";
import { logDeliveryPrincipal } from "./logDelivery";
import {
    LoadBalancerPlan,
    LoadBalancerPlanError,
    planLoadBalancer,
    RouteRegister,
    TLS_POLICY,
} from "./plan";

export interface PublicLoadBalancerArgs {
    /** The network: the load balancer goes in its public subnets, which must span two zones or more. */
    network: EcsNetwork;
    /** An ACM certificate for HTTPS on 443 (port 80 then redirects to 443). */
    certificateArn?: string;
    /** Without a certificate, serve plain HTTP on 80. Must be said in so many words. @default false */
    allowPlainHttp?: boolean;
    /** Who may reach the listeners. @default ["0.0.0.0/0"] */
    ingressCidrs?: string[];
    /** Write access logs to an S3 bucket this component creates. @default false */
    accessLogs?: boolean;
    /** Days the access logs are kept. @default 90 */
    accessLogRetentionDays?: number;
    /** Tags for every child; `Name` is always set from the child's name. @default {} */
    tags?: Record<string, string>;
}

/**
 * An internet-facing Application Load Balancer in the network's public subnets, shared by the
 * services that route through it (`EcsService`'s `loadBalancer`): an HTTPS listener on 443 with a
 * modern TLS policy and a redirect from 80 (or plain HTTP on 80 only when asked), a security group
 * that admits the listener ports from `ingressCidrs` and sends only to the task ports services
 * register, and optionally access logs to an encrypted, TLS-only, expiring S3 bucket.
 */
export class PublicLoadBalancer extends pulumi.ComponentResource {
    /** The listeners' protocol and port, and the ports the security group admits. */
    readonly plan: LoadBalancerPlan;
    /** The load balancer. */
    readonly loadBalancer: aws.lb.LoadBalancer;
    /** The listener routes attach to: HTTPS on 443, or HTTP on 80. */
    readonly listener: aws.lb.Listener;
    /** The HTTP listener on 80 that redirects to HTTPS, when there is a certificate. */
    readonly redirectListener?: aws.lb.Listener;
    /** The load balancer's security group with this component as its owner (services add egress to their task ports). */
    readonly securityGroupRef: GroupRef;
    /** The access log bucket, when access logs are on. */
    readonly accessLogBucket?: aws.s3.Bucket;
    /** The load balancer's DNS name. */
    readonly dnsName: pulumi.Output<string>;
    /** The URL scheme and port users reach: `https://<dns>` or `http://<dns>`. */
    readonly url: pulumi.Output<string>;
    /** The VPC the target groups belong to. */
    readonly vpcId: pulumi.Output<string>;
    /** The network the load balancer sits in; services routed through it must run there too. */
    readonly network: EcsNetwork;
    /** The host and path claims of the services routed here, and their rule priorities. */
    readonly routes = new RouteRegister();

    constructor(
        name: string,
        args: PublicLoadBalancerArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        const label = componentLabel("PublicLoadBalancer", name);
        const plan = planLoadBalancer(label, {
            ...args,
            publicSubnetAzCount: args.network.publicSubnetAzCount ?? 0,
            publicSubnetPrefix: args.network.publicSubnetPrefix,
            vpcPrefix: args.network.vpcPrefix,
        });
        if (args.network.publicSubnetIds === undefined) {
            throw new LoadBalancerPlanError(
                label,
                "network has no public subnets to place the load balancer in; use a pattern component, or adopt the network with its public subnets.",
            );
        }
        super("ecsnet:lb:PublicLoadBalancer", name, {}, opts);
        const parent = { parent: this };
        this.plan = plan;
        this.network = args.network;
        this.vpcId = args.network.vpcId;

        // A description AWS cannot change in place (a new one replaces the group): it stays constant, and
        // each rule's description names its source. Groups created before release 0.2 described their
        // CIDRs and ports: ignoring the description keeps them.
        const group = new aws.ec2.SecurityGroup(
            `${name}-lb-sg`,
            {
                vpcId: args.network.vpcId,
                description: `Load balancer ${name}`,
                tags: nameTags(`${name}-lb-sg`, args.tags),
            },
            { parent: this, ignoreChanges: ["description"] },
        );
        this.securityGroupRef = { group, owner: this, name: `${name}-lb`, tags: args.tags };
        // No egress rule here: each routed service adds one to its own task port, and nothing else.
        // A rule is named by its port and source, never by the CIDR's place in the list (release 0.1
        // named them `cidr-<index>`: the alias keeps a live rule whose CIDR is still at that index).
        const ingress = plan.ingressPorts.flatMap((port) =>
            plan.ingressCidrs.map((cidr, i) => {
                const internet = cidr === "0.0.0.0/0";
                return new aws.vpc.SecurityGroupIngressRule(
                    `${name}-lb-in-tcp-${port}-from-${internet ? "internet" : cidr.replace(/[./]/g, "-")}`,
                    {
                        securityGroupId: group.id,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        cidrIpv4: cidr,
                        description: `${port === 80 && plan.redirectHttp ? "HTTP, redirected to HTTPS" : port === 443 ? "HTTPS" : "HTTP"} from ${cidr}`,
                    },
                    {
                        parent: this,
                        ...(internet
                            ? {}
                            : { aliases: [{ name: `${name}-lb-in-tcp-${port}-from-cidr-${i}` }] }),
                    },
                );
            }),
        );

        let bucketPolicy: aws.s3.BucketPolicy | undefined;
        if (args.accessLogs) {
            ({ bucket: this.accessLogBucket, policy: bucketPolicy } = accessLogBucket(
                this,
                name,
                args.accessLogRetentionDays ?? 90,
                args.tags,
            ));
        }
        // `<name>-lb` unless AWS would refuse its auto-name (32 of [A-Za-z0-9-], not internal-...).
        const lbName = awsResourceName("aws:lb/loadBalancer:LoadBalancer", name, "lb");
        this.loadBalancer = new aws.lb.LoadBalancer(
            lbName,
            {
                loadBalancerType: "application",
                internal: false,
                subnets: args.network.publicSubnetIds,
                securityGroups: [group.id],
                dropInvalidHeaderFields: true,
                ...(this.accessLogBucket
                    ? {
                          accessLogs: {
                              bucket: this.accessLogBucket.bucket,
                              enabled: true,
                              prefix: name,
                          },
                      }
                    : {}),
                tags: nameTags(lbName, args.tags),
            },
            // AWS checks the bucket policy when access logs are turned on, and refuses an internet-facing
            // load balancer until the VPC has an internet gateway.
            {
                parent: this,
                dependsOn: [
                    ...ingress,
                    ...(bucketPolicy ? [bucketPolicy] : []),
                    ...(args.network.publicReady ?? []),
                ],
            },
        );
        const notFound = {
            type: "fixed-response",
            fixedResponse: {
                contentType: "text/plain",
                statusCode: "404",
                messageBody: "Not found",
            },
        };
        const redirect = {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
        };
        // One listener on port 80 whatever the protocol: it serves the routes over plain HTTP, or
        // redirects to HTTPS. Switching between the two changes its action in place; two listeners on
        // one port would be refused (DuplicateListener). Until release 0.2 the redirect was
        // `<name>-http-redirect`: the alias keeps it.
        const http = new aws.lb.Listener(
            `${name}-http`,
            {
                loadBalancerArn: this.loadBalancer.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: [plan.redirectHttp ? redirect : notFound],
                tags: nameTags(`${name}-http`, args.tags),
            },
            { parent: this, aliases: [{ name: `${name}-http-redirect` }] },
        );
        if (plan.protocol === "HTTPS") {
            this.listener = new aws.lb.Listener(
                `${name}-https`,
                {
                    loadBalancerArn: this.loadBalancer.arn,
                    port: 443,
                    protocol: "HTTPS",
                    sslPolicy: TLS_POLICY,
                    certificateArn: args.certificateArn,
                    defaultActions: [notFound],
                    tags: nameTags(`${name}-https`, args.tags),
                },
                parent,
            );
            this.redirectListener = http;
        } else {
            this.listener = http;
        }
        this.dnsName = this.loadBalancer.dnsName;
        this.url = pulumi.interpolate`${plan.protocol === "HTTPS" ? "https" : "http"}://${this.loadBalancer.dnsName}`;
        this.registerOutputs({
            dnsName: this.dnsName,
            url: this.url,
            securityGroupId: group.id,
            accessLogBucket: this.accessLogBucket?.bucket,
        });
    }
}

/**
 * The access log bucket: public access blocked, SSE-S3 encryption (the only kind load balancer log
 * delivery supports), TLS-only access, logs expiring after `days`, and the policy that lets the
 * Region's log delivery write under `AWSLogs/<account>/`.
 */
function accessLogBucket(
    parent: PublicLoadBalancer,
    name: string,
    days: number,
    tags: Record<string, string> | undefined,
) {
    const opts = { parent };
    const bucket = new aws.s3.Bucket(
        `${name}-lb-logs`,
        { forceDestroy: true, tags: nameTags(`${name}-lb-logs`, tags) },
        opts,
    );
    const block = new aws.s3.BucketPublicAccessBlock(
        `${name}-lb-logs`,
        {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        opts,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-lb-logs`,
        {
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        },
        opts,
    );
    new aws.s3.BucketLifecycleConfiguration(
        `${name}-lb-logs`,
        {
            bucket: bucket.id,
            rules: [
                { id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days } },
            ],
        },
        opts,
    );
    const identity = aws.getCallerIdentityOutput({}, opts);
    const region = aws.getRegionOutput({}, opts);
    const partition = aws.getPartitionOutput({}, opts);
    const policy = new aws.s3.BucketPolicy(
        `${name}-lb-logs`,
        {
            bucket: bucket.id,
            policy: pulumi
                .all([bucket.arn, identity.accountId, region.region, partition.partition])
                .apply(([arn, account, r, p]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "LoadBalancerLogDelivery",
                                Effect: "Allow",
                                Principal: logDeliveryPrincipal(r, p),
                                Action: "s3:PutObject",
                                Resource: `${arn}/${name}/AWSLogs/${account}/*`,
                            },
                            {
                                Sid: "TlsOnly",
                                Effect: "Deny",
                                Principal: "*",
                                Action: "s3:*",
                                Resource: [arn, `${arn}/*`],
                                Condition: { Bool: { "aws:SecureTransport": "false" } },
                            },
                        ],
                    }),
                ),
        },
        // S3 refuses a policy while the public access block is being written.
        { parent, dependsOn: [block] },
    );
    return { bucket, policy };
}
