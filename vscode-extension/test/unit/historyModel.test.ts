/** The Execution History view's data: decoding omega/history, paging, rows. */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  type HistoryEntry,
  type HistoryPage,
  historyRows,
  historyWindow,
  newestStep,
  pageShowsCurrent,
  parseHistoryBody,
  stepFromStopDescription,
} from '../../src/historyModel';

function entry(step: number, summary = `apply f`, kind = 'step'): HistoryEntry {
  return { step, line: 6, column: 5, summary, depth: 1, kind };
}

function page(oldest: number, total: number, current: number, steps: number[]): HistoryPage {
  return { entries: steps.map((s) => entry(s)), total, oldest, current };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('parseHistoryBody', () => {
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
  it('centres on the current step within the kept range', () => {
    assert.deepEqual(historyWindow(500, 0, 1000, 100), { start: 450, count: 100 });
    assert.deepEqual(historyWindow(10, 0, 1000, 100), { start: 0, count: 100 });
    assert.deepEqual(historyWindow(995, 0, 1000, 100), { start: 901, count: 100 });
    assert.deepEqual(historyWindow(300, 280, 1000, 100), { start: 280, count: 100 });
    assert.deepEqual(historyWindow(5, 0, 20, 100), { start: 0, count: 100 });
  });

  it('always contains the current step', () => {
    for (let i = 0; i < 500; i++) {
      const oldest = Math.floor(Math.random() * 1000);
      const newest = oldest + Math.floor(Math.random() * 1000);
      const current = oldest + Math.floor(Math.random() * (newest - oldest + 1));
      const size = 1 + Math.floor(Math.random() * 200);
      const w = historyWindow(current, oldest, newest, size);
      assert.ok(w.start >= oldest && w.start <= current && current < w.start + w.count, JSON.stringify({ oldest, newest, current, size, w }));
    }
  });
});

describe('historyRows', () => {
  it('lists entries in step order, marks the current one and links to earlier and later pages', () => {
    const p = page(0, 1000, 500, range(450, 549));
    assert.equal(newestStep(p), 999);
    assert.ok(pageShowsCurrent(p));
    const rows = historyRows(p, { start: 450, count: 100 }, 100);
    assert.equal(rows.length, 102);
    assert.deepEqual(rows[0], {
      kind: 'earlier', step: 350, label: '… 450 earlier steps', description: 'from step 0',
      tooltip: 'Show steps 350 to 449', icon: 'fold-up', current: false,
    });
    assert.equal(rows[101].kind, 'later');
    assert.equal(rows[101].step, 550);
    assert.equal(rows[101].label, '… 450 later steps');
    const current = rows.filter((r) => r.current);
    assert.equal(current.length, 1);
    assert.equal(current[0].step, 500);
    assert.equal(current[0].icon, 'debug-stackframe');
    assert.equal(current[0].label, '500  apply f');
    assert.equal(current[0].description, 'line 6:5 · depth 1 · current');
  });

  it('shows no links at the ends of the timeline or after a short page', () => {
    const rows = historyRows(page(0, 3, 2, [0, 1, 2]), { start: 0, count: 100 });
    assert.deepEqual(rows.map((r) => r.kind), ['entry', 'entry', 'entry']);
    // Even if total over-counts, a page shorter than asked for means nothing follows.
    const short = historyRows(page(0, 500, 2, [0, 1, 2]), { start: 0, count: 100 });
    assert.ok(short.every((r) => r.kind === 'entry'));
  });

  it('picks icons by kind and summary, and formats large numbers', () => {
    const p: HistoryPage = {
      entries: [entry(12345, 'edit: set x = 5', 'edit'), entry(12346, 'backtrack to cp-2 #2'), entry(12347, 'oracle r-cc17 (live)'), entry(12348)],
      total: 4,
      oldest: 12345,
      current: 0,
    };
    const rows = historyRows(p, { start: 12345, count: 4 });
    assert.deepEqual(rows.map((r) => r.icon), ['edit', 'debug-step-back', 'sparkle', 'circle-small']);
    assert.equal(rows[0].label, '12,345  edit: set x = 5');
  });
});
