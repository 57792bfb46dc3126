/**
 * The policy packs the tests share within a test file (offline/command/planCommand.ts, PackPool: the
 * plans lease from it, and so may a test that checks through a pack itself): each plan and each
 * `checkPolicies` still sends Configure and ConfigureStack as the engine does, and the process
 * start it saves (1.6 s on a 2-core machine) is measured by the benchmark, not repeated in every test.
 * The root hook (hooks.ts) stops them after each file. `npm run plan` itself starts its pack afresh,
 * and the tests that run it as a process cover that path.
 */
import { PackPool } from "../../offline/command/planCommand";

export const SHARED_PACKS = new PackPool();
