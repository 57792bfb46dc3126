import * as assert from "assert";
import { ESLint } from "eslint";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

describe("the lint that npm test runs", () => {
    it("catches each mistake the style guide names, on the line it is made, and nothing else", async function () {
        this.timeout(120_000);
        const file = path.join(ROOT, "tests", "fixtures", "lint", "mistakes.ts");
        // The repository's rules, with type information from a program of the fixture alone (the whole
        // tree's program is what npm run lint builds; building it twice costs 15 s here).
        const eslint = new ESLint({
            cwd: ROOT,
            ignore: false,
            overrideConfig: {
                files: ["tests/fixtures/lint/**/*.ts"],
                languageOptions: {
                    parserOptions: {
                        project: ["./tests/fixtures/lint/tsconfig.json"],
                        tsconfigRootDir: ROOT,
                    },
                },
            },
        });
        const [result] = await eslint.lintFiles([file]);
        const expected = fs
            .readFileSync(file, "utf8")
            .split("\n")
            .flatMap((line, i) =>
                /\/\/ breaks: (\S+)$/.exec(line)
                    ? [[i + 1, /\/\/ breaks: (\S+)$/.exec(line)![1]]]
                    : [],
            );
        assert.strictEqual(expected.length, 3);
        assert.deepStrictEqual(
            result.messages.map((m) => [m.line, m.ruleId]),
            expected,
        );
    });
});
