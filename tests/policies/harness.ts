import { ResourceValidationPolicy, StackValidationPolicy, PolicyResource } from "@pulumi/policy";
// The SDK's own proxy and unknown sentinels, exactly as the policy runtime applies them.
export const proxy = require("@pulumi/policy/proxy");

/** Runs a resource policy as the runtime does (props behind unknownCheckingProxy); returns its messages. */
export function runResource(
    policy: ResourceValidationPolicy,
    type: string,
    props: Record<string, any>,
    opts: {
        config?: object;
        stackTags?: Record<string, string>;
        name?: string;
        provider?: any;
    } = {},
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

/**
 * Runs a stack policy as the runtime does: every resource's props (and its provider's) behind the
 * SDK's unknownCheckingProxy. A report in the SDK's object form (a level of its own) comes back with
 * `enforcementLevel`; the plain form has only message and urn.
 */
export function runStack(
    policy: StackValidationPolicy,
    resources: (Partial<PolicyResource> | Record<string, any>)[],
    opts: { config?: object; stackTags?: Record<string, string> } = {},
): { message: string; urn?: string; enforcementLevel?: string }[] {
    const out: { message: string; urn?: string; enforcementLevel?: string }[] = [];
    // One proxied object per resource, so property dependencies point at the same objects.
    const proxied = new Map<object, any>();
    for (const r of resources) {
        proxied.set(r, {
            propertyDependencies: {},
            dependencies: [],
            ...r,
            props: proxy.unknownCheckingProxy(r.props ?? {}),
            provider: r.provider && {
                ...r.provider,
                props: proxy.unknownCheckingProxy(r.provider.props ?? {}),
            },
        });
    }
    for (const p of proxied.values()) {
        p.propertyDependencies = Object.fromEntries(
            Object.entries(p.propertyDependencies ?? {}).map(([k, deps]) => [
                k,
                (deps as any[]).map((d) => proxied.get(d) ?? d),
            ]),
        );
    }
    (policy.validateStack as (a: any, r: any) => void)(
        {
            resources: [...proxied.values()],
            stackTags: new Map(Object.entries(opts.stackTags ?? {})),
            getConfig: () => opts.config ?? {},
            notApplicable: () => {
                throw new Error("not applicable");
            },
        },
        (message: any, urn?: string) =>
            out.push(
                typeof message === "string"
                    ? { message, urn }
                    : {
                          message: String(message.message).split("\n").slice(1).join("\n"),
                          urn: message.urn ?? urn,
                          enforcementLevel: message.enforcementLevel,
                      },
            ),
    );
    return out;
}
