export { noSshFromInternet, noSshFromInternetPerSecurityGroup, judgeWorld, sshMessage, unionMessage } from "./ssh";
export { noPublicIpOnSensitiveTasks, noPublicIpOnSensitiveTasksByReference } from "./publicIp";
export { sensitivityOf } from "./sensitivity";
export { waivable, parseWaivers, WAIVERS_SCHEMA } from "./waivers";
export { parseCidr, worldCover } from "./cidr";

import { noSshFromInternet, noSshFromInternetPerSecurityGroup } from "./ssh";
import { noPublicIpOnSensitiveTasksByReference, noPublicIpOnSensitiveTasks } from "./publicIp";

/** Every policy of the pack, in the order the pack lists them. */
export const POLICIES = [noSshFromInternet, noSshFromInternetPerSecurityGroup, noPublicIpOnSensitiveTasks, noPublicIpOnSensitiveTasksByReference];
