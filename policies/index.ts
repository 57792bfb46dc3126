/**
 * The ecs-guardrails policy pack: the only `new PolicyPack` (its constructor starts the gRPC server
 * the Pulumi CLI talks to, so tests import ./rules, never this file).
 */
// First: the SDK's heavy index loads only if a policy ever needs more than assets and Outputs.
import "./lazySdk";
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

new PolicyPack("ecs-guardrails", {
    enforcementLevel: "mandatory",
    policies: POLICIES,
});
