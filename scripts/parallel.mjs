/**
 * node scripts/parallel.mjs SCRIPT... : runs the npm scripts side by side (npm test's type check and
 * lint each build their own TypeScript program on one core; together they take the longer one's
 * time instead of the sum), streams each one's output with its name, and fails if any fails.
 */
import { spawn } from "node:child_process";

const scripts = process.argv.slice(2);
const runs = scripts.map(
    (name) =>
        new Promise((resolve) => {
            const child = spawn("npm", ["run", "-s", name], {
                stdio: ["ignore", "pipe", "pipe"],
                shell: process.platform === "win32",
            });
            const prefix = (chunk) => chunk.toString().replace(/^(?=.)/gm, `[${name}] `);
            child.stdout.on("data", (d) => process.stdout.write(prefix(d)));
            child.stderr.on("data", (d) => process.stderr.write(prefix(d)));
            child.on("close", (code) => resolve({ name, code }));
        }),
);
const failed = (await Promise.all(runs)).filter((r) => r.code !== 0);
for (const r of failed) console.error(`npm run ${r.name} failed (exit ${r.code})`);
process.exit(failed.length > 0 ? 1 : 0);
