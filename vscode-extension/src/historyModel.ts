/**
 * The data behind the "Omega: Execution History" view: decoding the `omega/history` response
 * (DEBUGGER.md 11.3), choosing which part of the timeline to ask for, and turning entries into rows.
 * The server answers a timeline of the program (statements, calls and returns, choice points,
 * backtracks, oracle calls, transactions, interventions, breakpoint hits); machine transitions
 * only when asked for (`transitions: true`).
 * Pure code with no `vscode` import, so it is unit-tested directly.
 */

/** One history entry as `omega/history` reports it. */
export interface HistoryEntry {
  step: number;
  line: number;
  column: number;
  summary: string;
  depth: number;
  kind: string;
  /** `file:line:col`, when the entry has a source location. */
  location?: string;
  /** Oracle calls: how long the answer took. */
  latencyMs?: number;
}

/** The `omega/history` response body. */
export interface HistoryPage {
  entries: HistoryEntry[];
  total: number;
  oldest: number;
  current: number;
  newest?: number;
  /** The step to ask from for the entries after this page (none: the page reaches the newest). */
  next?: number;
  /** The step to ask the entries before for (none: the page starts at the oldest). */
  previous?: number;
}

/** The arguments of an `omega/history` request: `count` entries from `start`, and `before` entries before it. */
export interface HistoryWindow {
  start: number;
  count: number;
  before?: number;
  transitions?: boolean;
}

/** Entries asked for at a time: enough to scroll around the current step, small enough to be quick. */
export const PAGE_SIZE = 100;

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Checks and decodes an `omega/history` response body; throws an Error naming the first bad field. */
export function parseHistoryBody(body: unknown): HistoryPage {
  if (typeof body !== 'object' || body === null) {
    throw new Error('omega/history: the response has no body');
  }
  const record = body as Record<string, unknown>;
  for (const key of ['total', 'oldest', 'current'] as const) {
    if (!isInt(record[key])) {
      throw new Error(`omega/history: "${key}" is not an integer`);
    }
  }
  if (!Array.isArray(record.entries)) {
    throw new Error('omega/history: "entries" is not a list');
  }
  const entries = record.entries.map((raw: unknown, index: number): HistoryEntry => {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (!isInt(e.step)) {
      throw new Error(`omega/history: entry ${index} has no integer "step"`);
    }
    const entry: HistoryEntry = {
      step: e.step,
      line: isInt(e.line) ? e.line : 0,
      column: isInt(e.column) ? e.column : 0,
      summary: typeof e.summary === 'string' ? e.summary : '',
      depth: isInt(e.depth) ? e.depth : 0,
      kind: typeof e.kind === 'string' ? e.kind : '',
    };
    if (typeof e.location === 'string') {
      entry.location = e.location;
    }
    if (typeof e.latencyMs === 'number') {
      entry.latencyMs = e.latencyMs;
    }
    return entry;
  });
  const page: HistoryPage = { entries, total: record.total as number, oldest: record.oldest as number, current: record.current as number };
  if (isInt(record.newest)) {
    page.newest = record.newest;
  }
  if (isInt(record.next)) {
    page.next = record.next;
  }
  if (isInt(record.previous)) {
    page.previous = record.previous;
  }
  return page;
}

/** The step a `stopped` event's description ends with (`Paused on breakpoint 1 (step 48)`), if any. */
export function stepFromStopDescription(description: string | undefined): number | undefined {
  const match = /\(step ([\d,]+)\)\s*$/.exec(description ?? '');
  return match === null ? undefined : Number(match[1].replace(/,/g, ''));
}

/** The newest step the page lets us infer. */
export function newestStep(page: HistoryPage): number {
  const last = page.entries.length > 0 ? page.entries[page.entries.length - 1].step : page.oldest;
  return Math.max(page.newest ?? page.oldest + page.total - 1, last, page.current);
}

/** The request around `current`: some entries before it, the rest from it on. */
export function historyWindow(current: number, transitions = false, pageSize: number = PAGE_SIZE): HistoryWindow {
  const before = Math.floor((pageSize * 2) / 5);
  return { start: Math.max(0, current), count: pageSize - before, before, transitions };
}

