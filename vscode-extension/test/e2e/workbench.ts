/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Driving the VS Code workbench in Chromium as a user does (keyboard, clicks), and reading what the
 * user sees from its DOM: the editor's glyph margin and tokens, the Run and Debug views, the
 * panel. Waits poll the UI until it shows what is expected or a timeout passes and then return what
 * it shows; the tests assert on that once, after saving a screenshot.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Browser, Page } from 'playwright-core';

export const UI_TIMEOUT_MS = 20_000;

/** A row of a tree or list view: its accessible label and visible text. */
export interface Row {
  label: string;
  text: string;
  expanded?: boolean;
}

/** The glyph margin of the active editor, as line numbers. */
export interface Glyphs {
  /** Lines with the top stack frame's marker (the editor's current line). */
  current: number[];
  /** Lines with a verified breakpoint. */
  breakpoints: number[];
  /** Lines with an unverified breakpoint. */
  unverified: number[];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until `done` holds or `timeoutMs` passes; returns the last value either way. */
export async function settle<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = UI_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    try {
      value = await probe();
      if (done(value)) {
        return value;
      }
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
    }
    if (Date.now() > deadline && value !== undefined) {
      return value;
    }
    await sleep(150);
  }
}

export class Workbench {
  private constructor(
    readonly page: Page,
    readonly shotsDir: string,
  ) {}

