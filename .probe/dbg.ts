import { evaluateStack } from "../offline/program";
(async () => {
    const { registrations } = await evaluateStack("/work/main", "dev", { mode: "after-up", extraConfig: { "ecsnet:services": [{ name: "api-0", image: "nginx", environment: { EMPTY: "" } }] } });
    const t = registrations.filter((r) => r.name === "api-0-task");
    console.log(t.map((r) => [r.type, Object.keys(r.inputs), typeof r.inputs.containerDefinitions]));
    process.exit(0);
})();
