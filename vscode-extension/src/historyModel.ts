/**
 * The data behind the "Omega: Execution History" view: decoding the `omega/history` response
 * (DEBUGGER.md 11.3), choosing which page of the timeline to ask for, and turning entries into rows.
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
}

/** The `omega/history` response body. */
export interface HistoryPage {
  entries: HistoryEntry[];
  total: number;
  oldest: number;
  current: number;
}

/** The arguments of an `omega/history` request. */
export interface HistoryWindow {
  start: number;
  count: number;
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
    return {
      step: e.step,
      line: isInt(e.line) ? e.line : 0,
      column: isInt(e.column) ? e.column : 0,
      summary: typeof e.summary === 'string' ? e.summary : '',
      depth: isInt(e.depth) ? e.depth : 0,
      kind: typeof e.kind === 'string' ? e.kind : '',
    };
  });
  return { entries, total: record.total as number, oldest: record.oldest as number, current: record.current as number };
}

/** The step a `stopped` event's description ends with (`Paused on breakpoint 1 (step 48)`), if any. */
export function stepFromStopDescription(description: string | undefined): number | undefined {
  const match = /\(step ([\d,]+)\)\s*$/.exec(description ?? '');
  return match === null ? undefined : Number(match[1].replace(/,/g, ''));
}

/**
 * The newest step the page lets us infer. `total` counts kept entries starting at `oldest`; the
 * entries and `current` are lower bounds in case a server counts differently.
 */
export function newestStep(page: HistoryPage): number {
  const last = page.entries.length > 0 ? page.entries[page.entries.length - 1].step : page.oldest;
  return Math.max(page.oldest + page.total - 1, last, page.current);
}

/** A window of `pageSize` entries centred on `current`, kept inside [oldest, newest]. */
export function historyWindow(current: number, oldest: number, newest: number, pageSize: number = PAGE_SIZE): HistoryWindow {
  const highestStart = Math.max(oldest, newest - pageSize + 1);
  const start = Math.min(Math.max(oldest, current - Math.floor(pageSize / 2)), highestStart);
  return { start: Math.max(0, start), count: pageSize };
}

/** Whether a page holds the entry it calls current. */
export function pageShowsCurrent(page: HistoryPage): boolean {
  return page.entries.some((e) => e.step === page.current);
}

/** A row of the view: an entry, or a link to the entries before or after the page. */
export interface HistoryRow {
  kind: 'entry' | 'earlier' | 'later';
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

function iconFor(entry: HistoryEntry, current: boolean): string {
  if (current) {
    return 'debug-stackframe';
  }
  const kind = entry.kind.toLowerCase();
  const summary = entry.summary.toLowerCase();
  if (kind === 'edit' || summary.startsWith('edit:')) {
    return 'edit';
  }
  if (kind === 'backtrack' || summary.startsWith('backtrack')) {
    return 'debug-step-back';
  }
  if (kind === 'oracle' || summary.startsWith('oracle')) {
    return 'sparkle';
  }
  return 'circle-small';
}

/** Builds the rows for a page fetched with `window`: earlier link, entries in step order, later link. */
export function historyRows(page: HistoryPage, window: HistoryWindow, pageSize: number = PAGE_SIZE): HistoryRow[] {
  const rows: HistoryRow[] = [];
  const entries = [...page.entries].sort((a, b) => a.step - b.step);
  const first = entries.length > 0 ? entries[0].step : window.start;
  if (first > page.oldest) {
    const start = Math.max(page.oldest, first - pageSize);
    rows.push({
      kind: 'earlier',
      step: start,
      label: `… ${formatCount(first - page.oldest)} earlier steps`,
      description: `from step ${formatCount(page.oldest)}`,
      tooltip: `Show steps ${formatCount(start)} to ${formatCount(first - 1)}`,
      icon: 'fold-up',
      current: false,
    });
  }
  for (const entry of entries) {
    const current = entry.step === page.current;
    const where = entry.line > 0 ? `line ${entry.line}:${entry.column}` : 'no source';
    rows.push({
      kind: 'entry',
      step: entry.step,
      label: `${formatCount(entry.step)}  ${entry.summary}`,
      description: `${where} · depth ${entry.depth}${current ? ' · current' : ''}`,
      tooltip: `Step ${formatCount(entry.step)}${entry.kind !== '' ? ` (${entry.kind})` : ''}: ${entry.summary}\n${where}, activation depth ${entry.depth}\nClick to go to this step.`,
      icon: iconFor(entry, current),
      current,
    });
  }
  // A short page means the server had nothing more; a full one may have more after it.
  const last = entries.length > 0 ? entries[entries.length - 1].step : window.start - 1;
  const newest = newestStep(page);
  if (entries.length >= window.count && last < newest) {
    rows.push({
      kind: 'later',
      step: last + 1,
      label: `… ${formatCount(newest - last)} later steps`,
      description: `to step ${formatCount(newest)}`,
      tooltip: `Show steps from ${formatCount(last + 1)}`,
      icon: 'fold-down',
      current: false,
    });
  }
  return rows;
}
