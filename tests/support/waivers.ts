/** A `--policy-pack-config` file that waives no-ssh-from-internet for one stack's resources. */
import * as fs from "fs";
import type { Waiver } from "../../policies/rules/waivers";

export function writeSshWaiver(file: string, waiver: Waiver): string {
    fs.writeFileSync(file, JSON.stringify({ "no-ssh-from-internet": { waivers: [waiver] } }));
    return file;
}