/** The index of the entry the current step belongs to: the last one at or before it. */
export function currentIndex(entries: HistoryEntry[], current: number): number {
  let found = -1;
  entries.forEach((e, i) => {
    if (e.step <= current) {
      found = i;
    }
  });
  return found;
}

/** A row of the view: an entry, or a link to the entries before or after the page. */
export interface HistoryRow {
  kind: 'entry' | 'earlier' | 'later';
  /** Unique within a page (a step may have several entries): the tree item's id. */
  key: string;
  /** For an entry its step; for a link the `start` of the window it shows. */
  step: number;
  label: string;
  description: string;
  tooltip: string;
  /** A codicon id. */
  icon: string;
  current: boolean;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const ICONS: Record<string, string> = {
  statement: 'debug-line-by-line',
  call: 'call-outgoing',
  return: 'call-incoming',
  choice: 'type-hierarchy-sub',
  backtrack: 'debug-step-back',
  solution: 'pass',
  oracle: 'sparkle',
  transaction: 'database',
  form: 'symbol-namespace',
  edit: 'edit',
  breakpoint: 'debug-breakpoint',
};

function iconFor(entry: HistoryEntry, current: boolean): string {
  if (current) {
    return 'debug-stackframe';
  }
  const icon = ICONS[entry.kind.toLowerCase()];
  if (icon !== undefined) {
    return icon;
  }
  const summary = entry.summary.toLowerCase();
  if (summary.startsWith('edit:')) {
    return 'edit';
  }
  if (summary.startsWith('backtrack')) {
    return 'debug-step-back';
  }
  if (summary.startsWith('oracle')) {
    return 'sparkle';
  }
  return 'circle-small';
}

/** The window showing the entries before those of `page`, or after them. */
export function earlierWindow(page: HistoryPage, transitions = false, pageSize: number = PAGE_SIZE): HistoryWindow | undefined {
  return page.previous === undefined ? undefined : { start: page.previous, count: 0, before: pageSize, transitions };
}

export function laterWindow(page: HistoryPage, transitions = false, pageSize: number = PAGE_SIZE): HistoryWindow | undefined {
  return page.next === undefined ? undefined : { start: page.next, count: pageSize, transitions };
}

/** Builds the rows for a page: earlier link, entries in step order (indented by activation depth), later link. */
export function historyRows(page: HistoryPage): HistoryRow[] {
  const rows: HistoryRow[] = [];
  const entries = [...page.entries].sort((a, b) => a.step - b.step);
  if (page.previous !== undefined) {
    rows.push({
      kind: 'earlier',
      key: 'earlier',
      step: page.previous,
      label: `… earlier (steps ${formatCount(page.oldest)} to ${formatCount(page.previous - 1)})`,
      description: '',
      tooltip: `Show the entries before step ${formatCount(page.previous)}`,
      icon: 'fold-up',
      current: false,
    });
  }
  const here = currentIndex(entries, page.current);
  entries.forEach((entry, index) => {
    const current = index === here;
    const where = entry.line > 0 ? (entry.location ?? `line ${entry.line}:${entry.column}`) : '';
    const latency = entry.latencyMs !== undefined ? ` · ${formatCount(Math.round(entry.latencyMs))} ms` : '';
    const indent = '  '.repeat(Math.min(entry.depth, 12));
    rows.push({
      kind: 'entry',
      key: `entry:${entry.step}:${index}`,
      step: entry.step,
      label: `${indent}${entry.summary}`,
      description: `step ${formatCount(entry.step)}${where !== '' ? ` · ${where}` : ''}${latency}${current ? ' · current' : ''}`,
      // The entry's own location first (screen readers and tests read the tooltip as the row's label).
      tooltip: `${where !== '' ? where : 'no source'} · step ${formatCount(entry.step)} (${entry.kind}), activation depth ${entry.depth}${latency}\n${entry.summary}\nClick to go to this step.`,
      icon: iconFor(entry, current),
      current,
    });
  });
  if (page.next !== undefined) {
    const newest = newestStep(page);
    rows.push({
      kind: 'later',
      key: 'later',
      step: page.next,
      label: `… later (steps ${formatCount(page.next)} to ${formatCount(newest)})`,
      description: '',
      tooltip: `Show the entries from step ${formatCount(page.next)}`,
      icon: 'fold-down',
      current: false,
    });
  }
  return rows;
}
