import * as pulumi from "@pulumi/pulumi";

export type AppProtocol = "http" | "http2" | "grpc";

export interface PortMappingArgs {
    /** The port mapping's name; Service Connect's `portName` refers to it. Lowercase letters, digits, `_`, `-`; at most 64; not starting with `-`. */
    name: string;
    containerPort: number;
    /** @default "tcp" */
    protocol?: "tcp" | "udp";
    /** HTTP-level behaviour and metrics in Service Connect; leave it out for plain TCP. Changing it later recreates the Service Connect service. */
    appProtocol?: AppProtocol;
    /** Admit this port from 0.0.0.0/0. Only on a network whose tasks get public IPs. @default false */
    openToInternet?: boolean;
}

export interface ContainerArgs {
    name: string;
    image: pulumi.Input<string>;
    /** CPU units reserved for this container inside the task. @default none (shares the task's) */
    cpu?: number;
    /** Hard memory limit (MiB) for this container. @default none (the task's) */
    memory?: number;
    /** @default true */
    essential?: boolean;
    command?: string[];
    environment?: Record<string, pulumi.Input<string>>;
    /** Environment variables from SSM parameters or Secrets Manager secrets, by ARN. */
    secrets?: Record<string, pulumi.Input<string>>;
    portMappings?: PortMappingArgs[];
}

export interface ClientAliasArgs {
    /** The port clients use. @default the port mapping's containerPort */
    port?: number;
    /** The name clients use. @default `<discoveryName>.<namespace>` */
    dnsName?: string;
}

export interface ServiceConnectTlsArgs {
    issuerCertAuthorityArn: pulumi.Input<string>;
    kmsKey?: pulumi.Input<string>;
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
    tls?: ServiceConnectTlsArgs;
}
