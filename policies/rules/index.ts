export { noSshFromInternet, judgeIngress, sshMessage } from "./ssh";
export { noPublicIpOnSensitiveTasks, noPublicIpOnSensitiveTaskDefinitions, sensitivityReason, assignsPublicIp } from "./publicIp";
export { ingressRules, tcpPortRange } from "./ingress";
export { parseCidr, worldCover } from "./cidr";

import { noSshFromInternet } from "./ssh";
import { noPublicIpOnSensitiveTaskDefinitions, noPublicIpOnSensitiveTasks } from "./publicIp";

/** Every policy of the pack, in the order the pack lists them. */
export const POLICIES = [noSshFromInternet, noPublicIpOnSensitiveTasks, noPublicIpOnSensitiveTaskDefinitions];
