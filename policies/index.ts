/**
 * The ecs-guardrails policy pack: the only `new PolicyPack` (its constructor starts the gRPC server
 * the Pulumi CLI talks to, so tests import ./rules, never this file).
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

new PolicyPack("ecs-guardrails", {
    enforcementLevel: "mandatory",
    policies: POLICIES,
});
