/**
 * The Search Tree view as its users see it (issue 14), in code-server driven through Chromium like
 * vscode.e2e.test.ts: debugging a small puzzle, the view opens by itself once the program has made
 * a choice point, shows the failed/solution/pending counts of the search, and a click on a failed
 * node moves the editor's current line to the `require` that failed. Saves `search-tree.png`.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { type Browser, chromium, type Frame } from 'playwright-core';

import { extensionRoot } from '../helpers/paths';
import { CodeServer } from './codeServer';
import { settle, Workbench } from './workbench';

const SHOTS = path.resolve(process.env.OMEGA_E2E_SHOTS ?? path.join(extensionRoot, '.e2e', 'shots'));
const CHROMIUM = process.env.OMEGA_E2E_CHROMIUM ?? '/usr/bin/chromium';
const PANE = 'Omega: Search Tree';

let server: CodeServer | undefined;
let browser: Browser | undefined;
let ui: Workbench;

/** The Search Tree webview's document (VS Code nests each webview in two iframes): the frame with `#totals`. */
async function treeFrame(): Promise<Frame | undefined> {
  for (const frame of ui.page.frames()) {
    if ((await frame.$('#totals').catch(() => null)) !== null) {
      return frame;
    }
  }
  return undefined;
}

/** Evaluates `probe` in the Search Tree webview ('' until it is there). */
async function inTree<T>(probe: (frame: Frame) => Promise<T>, none: T): Promise<T> {
  const frame = await treeFrame();
  return frame === undefined ? none : probe(frame).catch(() => none);
}

describe('Search Tree view (code-server) end to end', { timeout: 300_000 }, () => {
  before(async () => {
    console.log(`e2e screenshots: ${SHOTS}`);
    server = new CodeServer();
    const url = await server.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
    ui = await Workbench.open(browser, url, SHOTS);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens with the counts of the search, and a click on a failed node goes to its require', async () => {
    let shot: string | undefined;
    try {
      await ui.openFile('puzzle.omega');
      await ui.toggleBreakpoint(9); // (display answer): the search has found its solution
      await ui.command('View: Show Run and Debug');
      await ui.press('F5');
      await settle(
        () => ui.glyphs(),
        (g) => g.current.includes(9),
      );
      for (const pane of ['Variables', 'Watch', 'Call Stack', 'Breakpoints']) {
        await ui.collapsePane(pane);
      }
      // The view opened by itself: its pane is expanded and its webview shows the totals.
      const header = ui.page.locator(`.pane-header[aria-label="${PANE} Section"]`);
      const expanded = await settle(
        () => header.getAttribute('aria-expanded'),
        (value) => value === 'true',
      );
      const totals = await settle(
        () => inTree((f) => f.locator('#totals').innerText({ timeout: 2_000 }), ''),
        (text) => text.includes('failed'),
      );
      const count = await settle(
        () => inTree((f) => f.locator('g.node.kind-failed').count(), 0),
        (n) => n > 0,
      );
      shot = await ui.shot('search-tree');
      assert.equal(expanded, 'true', `the Search Tree view opened by itself (screenshot: ${shot})`);
      assert.equal(totals, '3 choice points · 3 failed · 1 solution · 3 pending', `the view's counts (screenshot: ${shot})`);
      assert.equal(count, 3, `three failed nodes are drawn (screenshot: ${shot})`);

      const frame = await treeFrame();
      assert.ok(frame !== undefined, `the Search Tree webview is there (screenshot: ${shot})`);
      await frame.locator('g.node.kind-failed').first().click({ force: true });
      const moved = await settle(
        () => ui.glyphs(),
        (g) => g.current.includes(5),
      );
      shot = await ui.shot('search-tree-jump');
      assert.deepEqual(moved.current, [5], `clicking a failed node moves the current line to its require on line 5 (screenshot: ${shot})`);
      const here = await settle(
        () => inTree((f) => f.locator('g.node.here').getAttribute('data-kind', { timeout: 2_000 }), null),
        (kind) => kind === 'failed',
      );
      assert.equal(here, 'failed', `after the jump the view marks that failed node as the current step (screenshot: ${shot})`);
    } catch (error) {
      shot ??= await ui.shot('search-tree').catch(() => 'search-tree.png (could not be saved)');
      if (error instanceof Error && !error.message.includes('screenshot')) {
        error.message += ` (screenshot: ${shot})`;
      }
      throw error;
    }
  });
});
