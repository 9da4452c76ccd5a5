// Renders an `omega/searchTree` body (a JSON file) with the Search Tree view's own webview script
// (vscode-extension/dist/searchTree.js) in headless Chromium, and prints the milliseconds from the
// message to a laid-out SVG and the number of nodes drawn. Used by benchmarks/search_tree.py.
//   node benchmarks/render_search_tree.mjs BODY.json [SCREENSHOT.png]
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ext = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'vscode-extension');
const { chromium } = createRequire(path.join(ext, 'package.json'))('playwright-core');
const body = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const script = fs.readFileSync(path.join(ext, 'dist', 'searchTree.js'), 'utf8');
const html = `<!DOCTYPE html><html><head><style>html,body{height:100%;margin:0}body{display:flex;flex-direction:column}#tree{flex:1;width:100%}</style></head>
<body><div><span id="totals"></span><button id="zoom-in"></button><button id="zoom-out"></button><button id="fit"></button><button id="current"></button><span id="status"></span></div>
<div id="empty"></div><svg id="tree" xmlns="http://www.w3.org/2000/svg"><g id="viewport"></g></svg>
<script>window.acquireVsCodeApi = () => ({ postMessage() {} });</script></body></html>`;
const browser = await chromium.launch({ executablePath: process.env.OMEGA_E2E_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  await page.setContent(html);
  await page.addScriptTag({ content: script });
  const ms = await page.evaluate(async (b) => {
    const t = performance.now();
    window.postMessage({ type: 'tree', body: b, fresh: true }, '*');
    await new Promise((resolve) => setTimeout(resolve, 0));
    document.querySelector('#viewport').getBBox(); // forces layout
    return performance.now() - t;
  }, body);
  const nodes = await page.locator('g.node').count();
  if (process.argv[3] !== undefined) {
    await page.screenshot({ path: process.argv[3] });
  }
  console.log(JSON.stringify({ ms, nodes }));
} finally {
  await browser.close();
}
