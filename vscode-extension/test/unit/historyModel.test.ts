/** The Execution History view's data: decoding omega/history, paging, rows. */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  currentIndex,
  earlierWindow,
  type HistoryEntry,
  type HistoryPage,
  historyRows,
  historyWindow,
  laterWindow,
  newestStep,
  parseHistoryBody,
  stepFromStopDescription,
} from '../../src/historyModel';

function entry(step: number, summary = `apply f`, kind = 'step'): HistoryEntry {
  return { step, line: 6, column: 5, summary, depth: 1, kind };
}

describe('parseHistoryBody', () => {
  it('decodes the timeline fields: location, oracle latency, next and previous', () => {
    const parsed = parseHistoryBody({
      entries: [{ step: 5, line: 2, column: 3, summary: 'oracle r-1', depth: 0, kind: 'oracle', location: 'a.omega:2:3', latencyMs: 12.5 }],
      total: 60, oldest: 0, current: 5, newest: 59, next: 6, previous: 5,
    });
    assert.equal(parsed.entries[0].location, 'a.omega:2:3');
    assert.equal(parsed.entries[0].latencyMs, 12.5);
    assert.deepEqual([parsed.newest, parsed.next, parsed.previous], [59, 6, 5]);
    assert.equal(parseHistoryBody({ entries: [], total: 1, oldest: 0, current: 0, next: null }).next, undefined);
  });

  it('decodes the body of DEBUGGER.md 11.3', () => {
    const body = {
      entries: [{ step: 48, line: 6, column: 5, summary: 'apply pick-pair', depth: 1, kind: 'step' }, { step: 49, summary: 'edit: set x = 5', kind: 'edit' }],
      total: 60,
      oldest: 0,
      current: 48,
    };
    const parsed = parseHistoryBody(body);
    assert.equal(parsed.current, 48);
    assert.deepEqual(parsed.entries[1], { step: 49, line: 0, column: 0, summary: 'edit: set x = 5', depth: 0, kind: 'edit' });
  });

  it('rejects malformed bodies with the field named', () => {
    assert.throws(() => parseHistoryBody(undefined), /no body/);
    assert.throws(() => parseHistoryBody({ entries: [], total: 1, oldest: 0 }), /"current"/);
    assert.throws(() => parseHistoryBody({ entries: {}, total: 1, oldest: 0, current: 0 }), /"entries"/);
    assert.throws(() => parseHistoryBody({ entries: [{ line: 1 }], total: 1, oldest: 0, current: 0 }), /entry 0/);
  });
});

describe('stepFromStopDescription', () => {
  it('reads the step every stopped description ends with', () => {
    assert.equal(stepFromStopDescription('Paused on breakpoint 1 (step 48)'), 48);
    assert.equal(stepFromStopDescription('Backtracked to cp-2 (amb at pairs.omega:4:12): alternative 2 of 3 (step 57)'), 57);
    assert.equal(stepFromStopDescription('Stepped back to step 48'), undefined);
    assert.equal(stepFromStopDescription(undefined), undefined);
  });
});

describe('historyWindow', () => {
  it('asks for some entries before the current step and the rest from it on', () => {
    assert.deepEqual(historyWindow(500, false, 100), { start: 500, count: 60, before: 40, transitions: false });
    assert.deepEqual(historyWindow(0, true, 100), { start: 0, count: 60, before: 40, transitions: true });
  });

  it('links to the entries before and after a page', () => {
    const p: HistoryPage = { entries: [entry(40), entry(90)], total: 1000, oldest: 0, current: 50, previous: 40, next: 91 };
    assert.deepEqual(earlierWindow(p, false, 100), { start: 40, count: 0, before: 100, transitions: false });
    assert.deepEqual(laterWindow(p, true, 100), { start: 91, count: 100, transitions: true });
    assert.equal(earlierWindow({ ...p, previous: undefined }), undefined);
    assert.equal(laterWindow({ ...p, next: undefined }), undefined);
  });
});

describe('currentIndex', () => {
  it('is the last entry at or before the current step (the current step need not make an entry)', () => {
    const entries = [entry(3), entry(7), entry(7), entry(12)];
    assert.equal(currentIndex(entries, 7), 2);
    assert.equal(currentIndex(entries, 10), 2);
    assert.equal(currentIndex(entries, 2), -1);
    assert.equal(currentIndex(entries, 99), 3);
  });
});

describe('historyRows', () => {
  it('lists entries in step order, indented by depth, marks the current one and links to earlier and later entries', () => {
    const p: HistoryPage = {
      entries: [entry(460, 'call square', 'call'), entry(500, '(* x x)', 'statement'), entry(549, 'return from square → 9', 'return')],
      total: 1000, oldest: 0, current: 510, newest: 999, previous: 460, next: 550,
    };
    assert.equal(newestStep(p), 999);
    const rows = historyRows(p);
    assert.deepEqual(rows.map((r) => r.kind), ['earlier', 'entry', 'entry', 'entry', 'later']);
    assert.deepEqual(rows[0], {
      kind: 'earlier', key: 'earlier', step: 460, label: '… earlier (steps 0 to 459)', description: '',
      tooltip: 'Show the entries before step 460', icon: 'fold-up', current: false,
    });
    assert.equal(rows[4].label, '… later (steps 550 to 999)');
    // Several entries of one step (a call and its body's first statement) are distinct tree items.
    const same = historyRows({ entries: [entry(7, 'call f', 'call'), entry(7, '(g x)', 'statement')], total: 10, oldest: 0, current: 7 });
    assert.equal(new Set(same.map((r) => r.key)).size, 2);
    const current = rows.filter((r) => r.current);
    assert.equal(current.length, 1);
    assert.equal(current[0].step, 500);
    assert.equal(current[0].icon, 'debug-stackframe');
    assert.equal(current[0].label, '  (* x x)');
    assert.equal(current[0].description, 'step 500 · line 6:5 · current');
    assert.deepEqual(rows.map((r) => r.icon), ['fold-up', 'call-outgoing', 'debug-stackframe', 'call-incoming', 'fold-down']);
  });

  it('shows no links at the ends of the timeline', () => {
    const rows = historyRows({ entries: [entry(0), entry(1), entry(2)], total: 3, oldest: 0, current: 2 });
    assert.deepEqual(rows.map((r) => r.kind), ['entry', 'entry', 'entry']);
  });

  it('picks icons by kind, shows locations and oracle latency, and formats large numbers', () => {
    const oracle: HistoryEntry = { ...entry(12347, 'oracle r-cc17 · live · What is 2+2? → 4', 'oracle'), location: 'a.omega:6:5', latencyMs: 1234.4 };
    const p: HistoryPage = {
      entries: [entry(12345, 'edit: set x = 5', 'edit'), entry(12346, 'backtrack to cp-2 #2 of 3', 'backtrack'), oracle, entry(12348, 'x', 'step')],
      total: 4,
      oldest: 12345,
      current: 0,
    };
    const rows = historyRows(p);
    assert.deepEqual(rows.map((r) => r.icon), ['edit', 'debug-step-back', 'sparkle', 'circle-small']);
    assert.equal(rows[0].label, '  edit: set x = 5');
    assert.equal(rows[0].description, 'step 12,345 · line 6:5');
    assert.equal(rows[2].description, 'step 12,347 · a.omega:6:5 · 1,234 ms');
  });
});
