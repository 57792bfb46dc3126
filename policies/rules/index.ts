export {
    noSshFromInternet,
    noSshFromInternetPerSecurityGroup,
    judgeWorld,
    sshMessage,
    unionMessage,
} from "./ssh";
export { noPublicIpOnSensitiveTasks, noPublicIpOnSensitiveTasksByReference } from "./publicIp";
export { sensitivityOf } from "./sensitivity";
export { waivable, parseWaivers, WAIVERS_SCHEMA } from "./waivers";
export { serviceConnectServersInternal, PUBLIC_SERVER_TAG } from "./internal";
export { parseCidr, worldCover } from "../model/cidr";

import { noSshFromInternet, noSshFromInternetPerSecurityGroup } from "./ssh";
import { noPublicIpOnSensitiveTasksByReference, noPublicIpOnSensitiveTasks } from "./publicIp";
import { serviceConnectServersInternal } from "./internal";

/** Every policy of the pack, in the order the pack lists them. */
export const POLICIES = [
    noSshFromInternet,
    noSshFromInternetPerSecurityGroup,
    noPublicIpOnSensitiveTasks,
    noPublicIpOnSensitiveTasksByReference,
    serviceConnectServersInternal,
];