  static async open(browser: Browser, url: string, shotsDir: string): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 90_000 });
    // The explorer shows the workspace once the remote extension host is connected.
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90_000 });
    const workbench = new Workbench(page, shotsDir);
    await workbench.widenSideBar(560);
    return workbench;
  }

  /** Saves a screenshot of the whole window as `NAME.png`; returns its path. */
  async shot(name: string): Promise<string> {
    const file = path.join(this.shotsDir, `${name}.png`);
    fs.mkdirSync(this.shotsDir, { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Drags the sash between the side bar and the editor so the debug views have room to read. */
  async widenSideBar(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (box === null) {
      return;
    }
    const x = box.x + box.width;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + 50, y, { steps: 2 });
    await this.page.mouse.move(box.x + width, y, { steps: 4 });
    await this.page.mouse.up();
  }

  // ---- commands and keys -------------------------------------------------------------------------

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** Runs a command by its title through the command palette (F1). */
  async command(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await input.fill(`>${title}`);
    const pick = this.page.locator(`.quick-input-list .monaco-list-row[aria-label^="${title}"]`).first();
    await pick.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await pick.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  }

  /** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** Hides the panel (Problems, Debug Console...) when it is open. */
  async hidePanel(): Promise<void> {
    if (await this.page.locator('.part.panel').isVisible()) {
      await this.command('View: Hide Panel');
    }
  }

  async debugToolbarVisible(): Promise<boolean> {
    return this.page.locator('.debug-toolbar').isVisible();
  }

  async closeAllEditors(): Promise<void> {
    await this.command('View: Close All Editors');
  }

  /** Moves the cursor to `line` (Ctrl+G) in the active editor. */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  }

  /** Sets a breakpoint on `line` of the active editor (F9 at that line). */
  async toggleBreakpoint(line: number): Promise<void> {
    await this.goToLine(line);
    await this.page.keyboard.press('F9');
  }

  // ---- the editor ---------------------------------------------------------------------------------

  /** The glyph margin markers of the active editor, mapped to the line numbers beside them. */
  async glyphs(): Promise<Glyphs> {
    return this.page.evaluate(() => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor');
      const result = { current: [] as number[], breakpoints: [] as number[], unverified: [] as number[] };
      if (editor === null) {
        return result;
      }
      const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].map((element) => {
        const box = element.getBoundingClientRect();
        return { line: Number(element.textContent), middle: box.top + box.height / 2 };
      });
      const lineAt = (element: Element): number => {
        const box = element.getBoundingClientRect();
        const middle = box.top + box.height / 2;
        let best = { line: 0, distance: Infinity };
        for (const n of numbers) {
          const distance = Math.abs(n.middle - middle);
          if (distance < best.distance) {
            best = { line: n.line, distance };
          }
        }
        return best.line;
      };
      for (const glyph of editor.querySelectorAll('.cgmr')) {
        const classes = glyph.classList;
        if (classes.contains('codicon-debug-stackframe')) {
          result.current.push(lineAt(glyph));
        }
        if (classes.contains('codicon-debug-breakpoint')) {
          result.breakpoints.push(lineAt(glyph));
        }
        if (classes.contains('codicon-debug-breakpoint-unverified')) {
          result.unverified.push(lineAt(glyph));
        }
      }
      for (const list of Object.values(result)) {
        list.sort((a, b) => a - b);
      }
      return result;
    });
  }

  /** The tokens of `line` in the active editor: text and computed colour, as rendered. */
  async tokens(line: number): Promise<{ text: string; color: string }[]> {
    return this.page.evaluate((wanted) => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor');
      if (editor === null) {
        return [];
      }
      const lineHeight = editor.querySelector('.view-line')?.getBoundingClientRect().height ?? 0;
      const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')];
      const number = numbers.find((element) => Number(element.textContent) === wanted);
      if (number === undefined || lineHeight === 0) {
        return [];
      }
      const top = number.getBoundingClientRect().top;
      const viewLine = [...editor.querySelectorAll('.view-lines .view-line')].find(
        (element) => Math.abs(element.getBoundingClientRect().top - top) < lineHeight / 2,
      );
      if (viewLine === undefined) {
        return [];
      }
      return [...viewLine.querySelectorAll('span > span')].map((span) => ({
        text: (span.textContent ?? '').replace(/\u00a0/g, ' '),
        color: getComputedStyle(span).color,
      }));
    }, line);
  }

  // ---- views ----------------------------------------------------------------------------------------

  /** The rows rendered in the view or panel part matched by `selector`. */
  async rows(selector: string): Promise<Row[]> {
    return this.page.evaluate((sel) => {
      const root = document.querySelector(sel);
      if (root === null) {
        return [];
      }
      return [...root.querySelectorAll('.monaco-list-row')].map((row) => {
        const expanded = row.getAttribute('aria-expanded');
        return {
          label: row.getAttribute('aria-label') ?? '',
          text: (row as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
          ...(expanded === null ? {} : { expanded: expanded === 'true' }),
        };
      });
    }, selector);
  }

  /** The pane (a view in the side bar) whose header is labelled `title`. */
  paneSelector(title: string): string {
    return `.pane:has(> .pane-header[aria-label="${title} Section"])`;
  }

  /** Expands the side bar view `title` if it is collapsed (its header is a toggle). */
  async expandPane(title: string): Promise<void> {
    const header = this.page.locator(`.pane-header[aria-label="${title} Section"]`);
    await header.waitFor({ timeout: UI_TIMEOUT_MS });
    if ((await header.getAttribute('aria-expanded')) !== 'true') {
      await header.click();
    }
  }

  async collapsePane(title: string): Promise<void> {
    const header = this.page.locator(`.pane-header[aria-label="${title} Section"]`);
    if ((await header.count()) > 0 && (await header.getAttribute('aria-expanded')) === 'true') {
      await header.click();
    }
  }

  async variables(): Promise<Row[]> {
    return this.rows('.debug-variables');
  }

  async callStack(): Promise<Row[]> {
    return this.rows('.debug-call-stack');
  }

  /** The text beside the Call Stack view's title: the description of the stop. */
  async callStackHeader(): Promise<string> {
    return this.page.evaluate(() => (document.querySelector('.call-stack-state-message') as HTMLElement | null)?.innerText.trim() ?? '');
  }

  /** Expands the tree row whose label starts with `label` in the view matched by `selector`. */
  async expandRow(selector: string, label: string): Promise<void> {
    const row = this.page.locator(`${selector} .monaco-list-row[aria-label^="${label}"]`).first();
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
    }
  }

  /** Clicks a button of the floating debug toolbar by its accessible label (e.g. "Step Back"). */
  async debugToolbar(label: string): Promise<void> {
    await this.page.locator(`.debug-toolbar .action-label[aria-label^="${label}"]`).click();
  }
}
