/**
 * npm run -s plan -- [--stack NAME] [--stack-file FILE] [--after-up] [--json] [--out DIR]
 *                    [--policy-pack-config FILE] [--stack-tag key=value ...] [--nat-gb N] [--help]
 * Plans one stack offline; see offline/command/planCommand.ts and `--help`. Exit 0: no mandatory violation;
 * 1: one or more; 2: bad usage or input, in one paragraph with no stack trace.
 */
import * as path from "path";
import { runPlan } from "../offline/command/planCommand";

// Writes to a pipe are asynchronous: exit only once everything written has been handed to the OS,
// or a reader such as `jq` gets the first 64 KiB of the JSON.
const pending: Promise<void>[] = [];
const write = (stream: NodeJS.WriteStream) => (text: string) => {
    pending.push(new Promise((resolve) => stream.write(`${text}\n`, () => resolve())));
};
const exit = (code: number) => Promise.all(pending).then(() => process.exit(code));

runPlan(path.resolve(__dirname, ".."), process.argv.slice(2), {
    out: write(process.stdout),
    err: write(process.stderr),
}).then(exit, (e) => {
    // runPlan answers every error itself; this is the last guard, still one line.
    write(process.stderr)(`plan: ${String(e?.message ?? e).replace(/\s*\n\s*/g, " ")}`);
    return exit(2);
});
