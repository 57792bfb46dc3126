/**
 * The engine's side of the Analyzer protocol, spoken directly: unary gRPC calls over one HTTP/2
 * connection to the pack (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md). A call is a
 * POST to `/pulumirpc.Analyzer/<Method>` with `content-type: application/grpc` and `te: trailers`;
 * the request and the response are each one length-prefixed message (a compressed flag, a big-endian
 * 32-bit length, the protobuf bytes); the status comes in `grpc-status` and `grpc-message`, in the
 * trailers or, for an error with no message, in the headers alone.
 *
 * The pack's server (grpc-js, in the SDK's loader) gets what the CLI's Go client sends. This client
 * was grpc-js's too, whose layers (channel, interceptors, filters, retries) cost twice the CPU per
 * call; in the plan that CPU is taken from the program, since each resource is sent while it runs.
 */
import * as http2 from "http2";

const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");

/** gRPC's status codes by number (https://github.com/grpc/grpc/blob/master/doc/statuscodes.md). */
const STATUS_NAMES = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/** A method of the Analyzer service, as the generated code describes it (analyzer_grpc_pb.js). */
export type AnalyzerMethod = keyof typeof analyzerRpc.AnalyzerService & string;

export class AnalyzerConnection {
    private readonly session: http2.ClientHttp2Session;

    constructor(address: string) {
        this.session = http2.connect(`http://${address}`);
        // A broken connection fails the calls on it (each stream reports it); nothing else listens.
        this.session.on("error", () => undefined);
    }

    /** Sends one request (a generated message, or its bytes already written) and reads the response. */
    call<T>(
        method: AnalyzerMethod,
        request: Buffer | { serializeBinary(): Uint8Array },
    ): Promise<T> {
        const spec = analyzerRpc.AnalyzerService[method];
        const body = Buffer.isBuffer(request) ? request : Buffer.from(request.serializeBinary());
        return new Promise<T>((resolve, reject) => {
            if (this.session.destroyed || this.session.closed) {
                reject(new Error(`${spec.path}: the connection to the pack is closed`));
                return;
            }
            const stream = this.session.request({
                ":method": "POST",
                ":path": spec.path,
                "content-type": "application/grpc",
                te: "trailers",
            });
            const chunks: Buffer[] = [];
            let grpcStatus: string | undefined;
            let grpcMessage = "";
            const readStatus = (headers: http2.IncomingHttpHeaders) => {
                if (headers["grpc-status"] !== undefined) {
                    grpcStatus = String(headers["grpc-status"]);
                    grpcMessage = decodeURIComponent(String(headers["grpc-message"] ?? ""));
                }
            };
            stream.on("response", readStatus);
            stream.on("trailers", readStatus);
            stream.on("data", (chunk: Buffer) => chunks.push(chunk));
            stream.on("error", (err) => reject(new Error(`${spec.path}: ${err.message}`)));
            stream.on("close", () => {
                if (grpcStatus === undefined) {
                    reject(new Error(`${spec.path}: the pack closed the call without a status`));
                } else if (grpcStatus !== "0") {
                    const code = Number(grpcStatus);
                    reject(
                        Object.assign(
                            new Error(`${code} ${STATUS_NAMES[code] ?? "status"}: ${grpcMessage}`),
                            {
                                code,
                                details: grpcMessage,
                            },
                        ),
                    );
                } else {
                    const message = Buffer.concat(chunks);
                    if (message.length < 5 || message[0] !== 0) {
                        reject(
                            new Error(`${spec.path}: the response is not one uncompressed message`),
                        );
                        return;
                    }
                    resolve(
                        spec.responseDeserialize(message.subarray(5, 5 + message.readUInt32BE(1))),
                    );
                }
            });
            const prefix = Buffer.alloc(5);
            prefix.writeUInt32BE(body.length, 1);
            stream.end(Buffer.concat([prefix, body]));
        });
    }

    close(): void {
        this.session.close();
    }
}
