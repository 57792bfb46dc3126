/**
 * Root hooks for every test file (mocha runs the files in two worker processes, one per core).
 * Tests of refused programs leave the SDK's registration promises unsettled on purpose, as a
 * refused `pulumi up` does; the SDK would report them as leaks when the worker exits. The policy
 * packs a file's plans shared (packs.ts) are stopped after it.
 */
import { SHARED_PACKS } from "./packs";

/**
 * Evaluations load the program afresh each time, as a new `pulumi up` process would
 * (offline/engine/program.ts clears it from the require cache), and ts-node transpiles each of its
 * files again: two thirds of a refused evaluation's time. The test process keeps each file's
 * JavaScript by path and content instead; the modules are still new, with new module-level state.
 */
const Module = require("module");
const transpiled = new Map<string, { source: string; code: string }>();
const compileTs = Module._extensions[".ts"];
Module._extensions[".ts"] = (module: any, filename: string) => {
    const source = require("fs").readFileSync(filename, "utf8");
    const hit = transpiled.get(filename);
    if (hit && hit.source === source) return module._compile(hit.code, filename);
    const compile = module._compile;
    module._compile = function (code: string, file: string) {
        transpiled.set(file, { source, code });
        return compile.call(this, code, file);
    };
    return compileTs(module, filename);
};

const debuggable = require("@pulumi/pulumi/runtime/debuggable");

export const mochaHooks = {
    async afterAll(): Promise<void> {
        await SHARED_PACKS.close();
        debuggable.leakedPromises();
    },
};
