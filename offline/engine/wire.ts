/**
 * How the SDK marks special values on the wire and in a state file (@pulumi/pulumi runtime/rpc.js
 * `specialSigKey`, `specialSecretSig`, `specialResourceSig`): an object whose SIG_KEY property holds
 * one of these signatures is a secret (`value`, or `ciphertext` in an export) or a resource reference.
 */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
