import * as path from "path";
import { evaluateStack } from "/work/main/offline/program";
import { CASES } from "./cases";
(async () => {
    for (const [what, extra] of CASES) {
        let n = -1;
        try {
            await evaluateStack("/work/main", "dev", { extraConfig: extra, observe: (r) => (n = r.filter((x) => x.type !== "pulumi:pulumi:Stack").length) });
            console.log(`${what}: ACCEPTED`);
        } catch (e: any) {
            console.log(`${what} [${n}] ${e.name}: ${e.message}`);
        }
    }
})();
