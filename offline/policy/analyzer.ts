/**
 * Runs a policy pack the way `pulumi preview --policy-pack DIR` does: the pack is served by the
 * SDK's own loader (`@pulumi/pulumi/cmd/run-policy-pack`), and this client plays the engine over the
 * Analyzer gRPC protocol: GetAnalyzerInfo, Configure (schema defaults filled in first, then the
 * `--policy-pack-config` file), ConfigureStack (stack tags), Remediate and Analyze per resource
 * (with resource options, as the CLI sends them), AnalyzeStack at the end.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as readline from "readline";
import { secretPaths } from "../engine/secrets";
import { analyzeRequest, analyzeStackRequest } from "./requests";
import { AnalyzerConnection } from "./connection";
import { engineValue } from "../engine/runtime";

const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const structPb = require("google-protobuf/google/protobuf/struct_pb");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb");

export { PACK_DIR, PACK_SOURCE_DIR } from "./packBuild";

/**
 * The packs this process started and has not closed. The SDK's pack server runs until it is killed
 * (it never watches its parent), so a pack left open when this process exits (a test that failed
 * before its `close`, a plan that threw) is killed with it instead of living on.
 */
const running = new Set<ChildProcess>();
process.once("exit", () => running.forEach((child) => child.kill()));

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

export interface PolicyInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, { default?: unknown }> };
}

export interface Diagnostic {
    /** The policy pack that reported it (several may run, as with repeated `--policy-pack`). */
    pack: string;
    policy: string;
    enforcementLevel: EnforcementLevel;
    urn: string;
    message: string;
}

export interface AnalyzedResource {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
    /** Where `props` holds a secret (property paths): sent marked, as the engine keeps it. */
    secrets?: string[];
    /** The resource's provider with its inputs, as the engine sends it with every request. */
    provider?: { urn: string; type: string; name: string; props: Record<string, unknown> } | null;
    aliases?: string[];
    parent?: string | null;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
}

