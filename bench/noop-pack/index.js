// The Analyzer protocol's own floor: the same loader, the same gRPC server, one resource policy and
// one stack policy that judge nothing. bench/run.ts times the real pack against it side by side.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("noop", {
    enforcementLevel: "mandatory",
    policies: [
        {
            name: "noop-resource",
            description: "Looks at nothing.",
            validateResource: () => undefined,
        },
        { name: "noop-stack", description: "Looks at nothing.", validateStack: () => undefined },
    ],
});
