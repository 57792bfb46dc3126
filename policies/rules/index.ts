export { noSshFromInternet, judgeIngress, sshMessage } from "./ssh";
export { noPublicIpOnSensitiveTasks, noPublicIpOnSensitiveTasksByReference, sensitivityReason, assignsPublicIp } from "./publicIp";
export { ingressRules, tcpPortRange } from "./ingress";
export { parseCidr, worldCover } from "./cidr";

import { noSshFromInternet } from "./ssh";
import { noPublicIpOnSensitiveTasksByReference, noPublicIpOnSensitiveTasks } from "./publicIp";

/** Every policy of the pack, in the order the pack lists them. */
export const POLICIES = [noSshFromInternet, noPublicIpOnSensitiveTasks, noPublicIpOnSensitiveTasksByReference];
