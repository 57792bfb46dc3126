/**
 * Composition root: read config -> build the network -> cluster -> services -> export.
 */
import { buildStack } from "./stack";
import { loadStackConfig } from "./config";

export = buildStack(loadStackConfig());
