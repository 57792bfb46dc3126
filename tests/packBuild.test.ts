import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    buildPack,
    PackBuildError,
    PACK_DIR,
    PACK_SOURCE_DIR,
    stalePackReason,
} from "../offline/policy/packBuild";

const ROOT = path.resolve(__dirname, "..");

/** A project root holding a copy of the pack's sources, inside the repository so the compiler finds node_modules. */
function copyOfPack(): string {
    const scratch = path.join(ROOT, ".scratch");
    fs.mkdirSync(scratch, { recursive: true });
    const root = fs.mkdtempSync(path.join(scratch, "pack-"));
    fs.cpSync(path.join(ROOT, PACK_SOURCE_DIR), path.join(root, PACK_SOURCE_DIR), {
        recursive: true,
        filter: (src) => !/[/\\](bin|node_modules)$/.test(src),
    });
    return root;
}

const touchLater = (file: string, than: string) => {
    const t = fs.statSync(than).mtime.getTime() / 1000 + 5;
    fs.utimesSync(file, t, t);
};

describe("the compiled policy pack (npm run plan builds it on a fresh clone, where npm ci runs no scripts)", () => {
    it("is stale until built, current after, and stale again when a source, PulumiPolicy.yaml or package.json changes", function () {
        this.timeout(120_000);
        const root = copyOfPack();
        try {
            assert.strictEqual(stalePackReason(root), "it has not been built");
            buildPack(root);
            assert.strictEqual(stalePackReason(root), undefined);
            const built = path.join(root, PACK_DIR, "index.js");
            assert.deepStrictEqual(
                JSON.parse(fs.readFileSync(path.join(root, PACK_DIR, "package.json"), "utf8")).main,
                "index.js",
            );
            assert.ok(fs.existsSync(path.join(root, PACK_DIR, "PulumiPolicy.yaml")));
            assert.ok(
                fs.existsSync(path.join(root, PACK_DIR, "rules", "ssh.js")),
                "the rules are compiled beside index.js",
            );

            touchLater(path.join(root, PACK_SOURCE_DIR, "rules", "ssh.ts"), built);
            assert.strictEqual(
                stalePackReason(root),
                `${path.join(PACK_SOURCE_DIR, "rules", "ssh.ts")} is newer than the build`,
            );
            buildPack(root);
            touchLater(path.join(root, PACK_SOURCE_DIR, "PulumiPolicy.yaml"), built);
            assert.strictEqual(
                stalePackReason(root),
                `${path.join(PACK_SOURCE_DIR, "PulumiPolicy.yaml")} is newer than the build`,
            );
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("refuses a pack that does not compile with tsc's diagnostic, and keeps the previous build whole", function () {
        this.timeout(120_000);
        const root = copyOfPack();
        try {
            buildPack(root);
            const before = fs.readdirSync(path.join(root, PACK_DIR)).sort();
            fs.appendFileSync(
                path.join(root, PACK_SOURCE_DIR, "rules", "ssh.ts"),
                '\nexport const broken: number = "port";\n',
            );
            assert.throws(
                () => buildPack(root),
                (e: Error) => {
                    assert.ok(e instanceof PackBuildError);
                    assert.match(e.message, /^the policy pack in policies\/ does not compile:\n/);
                    assert.match(
                        e.message,
                        /rules\/ssh\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'\./,
                    );
                    return true;
                },
            );
            assert.deepStrictEqual(fs.readdirSync(path.join(root, PACK_DIR)).sort(), before);
            assert.deepStrictEqual(
                fs.readdirSync(path.join(root, PACK_SOURCE_DIR)).filter((f) => f.includes(".tmp")),
                [],
                "no staging directory is left behind",
            );
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});

describe("the compiled pack's start (policies/lazySdk.ts)", () => {
    it("serves the policy SDK's assets, Outputs and (de)serialisation without loading @pulumi/pulumi's index, and loads it whole on any other use", function () {
        this.timeout(60_000);
        const script = `
            require(${JSON.stringify(path.join(ROOT, PACK_DIR, "lazySdk.js"))});
            const { serializeProperties, deserializeProperties } = require("@pulumi/policy/deserialize");
            const struct = require("google-protobuf/google/protobuf/struct_pb");
            const props = { name: "web", asset: new (require("@pulumi/pulumi").asset.StringAsset)("x") };
            const roundTrip = deserializeProperties(struct.Struct.fromJavaScript({ a: 1, b: ["c"] }), true);
            serializeProperties(roundTrip).then((s) => {
                const loaded = (m) => Object.keys(require.cache).some((k) => k.includes(m));
                const before = [loaded("@pulumi/pulumi/automation"), loaded("closure/codePaths")];
                const pulumi = require("@pulumi/pulumi");
                const version = pulumi.ComponentResource;
                console.log(JSON.stringify({ before, after: loaded("@pulumi/pulumi/automation"), asset: props.asset.constructor.name, version: typeof version, s: Object.keys(s) }));
            });
        `;
        const out = require("child_process").execFileSync(process.execPath, ["-e", script], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.deepStrictEqual(JSON.parse(out), {
            before: [false, false],
            after: true,
            asset: "StringAsset",
            version: "function",
            s: ["a", "b"],
        });
    });
});
