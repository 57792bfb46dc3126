/**
 * The Analyzer calls spoken directly over HTTP/2 (offline/policy/connection.ts): a status the pack
 * answers is reported as gRPC names it, and a pack that dies fails the calls instead of leaving them
 * waiting.
 */
import * as assert from "assert";
import * as path from "path";
import { PolicyPackClient } from "../offline/policy/analyzer";
import { AnalyzerConnection } from "../offline/policy/connection";

const emptyPb = require("google-protobuf/google/protobuf/empty_pb");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");

const NOOP_PACK = path.resolve(__dirname, "..", "bench", "noop-pack");

describe("the Analyzer calls over HTTP/2", function () {
    this.timeout(60_000);

    it("reads a response, and reports a status the pack answers as gRPC names it", async () => {
        const pack = await PolicyPackClient.start(NOOP_PACK);
        try {
            const connection = (pack as unknown as { client: AnalyzerConnection }).client;
            const info = await connection.call<any>("getAnalyzerInfo", new emptyPb.Empty());
            assert.strictEqual(info.getName(), pack.name);
            // The SDK's policy server implements no Handshake (@pulumi/policy server.js `addService`).
            await assert.rejects(
                connection.call("handshake", new analyzerPb.AnalyzerHandshakeRequest()),
                (err: Error & { code?: number }) =>
                    err.code === 12 && /^12 UNIMPLEMENTED: .*handshake/i.test(err.message),
            );
        } finally {
            pack.close();
        }
    });

    it("fails the calls of a pack that died, naming the method", async () => {
        const pack = await PolicyPackClient.start(NOOP_PACK);
        const child = (pack as unknown as { child: import("child_process").ChildProcess }).child;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
        await assert.rejects(
            pack.analyze({ urn: "urn:x", type: "aws:s3/bucket:Bucket", name: "x", props: {} }),
            /\/pulumirpc\.Analyzer\/Analyze: /,
        );
        pack.close();
    });
});
