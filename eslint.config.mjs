/**
 * npm run lint (part of npm test): the mistakes the style guide names, caught before review.
 * - @pulumi/eslint-plugin: no Output (or OutputInstance) inside a template literal; use pulumi.interpolate.
 * - no resource created inside apply (eslint/no-resource-in-apply.mjs).
 * - promises are awaited or handled (a dropped registration or RPC fails silently).
 * - components/index.ts exports by name only.
 */
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";
import noResourceInApply from "./eslint/no-resource-in-apply.mjs";

export default tseslint.config(
    // The lint fixtures break the rules on purpose; tests/lint.test.ts lints them itself.
    {
        ignores: [
            "node_modules/**",
            "policies/node_modules/**",
            "bin/**",
            ".scratch/**",
            "plan-out/**",
            "**/*.js",
            "**/*.mjs",
            "docs/**",
            "tests/fixtures/lint/**",
        ],
    },
    {
        files: ["**/*.ts"],
        languageOptions: {
            parser: tseslint.parser,
            // One program from tsconfig.json (every linted file must be in it): half the time the
            // project service takes over this tree (23 s against 42 s on 2 cores).
            parserOptions: { project: ["./tsconfig.json"], tsconfigRootDir: import.meta.dirname },
        },
        plugins: {
            "@pulumi": pulumi,
            "@typescript-eslint": tseslint.plugin,
            ecsnet: { rules: { "no-resource-in-apply": noResourceInApply } },
        },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "ecsnet/no-resource-in-apply": "error",
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-misused-promises": "error",
        },
    },
    {
        files: ["components/index.ts"],
        rules: {
            "no-restricted-syntax": [
                "error",
                {
                    selector: "ExportDefaultDeclaration, ExportAllDeclaration",
                    message: "components/index.ts exports by name only.",
                },
            ],
        },
    },
);
