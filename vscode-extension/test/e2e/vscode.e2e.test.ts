/**
 * The extension as its users see it: code-server 4.100.3 (VS Code 1.100.3) with our packaged .vsix,
 * driven through the UI in Debian's Chromium with playwright-core. Every check reads the
 * workbench's DOM (editor glyphs and tokens, the Run and Debug views, the panel), never the
 * protocol. Waits poll the UI; each check then saves a screenshot and asserts once, naming the
 * screenshot to look at when it fails. Screenshots go to $OMEGA_E2E_SHOTS (default
 * vscode-extension/.e2e/shots). Install first: scripts/install-code-server.sh; run: npm run test:e2e.
 *
 * The checks run in order in one window, as one user's session: a check that fails leaves the
 * later ones running against whatever state it left, so read the first failure first.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { type Browser, chromium } from 'playwright-core';

import { extensionRoot } from '../helpers/paths';
import { CodeServer } from './codeServer';
import { type Glyphs, type Row, settle, Workbench } from './workbench';

const SHOTS = path.resolve(process.env.OMEGA_E2E_SHOTS ?? path.join(extensionRoot, '.e2e', 'shots'));
const CHROMIUM = process.env.OMEGA_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** The colours of Default Dark Modern for the TextMate scopes our grammar gives. */
const THEME = {
  comment: 'rgb(106, 153, 85)',
  string: 'rgb(206, 145, 120)',
  number: 'rgb(181, 206, 168)',
  keyword: 'rgb(197, 134, 192)',
};

let server: CodeServer | undefined;
let browser: Browser | undefined;
let ui: Workbench;

function see(shot: string): string {
  return `(screenshot: ${shot})`;
}

function rowTexts(rows: Row[]): string {
  return rows.map((row) => `  ${row.label}`).join('\n');
}

function describeGlyphs(glyphs: Glyphs): string {
  return `current line ${JSON.stringify(glyphs.current)}, breakpoints ${JSON.stringify(glyphs.breakpoints)}, unverified ${JSON.stringify(glyphs.unverified)}`;
}

/** Waits until the Run and Debug views show a stop on `line` of the active editor. */
async function waitForStopAt(line: number, header: RegExp = /./): Promise<{ glyphs: Glyphs; header: string }> {
  return settle(
    async () => ({ glyphs: await ui.glyphs(), header: await ui.callStackHeader() }),
    (state) => state.glyphs.current.includes(line) && header.test(state.header),
  );
}

/**
 * The Call Stack's rows once it shows the frames `names` (first words of their rows) or a "Load More
 * Stack Frames" row. Defect 12: with delayed stack loading VS Code shows the top frame, the previous
 * stop's other frames and "Load More Stack Frames" until it fetches the rest, 420 ms later.
 */
async function stackOf(names: string[]): Promise<Row[]> {
  return settle(
    () => ui.callStack(),
    (rs) => rs.some((r) => /Load More Stack Frames/i.test(r.text)) || names.every((name) => rs.some((r) => r.text.split(' ')[0] === name)),
  );
}

/**
 * Runs the body of a check whose screenshot is `shot`. A failure, an assertion or a UI wait that
 * gave up, names the screenshot (taken then, if the body had not taken it yet).
 */
async function check(shot: string, body: (take: () => Promise<string>) => Promise<void>): Promise<void> {
  let taken: string | undefined;
  try {
    await body(async () => (taken = await ui.shot(shot)));
  } catch (error) {
    const file = taken ?? (await ui.shot(shot).catch(() => `${shot}.png (could not be saved)`));
    if (error instanceof Error && !error.message.includes(file)) {
      error.message += ` ${see(file)}`;
    }
    throw error;
  }
}

async function stopSession(): Promise<void> {
  await ui.command('Debug: Stop');
  await settle(
    () => ui.debugToolbarVisible(),
    (visible) => !visible,
  );
}

/** Back to a window with no debug session, editor or panel open (also after a failed check). */
async function reset(): Promise<void> {
  if (await ui.debugToolbarVisible()) {
    await stopSession();
  }
  await ui.hidePanel();
  await ui.closeAllEditors();
}

