/**
 * The shapes the reports share (the text, Markdown and JSON report, the diagram): plain types, a
 * leaf every report module imports and none of them imports back.
 */
import type { ResourceOptionsView } from "../engine/view";

export interface ServiceConnectEntry {
    service: string;
    role: "server" | "client";
    endpoints: string[];
    calls: string[];
    /**
     * The environment variables that carry a called server's URL into this service's containers:
     * named after the server port's discovery name (`API_URL` for port "api"), not the service's.
     */
    variables: Record<string, string>;
}

export interface ReportResource {
    urn: string;
    id: string | null;
    type: string;
    name: string;
    parent: string | null;
    dependsOn: string[];
    /** Which resources feed which input, as the engine records them. */
    propertyDependencies: Record<string, string[]>;
    inputs: Record<string, any>;
    options: ResourceOptionsView;
}

/** What a load balancer listener rule routes, to which service and port. */
export interface LoadBalancerRoute {
    loadBalancer: string;
    /** `HTTPS:443` or `HTTP:80`. */
    listener: string;
    hosts: string[];
    paths: string[];
    service: string;
    containerPort: number | string;
    /** The listener rule's priority: the lowest is evaluated first. */
    priority: number | string;
}
