import { evaluateStack } from "../offline/program";
const web = (extra: Record<string, unknown> = {}) => ({ name: "web", image: "nginx", ports: [{ name: "http", containerPort: 80 }], loadBalancer: { port: "http" }, ...extra });
const cert = "arn:aws:acm:us-east-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10";
const CASES: [string, Record<string, unknown>][] = [
    ["a certificate ARN of the wrong form", { "ecsnet:certificateArn": "arn:aws:iam::111111111111:server-certificate/web", "ecsnet:services": [web()] }],
    ["a load balancer with neither a certificate nor plain HTTP asked for", { "ecsnet:services": [web()] }],
    ["a health check path without a leading slash", { "ecsnet:certificateArn": cert, "ecsnet:services": [web({ loadBalancer: { port: "http", healthCheck: { path: "health" } } })] }],
    ["a routed port that is not one of the service's ports", { "ecsnet:certificateArn": cert, "ecsnet:services": [web({ loadBalancer: { port: "https" } })] }],
    ["two services claiming one host and path", { "ecsnet:certificateArn": cert, "ecsnet:services": [web({ loadBalancer: { port: "http", hosts: ["app.example.com"], paths: ["/api/*"] } }), web({ name: "api", loadBalancer: { port: "http", hosts: ["APP.example.com"], paths: ["/api/*"] } })] }],
    ["scaling min above max", { "ecsnet:certificateArn": cert, "ecsnet:services": [web({ scaling: { min: 4, max: 2, cpuPercent: 50 } })] }],
    ["a load balancer on a one-zone network", { "ecsnet:azCount": 1, "ecsnet:certificateArn": cert, "ecsnet:services": [web()] }],
    ["requestsPerTarget without a load balancer", { "ecsnet:services": [{ name: "api", image: "nginx", scaling: { requestsPerTarget: 100 } }] }],
    ["a certificate with no service routed", { "ecsnet:certificateArn": cert }],
    ["a certificate of another Region", {"ecsnet:certificateArn":"arn:aws:acm:eu-west-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10","ecsnet:services":[{"name":"web","image":"nginx","ports":[{"name":"http","containerPort":80}],"loadBalancer":{"port":"http"}}]}],
    ["a certificate of another Region", { "ecsnet:certificateArn": "arn:aws:acm:eu-west-1:111111111111:certificate/2f0c1a9e-7b3d-4e52-9a61-0c8d4b7e5f10", "ecsnet:services": [web()] }],
    ["a load balancer CIDR that is not one", { "ecsnet:certificateArn": cert, "ecsnet:loadBalancerCidrs": ["10.0.0.0/33"], "ecsnet:services": [web()] }],
];
(async () => {
    const out: string[] = [];
    for (const [what, extra] of CASES) {
        let n = -1;
        try {
            await evaluateStack("/work/main", "dev", { extraConfig: extra, observe: (r) => (n = r.filter((x) => x.type !== "pulumi:pulumi:Stack").length) });
            out.push(`ACCEPTED ${what}`);
        } catch (e: any) {
            out.push(`    [${JSON.stringify(what)}, ${JSON.stringify(extra)}, ${JSON.stringify(e.message)}], // ${n}`);
        }
    }
    console.log(out.join("\n"));
    process.exit(0);
})();
