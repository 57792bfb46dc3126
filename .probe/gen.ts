import { evaluateStack } from "../offline/program";
import { CASES } from "./cases";
(async () => {
    const out: string[] = [];
    for (const [what, extra] of CASES) {
        try {
            await evaluateStack("/work/main", "dev", { extraConfig: extra });
        } catch (e: any) {
            out.push(`    [${JSON.stringify(what)}, ${JSON.stringify(extra)}, ${JSON.stringify(e.message)}],`);
        }
    }
    console.log(out.join("\n"));
    process.exit(0);
})();
