/**
 * What each policy protects against and how to fix a violation: the help text of the pack's rules in
 * SARIF (GitHub code scanning shows it next to each alert) and in the README's policy table, and
 * how severe a violation is on code scanning's CVSS-like 0-10 scale (9 and up critical, 7 high): an
 * open SSH port or a reachable internal API is high, as is a sensitive task's public IP.
 */
export const POLICY_HELP: Record<
    string,
    { summary: string; fix: string; securitySeverity: number }
> = {
    "no-ssh-from-internet": {
        summary:
            "A security group rule (inline, SecurityGroupRule, vpc.SecurityGroupIngressRule, or aws-native) admits SSH (TCP 22 or all traffic) from the whole internet, IPv4 or IPv6, written as one CIDR or several that together cover the address space.",
        fix: "Narrow the source to your own network's CIDR or a security group, or reach hosts with SSM Session Manager or ECS Exec instead of SSH.",
        securitySeverity: 8.6,
    },
    "no-ssh-from-internet-per-security-group": {
        summary:
            "The union of every ingress rule that applies to one security group, across resources and providers and with customer-managed prefix lists resolved to their entries, admits SSH from the whole internet.",
        fix: "Remove or narrow the rules the message names; each may look harmless alone, together they open SSH to everyone.",
        securitySeverity: 8.6,
    },
    "no-public-ip-on-sensitive-tasks": {
        summary:
            "An ECS service or task set classified sensitive (its own tags, default tags, stack tags or the pack's config) sets assignPublicIp, so each task gets a public IP.",
        fix: 'Set assignPublicIp to false ("DISABLED" in aws-native) and run the tasks in private subnets that reach the internet through a NAT gateway.',
        securitySeverity: 7.5,
    },
    "no-public-ip-on-sensitive-tasks-by-reference": {
        summary:
            "A sensitive ECS task gets a public IP through another resource: a sensitive task definition or service behind assignPublicIp, or EC2 hosts with public IPs (launch template, launch configuration or subnet) behind its capacity provider, its cluster's default strategy, or launchType EC2.",
        fix: 'Launch the instances in private subnets with associatePublicIpAddress "false", or run the task on Fargate in private subnets.',
        securitySeverity: 7.5,
    },
    "service-connect-servers-internal": {
        summary:
            "Proven on the stack's reachability analysis: a Service Connect server (an internal API) that the internet can reach by any path (a public IP with a route to the internet gateway and an open rule, or an internet-facing load balancer), or whose security groups admit anything but ECS services' groups on its Service Connect ports; or a sensitive service the internet can reach directly.",
        fix: "Run servers in private subnets without public IPs, admit only the calling services' security groups, and tag a server that is meant to be public service-connect-exposure=public (or waive it with a reason and an expiry).",
        securitySeverity: 8.2,
    },
};
