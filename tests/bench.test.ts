import * as assert from "assert";
import { benchConfig, benchServices } from "../bench/generate";
import { parseStackConfig } from "../config";
import { projectValues } from "../offline/project";
import { deployOrder } from "../stack";

describe("the benchmark's stack generator", () => {
    it("makes half servers and half clients, each client calling one or two servers", () => {
        const services = benchServices(10);
        const servers = services.filter((s) => s.ports?.some((p) => p.serviceConnect));
        const clients = services.filter((s) => s.calls);
        assert.deepStrictEqual([servers.length, clients.length], [5, 5]);
        assert.deepStrictEqual(clients.map((c) => c.calls), [["api-0"], ["api-1", "api-2"], ["api-2"], ["api-3", "api-4"], ["api-4"]]);
    });

    it("produces a stack config that config.ts accepts and Service Connect can order", () => {
        const config = parseStackConfig(projectValues(benchConfig(500), "ecsnet"), "ecsnet");
        assert.strictEqual(config.services.length, 500);
        const order = deployOrder(config.services).map((s) => s.name);
        assert.ok(order.indexOf("api-0") < order.indexOf("client-0"));
    });
});
