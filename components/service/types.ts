import * as pulumi from "@pulumi/pulumi";

export type AppProtocol = "http" | "http2" | "grpc";

export interface PortMappingArgs {
    /** The port mapping's name; Service Connect's `portName` refers to it. Lowercase letters, digits, `_`, `-`; at most 64; not starting with `-`. */
    name: string;
    /** The port the container listens on, 1 to 65535; one mapping per port and protocol. */
    containerPort: number;
    /** @default "tcp" */
    protocol?: "tcp" | "udp";
    /** HTTP-level behaviour and metrics in Service Connect; leave it out for plain TCP. Changing it later recreates the Service Connect service. */
    appProtocol?: AppProtocol;
    /** Admit this port from 0.0.0.0/0. Only on a network whose tasks get public IPs. @default false */
    openToInternet?: boolean;
}

export interface ContainerArgs {
    /** The container's name: ASCII letters, digits, `_` and `-`, 1 to 255 characters, unique in the task. */
    name: string;
    /** The image reference, `[registry/]repository[:tag][@digest]`; with no NAT, from private ECR only. */
    image: pulumi.Input<string>;
    /** CPU units reserved for this container inside the task. @default none (shares the task's) */
    cpu?: number;
    /** Hard memory limit (MiB) for this container. @default none (the task's) */
    memory?: number;
    /** @default true */
    essential?: boolean;
    /** Overrides the image's command. @default the image's */
    command?: string[];
    /** Environment variables; an empty value is allowed. Names set from `calls` (`<NAME>_URL`) are refused. @default {} */
    environment?: Record<string, pulumi.Input<string>>;
    /** Environment variables from SSM parameters or Secrets Manager secrets, by ARN. */
    secrets?: Record<string, pulumi.Input<string>>;
    /** The ports the container listens on; each has a name Service Connect's `portName` refers to. @default [] */
    portMappings?: PortMappingArgs[];
}

export interface ClientAliasArgs {
    /** The port clients use. @default the port mapping's containerPort */
    port?: number;
    /** The name clients use. @default `<discoveryName>.<namespace>` */
    dnsName?: string;
}

export interface ServiceConnectTlsArgs {
    /** The AWS Private CA that issues the Service Connect certificates. */
    issuerCertAuthorityArn: pulumi.Input<string>;
    /** The KMS key that encrypts the certificates' private keys. @default an AWS-owned key */
    kmsKey?: pulumi.Input<string>;
    /** The role ECS uses to reach the CA. @default ECS's infrastructure role */
    roleArn?: pulumi.Input<string>;
}

/** One port this service offers to other services in the namespace (a Service Connect "service"). */
export interface ExposeArgs {
    /** The `name` of one of the task's port mappings. */
    portName: string;
    /** The Cloud Map service name; unique in the namespace. @default portName */
    discoveryName?: string;
    /** At most one alias (ECS accepts one per entry). @default one alias on the container port */
    clientAliases?: ClientAliasArgs[];
    /** 0 disables; otherwise at least 1. @default ECS's (300 s HTTP, 3600 s TCP) */
    idleTimeoutSeconds?: number;
    /** Only for http, http2 and grpc ports. 0 disables; otherwise at least 1. @default ECS's 15 s */
    perRequestTimeoutSeconds?: number;
    /** TLS between the Service Connect proxies, with a Private CA. @default none (plain TCP between proxies) */
    tls?: ServiceConnectTlsArgs;
}
