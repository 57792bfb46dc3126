/**
 * The components in a program of your own: a public web service on the public pattern, and an
 * internal API (a Service Connect server) with the worker that calls it on the private pattern, all
 * in one cluster. In your project, import from the package you copied `components/` into.
 */
import {
    EcsService,
    PrivateSubnetNetwork,
    PublicSubnetNetwork,
    ServiceConnectCluster,
} from "../../components";

// Public: tasks get public IPs behind an internet gateway. Private: NAT egress, no public IPs.
const edge = new PublicSubnetNetwork("edge", { cidrBlock: "10.10.0.0/16", azCount: 2 });
const core = new PrivateSubnetNetwork("core", {
    cidrBlock: "10.20.0.0/16",
    azCount: 2,
    natStrategy: "Single",
});
const cluster = new ServiceConnectCluster("apps", { namespaceName: "apps.internal" });

// Port 80 is open to the internet because this says so, and nothing else is.
const web = new EcsService("web", {
    cluster,
    network: edge,
    containers: [
        {
            name: "web",
            image: "public.ecr.aws/nginx/nginx:stable",
            portMappings: [{ name: "http", containerPort: 80, openToInternet: true }],
        },
    ],
});

// The server: reachable only from services that call it, as http://api.apps.internal:80 (httpd listens on 80).
const api = new EcsService("api", {
    cluster,
    network: core,
    containers: [
        {
            name: "api",
            image: "public.ecr.aws/docker/library/httpd:2.4",
            portMappings: [{ name: "api", containerPort: 80, appProtocol: "http" }],
        },
    ],
    expose: [{ portName: "api" }],
    sensitive: true,
});

// The client: deployed after the server, admitted to its port, and given API_URL.
const worker = new EcsService("worker", {
    cluster,
    network: core,
    containers: [
        {
            name: "worker",
            image: "public.ecr.aws/docker/library/busybox:stable",
            command: ["sh", "-c", "while true; do wget -qO- $API_URL; sleep 30; done"],
        },
    ],
    calls: [api],
});

export const webService = web.service.name;
export const apiUrl = api.endpointUrls[0];
export const workerService = worker.service.name;
