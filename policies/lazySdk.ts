/**
 * The pack's start, cut from 1.7 s to what the policy SDK needs. `@pulumi/policy` requires
 * `@pulumi/pulumi`'s index only for `asset` and `Output` (deserialize.js: assets in properties, and
 * `Output.isInstance` when it serialises a remediation), but the index also loads the Automation API,
 * closure serialisation (the TypeScript compiler) and `@npmcli/arborist`: about 1.2 s of the 1.7 s
 * a `pulumi preview` waits for the pack, measured with a require timer. So, before the SDK loads, the
 * index's place in the require cache holds an object that serves `asset` and `Output` from their own
 * modules (the same classes the index re-exports) and loads the real index on any other property.
 * Imported first by index.ts; the rules never import `@pulumi/pulumi`.
 */
import Module = require("module");

const INDEX = require.resolve("@pulumi/pulumi");

if (require.cache[INDEX] === undefined) {
    let full: Record<string | symbol, unknown> | undefined;
    const real = () => {
        if (full === undefined) {
            delete require.cache[INDEX];
            full = require(INDEX) as Record<string | symbol, unknown>;
        }
        return full;
    };
    const parts: Record<string, () => unknown> = {
        asset: () => require("@pulumi/pulumi/asset"),
        Output: () => require("@pulumi/pulumi/output").Output,
    };
    const lazy = new Proxy({} as Record<string | symbol, unknown>, {
        get: (_target, key) =>
            typeof key === "string" && key in parts && full === undefined
                ? parts[key]()
                : real()[key],
        has: (_target, key) => key in real(),
        ownKeys: () => Reflect.ownKeys(real()),
        getOwnPropertyDescriptor: (_target, key) => {
            const d = Reflect.getOwnPropertyDescriptor(real(), key);
            return d && { ...d, configurable: true };
        },
    });
    const placeholder = new Module(INDEX);
    placeholder.filename = INDEX;
    placeholder.loaded = true;
    placeholder.exports = lazy;
    require.cache[INDEX] = placeholder;
}
