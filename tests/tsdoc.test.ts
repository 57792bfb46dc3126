import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const COMPONENTS = path.resolve(__dirname, "..", "components");

function sources(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) =>
            e.isDirectory()
                ? sources(path.join(dir, e.name))
                : e.name.endsWith(".ts")
                  ? [path.join(dir, e.name)]
                  : [],
        );
}

const exported = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const documented = (node: ts.Node) => ts.getJSDocCommentsAndTags(node).length > 0;

/**
 * What a user of the components reads in their editor: every argument of every exported `...Args`
 * interface (and the container, port and Service Connect types), every property of the network
 * shape, and every public output of every component class.
 */
function undocumented(): string[] {
    const missing: string[] = [];
    for (const file of sources(COMPONENTS)) {
        const source = ts.createSourceFile(
            file,
            fs.readFileSync(file, "utf8"),
            ts.ScriptTarget.ES2022,
            true,
        );
        const where = (node: ts.Node, owner: string, member: string) =>
            `${path.relative(COMPONENTS, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${owner}.${member}`;
        source.forEachChild((node) => {
            if (!exported(node)) return;
            if (
                ts.isInterfaceDeclaration(node) &&
                (/Args$/.test(node.name.text) ||
                    ["EcsNetwork", "NetworkFacts"].includes(node.name.text))
            ) {
                for (const m of node.members)
                    if (ts.isPropertySignature(m) && !documented(m))
                        missing.push(where(m, node.name.text, m.name.getText()));
            }
            const isComponent =
                ts.isClassDeclaration(node) &&
                (node.heritageClauses ?? []).some((h) => /ComponentResource/.test(h.getText()));
            if (isComponent && ts.isClassDeclaration(node)) {
                for (const m of node.members) {
                    const hidden = (ts.getModifiers(m as ts.PropertyDeclaration) ?? []).some(
                        (x) =>
                            x.kind === ts.SyntaxKind.PrivateKeyword ||
                            x.kind === ts.SyntaxKind.ProtectedKeyword,
                    );
                    if (ts.isPropertyDeclaration(m) && !hidden && !documented(m))
                        missing.push(where(m, node.name!.text, m.name.getText()));
                }
            }
        });
    }
    return missing;
}

describe("TSDoc on the components' public surface", () => {
    it("documents every argument and every output a user of the components sees", () => {
        assert.deepStrictEqual(undocumented(), []);
    });
});