describe('VS Code (code-server) end to end', { timeout: 300_000 }, () => {
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

  it('activates the extension when an .omega file opens', () =>
    check('activation', async (take) => {
      await ui.openFile('pairs.omega');
      await ui.command('Developer: Show Running Extensions');
      const rows = await settle(
        () => ui.rows('.runtime-extensions-editor'),
        (rs) => rs.some((row) => /^Omega\b.*\bActivation: \d+ms/.test(row.text)),
      );
      await take();
      const omega = rows.find((row) => row.text.startsWith('Omega '));
      assert.ok(omega !== undefined, `Running Extensions does not list Omega:\n${rowTexts(rows)}`);
      assert.match(omega.text, /\bActivation: \d+ms/, 'Omega is listed but not activated');
      assert.doesNotMatch(omega.text, /error|failed/i, "Omega's activation failed");
      await ui.closeAllEditors();
    }));

  it('highlights comments, strings, numbers and special forms', () =>
    check('highlighting', async (take) => {
      await ui.openFile('highlight.omega');
      const tokens = await settle(
        async () => ({ comment: await ui.tokens(1), define: await ui.tokens(2), call: await ui.tokens(4) }),
        (t) => t.define.some((token) => token.text === 'define' && token.color === THEME.keyword),
      );
      await take();
      const colorOf = (line: { text: string; color: string }[], text: string): string | undefined => line.find((token) => token.text.trim() === text)?.color;
      const dump = JSON.stringify(tokens);
      assert.equal(colorOf(tokens.comment, '; highlight.omega: one of each kind of token'), THEME.comment, `comment colour: ${dump}`);
      assert.equal(colorOf(tokens.define, 'define'), THEME.keyword, `special form colour: ${dump}`);
      assert.equal(colorOf(tokens.define, '"hello"'), THEME.string, `string colour: ${dump}`);
      assert.equal(colorOf(tokens.call, '21'), THEME.number, `number colour: ${dump}`);
      await ui.closeAllEditors();
    }));

  it('shows reader errors in the Problems panel', () =>
    check('problems', async (take) => {
      await ui.openFile('bad.omega');
      await ui.command('View: Focus Problems (Errors, Warnings, Infos)');
      const rows = await settle(
        () => ui.rows('.markers-panel'),
        (rs) => rs.some((row) => row.text.includes('E0001')) && rs.some((row) => row.text.includes('E0002')),
      );
      await take();
      const e1 = rows.find((row) => row.text.includes('E0001'));
      const e2 = rows.find((row) => row.text.includes('E0002'));
      assert.ok(e1 !== undefined && e2 !== undefined, `Problems lacks E0001/E0002 for bad.omega:\n${rowTexts(rows)}`);
      assert.match(e1.text, /\[Ln 2, Col 9\]/, `E0001 is reported at 2:9: ${e1.text}`);
      assert.match(e1.label, /^Error: /, `E0001 is an error: ${e1.label}`);
      assert.match(e2.text, /\[Ln 1, Col 1\]/, `E0002 is reported at 1:1: ${e2.text}`);
      await reset();
    }));

  it('verifies a breakpoint, shows a moved one on its new line, and F5 stops there with the current line on it', () =>
    check('breakpoint-stop', async (take) => {
      await reset();
      await ui.openFile('pairs.omega');
      await ui.toggleBreakpoint(5); // a blank line: the adapter moves it to line 6
      await ui.command('View: Show Run and Debug');
      await ui.expandPane('Breakpoints');
      await ui.press('F5'); // launch.json holds the "Omega: Launch current file" configuration
      const stop = await waitForStopAt(6, /^Paused on breakpoint/);
      const breakpointRows = await settle(
        () => ui.rows(ui.paneSelector('Breakpoints')),
        (rs) => rs.some((r) => r.text.startsWith('pairs.omega') && /\b6:5\b/.test(r.text)),
      );
      // For the screenshot: the Variables view has filled in.
      await settle(
        () => ui.variables(),
        (rs) => rs.some((row) => row.label === 'y, value 1'),
        5_000,
      );
      await take();
      const row = breakpointRows.find((r) => r.text.startsWith('pairs.omega'));
      assert.ok(row !== undefined, `the Breakpoints view lists pairs.omega:\n${rowTexts(breakpointRows)}`);
      assert.match(row.text, /\b6:5\b/, `the Breakpoints view shows the breakpoint moved to 6:5: ${row.text}`);
      assert.match(row.label, /Moved from line 5/, `the Breakpoints view says why it moved: ${row.label}`);
      assert.deepEqual(stop.glyphs.breakpoints, [6], `a verified breakpoint glyph on line 6 only: ${describeGlyphs(stop.glyphs)}`);
      assert.deepEqual(stop.glyphs.unverified, [], `no unverified breakpoint: ${describeGlyphs(stop.glyphs)}`);
      assert.deepEqual(stop.glyphs.current, [6], `the editor's current line is line 6: ${describeGlyphs(stop.glyphs)}`);
      assert.match(stop.header, /^Paused on breakpoint \d+ \(step \d+\)$/, 'the Call Stack header describes the stop');
      await ui.collapsePane('Breakpoints');
    }));

  it('shows the Locals of the stopped frame', () =>
    check('locals', async (take) => {
      const rows = await settle(
        () => ui.variables(),
        (rs) => rs.some((row) => row.label === 'x, value 1') && rs.some((row) => row.label === 'y, value 1'),
      );
      await take();
      const locals = rows.findIndex((row) => row.label === 'Scope Locals');
      assert.ok(locals >= 0 && rows[locals].expanded === true, `the Locals scope is expanded:\n${rowTexts(rows)}`);
      assert.deepEqual(
        rows.slice(locals + 1, locals + 3).map((row) => row.label),
        ['x, value 1', 'y, value 1'],
        'Locals shows x = 1, y = 1',
      );
    }));

  it('lists the pending choice points of the amb search in the Choice Points scope', () =>
    check('choice-points', async (take) => {
      await ui.expandRow('.debug-variables', 'Scope Choice Points');
      const rows = await settle(
        () => ui.variables(),
        (rs) => rs.some((row) => row.label.startsWith('cp-1,')) && rs.some((row) => row.label.startsWith('cp-2,')),
      );
      await take();
      const scope = rows.findIndex((row) => row.label === 'Scope Choice Points');
      assert.ok(scope >= 0, `the Choice Points scope is shown:\n${rowTexts(rows)}`);
      assert.deepEqual(
        rows.slice(scope + 1, scope + 3).map((row) => row.label),
        ['cp-2, value amb at pairs.omega:4:12 · alternative 1 of 3 · 2 left', 'cp-1, value amb at pairs.omega:3:12 · alternative 1 of 3 · 2 left'],
        `Choice Points lists cp-2 then cp-1:\n${rowTexts(rows)}`,
      );
    }));

  it('watches $amb', () =>
    check('watch-amb', async (take) => {
      await ui.expandPane('Watch');
      await ui.page.locator('.pane-header[aria-label="Watch Section"]').hover();
      await ui.page.locator('.pane-header[aria-label="Watch Section"] .action-label[aria-label="Add Expression"]').click();
      await ui.page.keyboard.type('$amb');
      await ui.press('Enter');
      const rows = await settle(
        () => ui.rows('.debug-watch'),
        (rs) => rs.some((row) => row.label.startsWith('$amb') && row.text.includes('pending')),
      );
      await take();
      const watch = rows.find((row) => row.label.startsWith('$amb'));
      assert.ok(watch !== undefined, `the Watch view shows $amb:\n${rowTexts(rows)}`);
      assert.equal(watch.text, '$amb = 2 pending choice points', "$amb's value");
    }));

  it('evaluates an expression in the Debug Console', () =>
    check('debug-console', async (take) => {
      await ui.command('Debug Console: Focus on Debug Console View');
      await ui.page.locator('.repl-input-wrapper .monaco-editor').click();
      await ui.page.keyboard.type('(list x (+ y 10))');
      await ui.press('Enter');
      const rows = await settle(
        () => ui.rows('.repl'),
        (rs) => rs.some((row) => row.text === '(1 11)'),
      );
      await take();
      const texts = rows.map((row) => row.text);
      const input = texts.indexOf('(list x (+ y 10))');
      assert.ok(input >= 0, `the Debug Console echoes the input: ${JSON.stringify(texts)}`);
      assert.equal(texts[input + 1], '(1 11)', `the Debug Console shows the value: ${JSON.stringify(texts)}`);
      await ui.hidePanel();
    }));

  it('steps back: the current line moves back and the Call Stack header describes the stop', () =>
    check('step-back', async (take) => {
      await ui.hidePanel();
      await ui.press('F10'); // x = y = 1: the require fails and the search backtracks to cp-2
      const forward = await waitForStopAt(4, /^Backtracked to cp-2/);
      assert.deepEqual(forward.glyphs.current, [4], `Step Over from line 6 first reaches the backtracked amb on line 4: ${describeGlyphs(forward.glyphs)}`);
      await ui.debugToolbar('Step Back');
      const back = await waitForStopAt(6, /^Stepped back to step \d+/);
      const frames = await stackOf(['pick-pair', '<top-level>']);
      await ui.page.mouse.move(800, 700); // no tooltip over the editor in the screenshot
      await take();
      assert.deepEqual(back.glyphs.current, [6], `Step Back moves the current line back to line 6: ${describeGlyphs(back.glyphs)}`);
      assert.match(back.header, /^Stepped back to step \d+$/, `after Step Back the Call Stack header describes the stop; it shows "${back.header}"`);
      assert.deepEqual(
        frames.map((r) => r.text.split(' ')[0]),
        ['pick-pair', '<top-level>'],
        `after Step Back the Call Stack shows its two frames, and no "Load More Stack Frames":\n${rowTexts(frames)}`,
      );
    }));

  it('stepping forward over recorded steps describes what happened', () =>
    check('step-forward', async (take) => {
      await ui.press('F10');
      const again = await waitForStopAt(4, /^Backtracked to cp-2/);
      const frames = await stackOf(['<lambda>', 'pick-pair', '<top-level>']);
      const variables = await settle(
        () => ui.variables(),
        (rs) => rs.some((row) => row.label.startsWith('cp-2, value amb at pairs.omega:4:12 · alternative 2 of 3')),
      );
      await take();
      assert.deepEqual(again.glyphs.current, [4], `Step Over from line 6 moves to the backtracked amb on line 4: ${describeGlyphs(again.glyphs)}`);
      assert.match(
        again.header,
        /^Backtracked to cp-2 \(amb at pairs\.omega:4:12\): alternative 2 of 3 \(step \d+\)$/,
        `moving over the record, the Call Stack header describes the backtrack; it shows "${again.header}"`,
      );
      assert.deepEqual(
        frames.map((r) => r.text.split(' ')[0]),
        ['<lambda>', 'pick-pair', '<top-level>'],
        `the Call Stack shows the three frames of this stop, none of the previous one's, and no "Load More Stack Frames":\n${rowTexts(frames)}`,
      );
      assert.ok(
        variables.some((row) => row.label === 'cp-2, value amb at pairs.omega:4:12 · alternative 2 of 3 · 1 left'),
        `the Choice Points scope shows the backtracked cp-2 on its second alternative:\n${rowTexts(variables)}`,
      );
    }));

  it('navigates with the Execution History view', () =>
    check('history', async (take) => {
      await ui.collapsePane('Watch');
      await ui.collapsePane('Variables');
      await ui.collapsePane('Call Stack');
      await ui.expandPane('Omega: Execution History');
      const pane = ui.paneSelector('Omega: Execution History');
      const before = await ui.glyphs();
      const lineOf = (row: Row): number | undefined => {
        const match = /(?:\bline |\.omega:)(\d+)(?::\d+)?/.exec(row.label);
        return match === null ? undefined : Number(match[1]);
      };
      const elsewhere = (row: Row): boolean => lineOf(row) !== undefined && !before.current.includes(lineOf(row)!);
      const rows = await settle(
        () => ui.rows(pane),
        (rs) => rs.some(elsewhere),
      );
      const target = rows.find(elsewhere);
      assert.ok(target !== undefined, `the Execution History shows a step on another line than ${JSON.stringify(before.current)}:\n${rowTexts(rows)}`);
      const line = lineOf(target)!;
      await ui.page.locator(`${pane} .monaco-list-row[data-index]`, { hasText: target.text }).first().click();
      const after = await settle(
        () => ui.glyphs(),
        (g) => g.current.includes(line),
      );
      // For the screenshot: the view shows the page around the new step once it has it.
      await settle(
        () => ui.page.locator(pane).innerText(),
        (text) => !text.includes('Running'),
        5_000,
      );
      await take();
      assert.deepEqual(after.current, [line], `clicking "${target.text}" moves the editor's current line from ${JSON.stringify(before.current)} to line ${line}: ${describeGlyphs(after)}`);
      await ui.collapsePane('Omega: Execution History');
      await ui.expandPane('Variables');
      await ui.expandPane('Watch');
      await ui.expandPane('Call Stack');
    }));

  it('inside with-transaction focuses the activation at the breakpoint, with its Locals and the Transactions scope', () =>
    check('transaction', async (take) => {
      await reset();
      await ui.openFile('transaction.omega');
      await ui.toggleBreakpoint(7);
      await ui.press('F5');
      const stop = await waitForStopAt(7, /^Paused on breakpoint/);
      await settle(
        () => ui.variables(),
        (rs) => rs.some((row) => row.label === 'Scope Transactions'),
      );
      await ui.expandRow('.debug-variables', 'Scope Transactions');
      const variables = await settle(
        () => ui.variables(),
        (rs) => rs.some((row) => row.label.startsWith('tx-1,')) && rs.some((row) => row.label === 'amount, value 30'),
      );
      const frames = await ui.callStack();
      await take();
      assert.deepEqual(stop.glyphs.current, [7], `the editor's current line is the breakpoint's line 7, not the with-transaction on line 5: ${describeGlyphs(stop.glyphs)}`);
      assert.ok(
        variables.some((row) => row.label === 'amount, value 30'),
        `Locals of withdraw (amount = 30) are shown without clicking a frame:\n${rowTexts(variables)}`,
      );
      const tx = variables.find((row) => row.label.startsWith('tx-1,'));
      assert.equal(tx?.label, 'tx-1, value open · depth 1 · 1 proposal', `the Transactions scope lists tx-1:\n${rowTexts(variables)}`);
      assert.ok(
        frames.some((row) => /with-transaction tx-1 · open · 1 proposal/.test(row.text)),
        `the Call Stack shows the with-transaction extent as a label:\n${rowTexts(frames)}`,
      );
      await reset();
    }));

  it('shows the Fixpoint scope inside a fixpoint', () =>
    check('fixpoint', async (take) => {
      await reset();
      await ui.openFile('fixpoint.omega');
      await ui.toggleBreakpoint(3);
      await ui.press('F5');
      const stop = await waitForStopAt(3, /^Paused on breakpoint/);
      await settle(
        () => ui.variables(),
        (rs) => rs.some((row) => row.label === 'Scope Fixpoint'),
      );
      await ui.expandRow('.debug-variables', 'Scope Fixpoint');
      const variables = await settle(
        () => ui.variables(),
        (rs) => rs.some((row) => row.label.startsWith('fp-1')),
      );
      await take();
      assert.deepEqual(stop.glyphs.current, [3], `the editor's current line is line 3 in improve: ${describeGlyphs(stop.glyphs)}`);
      assert.ok(variables.some((row) => row.label === 'x, value 100'), `Locals shows x = 100:\n${rowTexts(variables)}`);
      const scope = variables.findIndex((row) => row.label === 'Scope Fixpoint');
      assert.ok(scope >= 0 && variables[scope + 1]?.label.startsWith('fp-1'), `the Fixpoint scope lists fp-1:\n${rowTexts(variables)}`);
      await reset();
    }));
});
