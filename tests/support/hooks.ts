/**
 * Root hooks for every test file (mocha runs the files in two worker processes, one per core).
 * Tests of refused programs leave the SDK's registration promises unsettled on purpose, as a
 * refused `pulumi up` does; the SDK would report them as leaks when the worker exits. The policy
 * packs a file's plans shared (packs.ts) are stopped after it.
 */
import { SHARED_PACKS } from "./packs";

const debuggable = require("@pulumi/pulumi/runtime/debuggable");

export const mochaHooks = {
    async afterAll(): Promise<void> {
        await SHARED_PACKS.close();
        debuggable.leakedPromises();
    },
};
