import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../tags";
import { INTERFACE_ENDPOINT_SERVICES } from "./plan";

export interface VpcEndpoints {
    readonly s3: aws.ec2.VpcEndpoint;
    readonly interfaces: Record<string, aws.ec2.VpcEndpoint>;
    /** Every endpoint service, gateway and interface: `s3`, `ecr.api`, ... */
    readonly services: string[];
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly ids: pulumi.Output<Record<string, string>>;
}

export function createVpcEndpoints(
    parent: pulumi.Resource,
    name: string,
    args: {
        vpc: aws.ec2.Vpc;
        subnetIds: pulumi.Output<string[]>;
        routeTableIds: pulumi.Output<string>[];
        /** Interface endpoint services beyond ecr.api, ecr.dkr and logs. */
        extraServices?: readonly string[];
        tags: Record<string, string> | undefined;
    },
): VpcEndpoints {
    const interfaceServices = [
        ...new Set([...INTERFACE_ENDPOINT_SERVICES, ...(args.extraServices ?? [])]),
    ];
    const region = aws.getRegionOutput({}, { parent }).region;
    const service = (suffix: string) => pulumi.interpolate`com.amazonaws.${region}.${suffix}`;

    // ECR keeps image layers in S3: the gateway endpoint is free and takes them off the NAT.
    const s3 = new aws.ec2.VpcEndpoint(
        `${name}-vpce-s3`,
        {
            vpcId: args.vpc.id,
            serviceName: service("s3"),
            vpcEndpointType: "Gateway",
            routeTableIds: args.routeTableIds,
            tags: nameTags(`${name}-vpce-s3`, args.tags),
        },
        { parent },
    );
    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-vpce-sg`,
        {
            vpcId: args.vpc.id,
            description: "Interface endpoints: HTTPS from inside the VPC only",
            tags: nameTags(`${name}-vpce-sg`, args.tags),
        },
        { parent },
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-vpce-https`,
        {
            securityGroupId: securityGroup.id,
            description: "HTTPS from the VPC",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: args.vpc.cidrBlock,
            tags: nameTags(`${name}-vpce-https`, args.tags),
        },
        { parent },
    );
    const interfaces = Object.fromEntries(
        interfaceServices.map((svc) => {
            const endpointName = `${name}-vpce-${svc.replace(/\./g, "-")}`;
            const endpoint = new aws.ec2.VpcEndpoint(
                endpointName,
                {
                    vpcId: args.vpc.id,
                    serviceName: service(svc),
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: args.subnetIds,
                    securityGroupIds: [securityGroup.id],
                    tags: nameTags(endpointName, args.tags),
                },
                { parent },
            );
            return [svc, endpoint];
        }),
    ) as Record<string, aws.ec2.VpcEndpoint>;
    const ids = pulumi.all({
        s3: s3.id,
        ...Object.fromEntries(Object.entries(interfaces).map(([svc, e]) => [svc, e.id])),
    });
    return { s3, interfaces, services: ["s3", ...interfaceServices], securityGroup, ids };
}