/** Per-policy config as in a `--policy-pack-config` file: a level, or an object with `enforcementLevel`. */
export type PackConfig = Record<
    string,
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export class PolicyPackClient {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: AnalyzerConnection,
        readonly name: string,
        readonly version: string,
        readonly policies: PolicyInfo[],
    ) {}

    /** Starts the pack in `packDir` under the SDK's loader and reads its analyzer info. */
    static async start(packDir: string): Promise<PolicyPackClient> {
        const loader = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
        // The loader takes the engine's address first; the pack never dials it, the client here is the engine.
        const child = spawn(process.execPath, [loader, "127.0.0.1:0", path.resolve(packDir)], {
            cwd: packDir,
            stdio: ["ignore", "pipe", "pipe"],
        });
        running.add(child);
        child.once("exit", () => running.delete(child));
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        const port = await new Promise<string>((resolve, reject) => {
            const lines = readline.createInterface({ input: child.stdout! });
            lines.once("line", (line) => resolve(line.trim()));
            child.once("exit", (code) =>
                reject(
                    new Error(`policy pack ${packDir} exited (${code}) before serving:\n${stderr}`),
                ),
            );
        });
        const client = new AnalyzerConnection(`127.0.0.1:${port}`);
        const info = await client.call<any>("getAnalyzerInfo", new emptyPb.Empty());
        const policies: PolicyInfo[] = info.getPoliciesList().map((p: any) => ({
            name: p.getName(),
            description: p.getDescription(),
            enforcementLevel: LEVELS[p.getEnforcementlevel()],
            configSchema: p.getConfigschema()
                ? { properties: p.getConfigschema().getProperties()?.toJavaScript() ?? {} }
                : undefined,
        }));
        return new PolicyPackClient(child, client, info.getName(), info.getVersion(), policies);
    }

    /**
     * Sends Configure as the engine does: every policy's schema defaults, overlaid by `config`
     * (the `--policy-pack-config` file); a policy's level comes from the file, then `all`, then the pack.
     * Returns the effective level of each policy.
     */
    async configure(config: PackConfig = {}): Promise<Record<string, EnforcementLevel>> {
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        const levels: Record<string, EnforcementLevel> = {};
        const all = config.all;
        for (const policy of this.policies) {
            const given = config[policy.name];
            const fromFile =
                typeof given === "string" ? { enforcementLevel: given } : (given ?? {});
            const defaults = Object.fromEntries(
                Object.entries(policy.configSchema?.properties ?? {})
                    .filter(([, s]) => s.default !== undefined)
                    .map(([k, s]) => [k, s.default]),
            );
            const { enforcementLevel, ...props } = { ...defaults, ...fromFile } as {
                enforcementLevel?: EnforcementLevel;
            } & Record<string, unknown>;
            const level =
                enforcementLevel ??
                (typeof all === "string" ? all : undefined) ??
                policy.enforcementLevel;
            levels[policy.name] = level;
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(LEVELS.indexOf(level));
            pc.setProperties(structPb.Struct.fromJavaScript(props));
            req.getPolicyconfigMap().set(policy.name, pc);
        }
        await this.client.call("configure", req);
        return levels;
    }

    async configureStack(opts: {
        project: string;
        stack: string;
        organization?: string;
        tags?: Record<string, string>;
        dryRun?: boolean;
    }): Promise<void> {
        const req = new analyzerPb.AnalyzerStackConfigureRequest();
        req.setProject(opts.project);
        req.setStack(opts.stack);
        req.setOrganization(opts.organization ?? "organization");
        req.setDryRun(opts.dryRun ?? true);
        for (const [k, v] of Object.entries(opts.tags ?? {})) {
            req.getTagsMap().set(k, v);
        }
        await this.client.call("configureStack", req);
    }

    async analyze(resource: AnalyzedResource): Promise<Diagnostic[]> {
        const resp = await this.client.call<any>("analyze", analyzeRequest(resource));
        return diagnosticsOf(resp, resource.urn);
    }

    /**
     * Remediate: the properties after every remediating policy ran (unchanged when none applied), and
     * the diagnostics of those that could not run (a remediation that read a value unknown in a
     * preview), which the engine shows as advisories.
     */
    async remediate(resource: AnalyzedResource): Promise<{
        props: Record<string, unknown>;
        /** Where the remediated props hold a secret: the SDK keeps a remediated secret marked. */
        secrets: string[];
        remediated: { policy: string; urn: string }[];
        diagnostics: Diagnostic[];
    }> {
        const resp = await this.client.call<any>("remediate", analyzeRequest(resource));
        let props = resource.props;
        let secrets = resource.secrets ?? [];
        const remediated: { policy: string; urn: string }[] = [];
        const diagnostics: Diagnostic[] = [];
        for (const r of resp.getRemediationsList()) {
            if (r.getProperties()) {
                const raw = r.getProperties().toJavaScript();
                secrets = secretPaths(raw);
                props = engineValue(raw) as Record<string, unknown>;
                remediated.push({ policy: r.getPolicyname(), urn: resource.urn });
            }
            if (r.getDiagnostic()) {
                diagnostics.push({
                    pack: r.getPolicypackname() || this.name,
                    policy: r.getPolicyname(),
                    enforcementLevel: "advisory",
                    urn: resource.urn,
                    message: r.getDiagnostic(),
                });
            }
        }
        return { props, secrets, remediated, diagnostics };
    }

    async analyzeStack(resources: AnalyzedResource[]): Promise<Diagnostic[]> {
        const resp = await this.client.call<any>("analyzeStack", analyzeStackRequest(resources));
        return diagnosticsOf(resp, "");
    }

    /** The pack process's peak resident memory in MB (Linux /proc; undefined elsewhere). */
    peakMemoryMb(): number | undefined {
        try {
            const status = require("fs").readFileSync(
                `/proc/${this.child.pid}/status`,
                "utf8",
            ) as string;
            const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
            return kb === undefined ? undefined : Number(kb) / 1024;
        } catch {
            return undefined;
        }
    }

    close(): void {
        this.client.close();
        this.child.kill();
    }
}

function diagnosticsOf(resp: any, urn: string): Diagnostic[] {
    return resp.getDiagnosticsList().map((d: any) => ({
        pack: d.getPolicypackname(),
        policy: d.getPolicyname(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()],
        urn: d.getUrn() || urn,
        message: d.getMessage(),
    }));
}
