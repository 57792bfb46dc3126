/**
 * npm run -s plan -- [--stack NAME] [--stack-file FILE] [--after-up] [--json] [--out DIR]
 *                    [--policy-pack-config FILE] [--stack-tag key=value ...] [--nat-gb N] [--help]
 * Plans one stack offline; see offline/planCommand.ts and `--help`. Exit 0: no mandatory violation;
 * 1: one or more; 2: bad usage or input, in one paragraph with no stack trace.
 */
import * as path from "path";
import { runPlan } from "../offline/planCommand";

const io = { out: (text: string) => console.log(text), err: (text: string) => console.error(text) };
runPlan(path.resolve(__dirname, ".."), process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (e) => {
        // runPlan answers every error itself; this is the last guard, still one line.
        console.error(`plan: ${String(e?.message ?? e).replace(/\s*\n\s*/g, " ")}`);
        process.exit(2);
    },
);
