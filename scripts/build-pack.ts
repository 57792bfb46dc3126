/**
 * `npm run build:pack` (also run by `npm test`, and by `npm run plan` when the build is missing or
 * stale): the policy pack compiled to JavaScript in `policies/bin`. See offline/policy/packBuild.ts.
 */
import * as path from "path";
import { buildPack, PackBuildError } from "../offline/policy/packBuild";

try {
    buildPack(path.resolve(__dirname, ".."));
} catch (e) {
    if (!(e instanceof PackBuildError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
}
