/**
 * The policy pack compiled to JavaScript in `policies/bin`: a pack directory of its own
 * (PulumiPolicy.yaml, package.json whose main is index.js). The Pulumi loader type-checks a
 * TypeScript pack with ts-node at every start; the compiled pack starts without that, for
 * `pulumi preview --policy-pack policies/bin`, `pulumi policy publish` (from policies/bin) and the
 * offline plan. The TypeScript stays the source.
 *
 * Built by `npm run build:pack`, by `npm test`, and by `npm run plan` itself whenever the build is
 * missing or older than its sources: `.npmrc` sets `ignore-scripts=true`, so `npm ci` runs no
 * `prepare`, and a fresh clone's first command must still work. The compiler runs in-process (the
 * TypeScript API, as `tsc -p policies/tsconfig.build.json` does) into a fresh directory that replaces
 * `policies/bin` only once it is complete, so a failed or interrupted build never leaves half a pack.
 */
import * as fs from "fs";
import * as path from "path";
import type * as TypeScript from "typescript";

/** Where the pack is, relative to the project root: its TypeScript source, and the compiled pack. */
export const PACK_SOURCE_DIR = "policies";
export const PACK_DIR = "policies/bin";

/** Files outside `*.ts` whose change also makes the build stale (they are copied into it). */
const COPIED = ["PulumiPolicy.yaml", "package.json"];

/**
 * Why the build is stale: the first source newer than `policies/bin/index.js`, or that it is
 * missing; undefined when it is current.
 */
export function stalePackReason(root: string): string | undefined {
    const source = path.join(root, PACK_SOURCE_DIR);
    const built = path.join(root, PACK_DIR, "index.js");
    if (!fs.existsSync(built)) return "it has not been built";
    const builtAt = fs.statSync(built).mtimeMs;
    const walk = (dir: string): string | undefined => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                if (entry.name === "bin" || entry.name === "node_modules") continue;
                const found = walk(full);
                if (found) return found;
            } else if (
                (entry.name.endsWith(".ts") || (dir === source && COPIED.includes(entry.name))) &&
                fs.statSync(full).mtimeMs > builtAt
            ) {
                return `${path.relative(root, full)} is newer than the build`;
            }
        }
        return undefined;
    };
    return walk(source);
}

/** A compile that failed: every diagnostic, one per line, as tsc prints them. */
export class PackBuildError extends Error {}

/** Compiles the pack into `policies/bin`, replacing it whole; throws PackBuildError on any diagnostic. */
export function buildPack(root: string): void {
    const source = path.join(root, PACK_SOURCE_DIR);
    const target = path.join(root, PACK_DIR);
    const staging = `${target}.${process.pid}.tmp`;
    fs.rmSync(staging, { recursive: true, force: true });
    // Required here, not at the top: the plan loads this module on every run and compiles rarely.
    const ts: typeof TypeScript = require("typescript");

    const configFile = path.join(source, "tsconfig.build.json");
    const host: TypeScript.ParseConfigFileHost = {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => fail([d]),
    };
    const parsed = ts.getParsedCommandLineOfConfigFile(configFile, { outDir: staging }, host)!;
    const program = ts.createProgram({
        rootNames: parsed.fileNames,
        options: parsed.options,
        projectReferences: parsed.projectReferences,
    });
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...parsed.errors];
    if (diagnostics.length > 0) fail(diagnostics);
    const emitted = program.emit();
    if (emitted.emitSkipped || emitted.diagnostics.length > 0) fail(emitted.diagnostics);

    const pkg = JSON.parse(fs.readFileSync(path.join(source, "package.json"), "utf8"));
    fs.writeFileSync(
        path.join(staging, "package.json"),
        JSON.stringify({ ...pkg, main: "index.js" }, null, 2) + "\n",
    );
    fs.copyFileSync(
        path.join(source, "PulumiPolicy.yaml"),
        path.join(staging, "PulumiPolicy.yaml"),
    );
    if (!fs.existsSync(path.join(staging, "index.js"))) {
        throw new PackBuildError(
            `build-pack: the compiler wrote no index.js into ${staging}; policies/tsconfig.build.json must list index.ts.`,
        );
    }
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);

    function fail(list: readonly TypeScript.Diagnostic[]): never {
        fs.rmSync(staging, { recursive: true, force: true });
        const text = ts.formatDiagnostics(list, {
            getCanonicalFileName: (f) => f,
            getCurrentDirectory: () => root,
            getNewLine: () => "\n",
        });
        throw new PackBuildError(
            `the policy pack in ${PACK_SOURCE_DIR}/ does not compile:\n${text.trim()}`,
        );
    }
}
