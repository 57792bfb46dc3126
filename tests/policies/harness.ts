import { ResourceValidationPolicy, StackValidationPolicy, PolicyResource } from "@pulumi/policy";
// The SDK's own proxy and unknown sentinels, exactly as the policy runtime applies them.
export const proxy = require("@pulumi/policy/proxy");

/** Runs a resource policy as the runtime does (props behind unknownCheckingProxy); returns its messages. */
export function runResource(
    policy: ResourceValidationPolicy,
    type: string,
    props: Record<string, any>,
    opts: { config?: object; stackTags?: Record<string, string>; name?: string; provider?: any } = {},
): string[] {
    const messages: string[] = [];
    const validate = policy.validateResource as (a: any, r: any) => void;
    validate(
        {
            type,
            props: proxy.unknownCheckingProxy(props),
            urn: `urn:pulumi:test::p::${type}::${opts.name ?? "r"}`,
            name: opts.name ?? "r",
            opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] },
            provider: opts.provider,
            stackTags: new Map(Object.entries(opts.stackTags ?? {})),
            getConfig: () => opts.config ?? {},
            notApplicable: () => {
                throw new Error("not applicable");
            },
            isType: () => false,
            asType: () => undefined,
        },
        (message: string) => messages.push(message),
    );
    return messages;
}

export function runStack(policy: StackValidationPolicy, resources: Partial<PolicyResource>[], opts: { config?: object; stackTags?: Record<string, string> } = {}): { message: string; urn?: string }[] {
    const out: { message: string; urn?: string }[] = [];
    (policy.validateStack as (a: any, r: any) => void)(
        {
            resources: resources.map((r) => ({ propertyDependencies: {}, dependencies: [], ...r })),
            stackTags: new Map(Object.entries(opts.stackTags ?? {})),
            getConfig: () => opts.config ?? {},
            notApplicable: () => {
                throw new Error("not applicable");
            },
        },
        (message: string, urn?: string) => out.push({ message, urn }),
    );
    return out;
}
