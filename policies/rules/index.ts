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
import { previewAware } from "../model/analyzed";

/**
 * Every policy of the pack, in the order the pack lists them, each taking part in the preview's
 * bookkeeping (resource policies record what `Analyze` saw; stack policies read it where the
 * preview's outputs are unknown: `previewAware`).
 */
export const POLICIES = [
    noSshFromInternet,
    noSshFromInternetPerSecurityGroup,
    noPublicIpOnSensitiveTasks,
    noPublicIpOnSensitiveTasksByReference,
    serviceConnectServersInternal,
].map(previewAware);
