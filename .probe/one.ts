import { evaluateStack } from "../offline/program";
(async () => {
    try { await evaluateStack("/work/main", "dev", { extraConfig: { "ecsnet:vpcCidr": "10.0.0.0/33" } }); } catch (e: any) { console.log("caught", e.name); }
    try { await evaluateStack("/work/main", "dev", { extraConfig: { "ecsnet:vpcCidr": "10.0.0.0/8" } }); } catch (e: any) { console.log("caught", e.name); }
    console.log("done");
})();
