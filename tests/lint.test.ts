import * as assert from "assert";
import { ESLint } from "eslint";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

describe("the lint that npm test runs", () => {
    it("catches each mistake the style guide names, on the line it is made, and nothing else", async function () {
        this.timeout(120_000);
        const file = path.join(ROOT, "tests", "fixtures", "lint", "mistakes.ts");
        const eslint = new ESLint({ cwd: ROOT, ignore: false });
        const [result] = await eslint.lintFiles([file]);
        const expected = fs
            .readFileSync(file, "utf8")
            .split("\n")
            .flatMap((line, i) => (/\/\/ breaks: (\S+)$/.exec(line) ? [[i + 1, /\/\/ breaks: (\S+)$/.exec(line)![1]]] : []));
        assert.strictEqual(expected.length, 3);
        assert.deepStrictEqual(result.messages.map((m) => [m.line, m.ruleId]), expected);
    });
});
