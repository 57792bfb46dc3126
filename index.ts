/**
 * Composition root: read config -> build the network -> cluster -> services -> export.
 */
import { buildStack } from "./stack/build";
import { loadStackConfig } from "./stack/config";

export = buildStack(loadStackConfig());
