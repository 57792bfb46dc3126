/**
 * npm run docs:diagrams: renders the plan's Mermaid diagram of the dev and games stacks to
 * docs/<stack>.svg with Mermaid itself, in a headless Chromium (CHROMIUM, else /usr/bin/chromium).
 * Each SVG carries the SHA-256 of the diagram it was drawn from; a test fails when a committed SVG no
 * longer matches what the plan draws, so the README never shows an old architecture.
 */
import * as fs from "fs";
import * as path from "path";
import puppeteer from "puppeteer-core";
import { DIAGRAM_STACKS, diagramOf, sourceHash } from "../offline/reports/docsDiagrams";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<void> {
    const browser = await puppeteer.launch({
        executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
        args: ["--no-sandbox", "--headless=new"],
    });
    try {
        const page = await browser.newPage();
        await page.setContent("<!doctype html><html><body></body></html>");
        await page.addScriptTag({ path: require.resolve("mermaid/dist/mermaid.min.js") });
        for (const stack of DIAGRAM_STACKS) {
            const diagram = await diagramOf(ROOT, stack);
            let svg = await page.evaluate(async (text: string) => {
                const m = (globalThis as any).mermaid;
                // SVG text labels, not HTML in <foreignObject>, which renderers outside browsers leave blank;
                // wide enough that a Service Connect URL is never wrapped mid-word.
                m.initialize({
                    startOnLoad: false,
                    securityLevel: "strict",
                    htmlLabels: false,
                    flowchart: { htmlLabels: false, wrappingWidth: 600 },
                });
                return (await m.render("diagram", text)).svg as string;
            }, diagram);
            // Mermaid splits a label into one <tspan> per word, each but the first starting with its
            // space: without xml:space="preserve", SVG renderers other than browsers drop those spaces.
            svg = svg.replace(/<text /g, '<text xml:space="preserve" ');
            const file = path.join(ROOT, "docs", `${stack}.svg`);
            fs.writeFileSync(
                file,
                `<!-- mermaid source sha256:${sourceHash(diagram)} (npm run docs:diagrams) -->\n${svg}\n`,
            );
            console.log(`wrote ${path.relative(ROOT, file)}`);
        }
    } finally {
        await browser.close();
    }
}

main().catch((e) => {
    console.error(`docs:diagrams: ${e?.message ?? e}`);
    process.exit(1);
});
