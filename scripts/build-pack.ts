/**
 * `npm run build:pack` (run by `npm ci` through `prepare`, and by `npm test`): the policy pack compiled
 * to JavaScript in `policies/bin`, a pack directory of its own (PulumiPolicy.yaml, package.json whose
 * main is index.js). The Pulumi loader type-checks a TypeScript pack with ts-node at every start; the
 * compiled pack starts without that, for `pulumi preview --policy-pack policies/bin`,
 * `pulumi policy publish` (from policies/bin) and the offline plan. The TypeScript stays the source.
 */
import * as fs from "fs";
import * as path from "path";

const PACK = path.resolve(__dirname, "../policies");
const BIN = path.join(PACK, "bin");

const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
fs.writeFileSync(path.join(BIN, "package.json"), JSON.stringify({ ...pkg, main: "index.js" }, null, 2) + "\n");
fs.copyFileSync(path.join(PACK, "PulumiPolicy.yaml"), path.join(BIN, "PulumiPolicy.yaml"));
if (!fs.existsSync(path.join(BIN, "index.js"))) {
    throw new Error(`build-pack: ${BIN}/index.js is missing; run tsc -p policies/tsconfig.build.json first.`);
}
