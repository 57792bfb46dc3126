/** The stacks whose diagrams the README shows (docs/<stack>.svg), and how they are drawn and fingerprinted. */
import { createHash } from "crypto";
import { mermaidDiagram } from "./diagram";
import { evaluateStack } from "../engine/program";
import { loadBalancerInternetPorts } from "./exposure";
import { loadBalancerRoutes, reachabilityOf, serviceConnectMap, toReportResources } from "./report";

export const DIAGRAM_STACKS = ["dev", "games", "web"] as const;

/** The stack's diagram as the plan draws it (a first preview). */
export async function diagramOf(root: string, stack: string): Promise<string> {
    const { resources } = await evaluateStack(root, stack);
    return mermaidDiagram(
        toReportResources(resources),
        serviceConnectMap(resources),
        loadBalancerRoutes(resources),
        reachabilityOf(resources),
        loadBalancerInternetPorts(resources),
    );
}

export function sourceHash(diagram: string): string {
    return createHash("sha256").update(diagram).digest("hex");
}
