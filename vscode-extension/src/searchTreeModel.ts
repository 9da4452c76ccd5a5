/**
 * The data behind the "Omega: Search Tree" view: decoding `omega/searchTree` (the amb search tree
 * the server derives from its history), splicing in the subtrees a cluster expands to, collapsing,
 * and the texts a node shows. Pure code with no `vscode` or DOM import: the extension host and the
 * webview both use it, and it is unit-tested directly.
 */

export type NodeKind = 'root' | 'choice' | 'collect' | 'failed' | 'solution' | 'abandoned' | 'pending' | 'current' | 'cluster';

export interface Counts {
  choicePoints: number;
  failed: number;
  solutions: number;
  pending: number;
  abandoned: number;
}

/** One node as `omega/searchTree` sends it. */
export interface TreeNode {
  id: number;
  kind: NodeKind;
  /** The step to jump to (the amb about to choose, the require about to fail, ...); null for pending. */
  step: number | null;
  line: number;
  column: number;
  children: TreeNode[];
  location?: string;
  /** The edge from the parent: the alternative's position in its amb and its short write form. */
  alternative?: number;
  label?: string;
  edge?: string;
  detail?: string;
  start?: number;
  choicePoint?: string;
  alternatives?: number;
  rolledBack?: string[];
  members?: number[];
  counts?: Counts;
  onPath?: boolean;
  here?: boolean;
  discarded?: boolean;
}

export interface SearchTreeBody {
  totals: Counts;
  root: TreeNode;
  current: number;
  newest: number;
  oldest: number;
}

const KINDS = new Set<string>(['root', 'choice', 'collect', 'failed', 'solution', 'abandoned', 'pending', 'current', 'cluster']);

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function parseCounts(raw: unknown, what: string): Counts {
  const c = (typeof raw === 'object' && raw !== null ? raw : undefined) as Record<string, unknown> | undefined;
  if (c === undefined) {
    throw new Error(`omega/searchTree: ${what} has no counts`);
  }
  const out: Counts = { choicePoints: 0, failed: 0, solutions: 0, pending: 0, abandoned: 0 };
  for (const key of Object.keys(out) as (keyof Counts)[]) {
    const v = c[key];
    if (v !== undefined && !isInt(v)) {
      throw new Error(`omega/searchTree: ${what}.${key} is not an integer`);
    }
    out[key] = isInt(v) ? v : 0;
  }
  return out;
}

/** Checks and decodes one node and its children (iteratively: trees can be deep). */
function parseNode(raw: unknown): TreeNode {
  const make = (value: unknown, path: string): TreeNode => {
    const n = (typeof value === 'object' && value !== null ? value : undefined) as Record<string, unknown> | undefined;
    if (n === undefined || !isInt(n.id) || typeof n.kind !== 'string' || !KINDS.has(n.kind)) {
      throw new Error(`omega/searchTree: ${path} is not a node`);
    }
    const node: TreeNode = {
      ...(n as object),
      id: n.id,
      kind: n.kind as NodeKind,
      step: isInt(n.step) ? n.step : null,
      line: isInt(n.line) ? n.line : 0,
      column: isInt(n.column) ? n.column : 0,
      children: [],
    } as TreeNode;
    if (n.counts !== undefined) {
      node.counts = parseCounts(n.counts, path);
    }
    return node;
  };
  const root = make(raw, 'root');
  const todo: [unknown, TreeNode, string][] = [[raw, root, 'root']];
  while (todo.length > 0) {
    const [value, node, path] = todo.pop() as [unknown, TreeNode, string];
    const kids = (value as Record<string, unknown>).children;
    if (kids !== undefined && !Array.isArray(kids)) {
      throw new Error(`omega/searchTree: ${path}.children is not a list`);
    }
    (kids ?? []).forEach((child: unknown, i: number) => {
      const childPath = `${path}.children[${i}]`;
      const made = make(child, childPath);
      node.children.push(made);
      todo.push([child, made, childPath]);
    });
  }
  return root;
}

/** Checks and decodes an `omega/searchTree` response body; throws an Error naming the first bad field. */
export function parseSearchTreeBody(body: unknown): SearchTreeBody {
  if (typeof body !== 'object' || body === null) {
    throw new Error('omega/searchTree: the response has no body');
  }
  const record = body as Record<string, unknown>;
  const totals = parseCounts(record.totals, 'totals');
  const root = parseNode(record.root);
  const int = (key: string): number => (isInt(record[key]) ? (record[key] as number) : 0);
  return { totals, root, current: int('current'), newest: int('newest'), oldest: int('oldest') };
}

/** Every node, depth-first, pre-order. */
export function* walk(root: TreeNode): Generator<TreeNode> {
  const todo = [root];
  while (todo.length > 0) {
    const n = todo.pop() as TreeNode;
    yield n;
    for (let i = n.children.length - 1; i >= 0; i--) {
      todo.push(n.children[i]);
    }
  }
}

/** The tree with the cluster `clusterId` replaced by the subtrees of its members (fetched with `node`). */
export function expandCluster(root: TreeNode, clusterId: number, subtrees: TreeNode[]): TreeNode {
  for (const n of walk(root)) {
    const i = n.children.findIndex((c) => c.kind === 'cluster' && c.id === clusterId);
    if (i >= 0) {
      n.children.splice(i, 1, ...subtrees);
      break;
    }
  }
  return root;
}

/** The tree as drawn: the children of collapsed nodes left out. */
export function visibleChildren(node: TreeNode, collapsed: ReadonlySet<number>): TreeNode[] {
  return collapsed.has(node.id) ? [] : node.children;
}

/** Where a click on the node takes the debugger: the step where its branch failed, ended or chose. */
export function jumpStep(node: TreeNode): number | undefined {
  if (node.step !== null && node.step >= 0) {
    return node.step;
  }
  return node.start;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** `370 choice points · 1,470 failed · 1 solution · 10 pending` */
export function countsText(c: Counts): string {
  const parts = [plural(c.choicePoints, 'choice point'), `${c.failed.toLocaleString('en-US')} failed`, plural(c.solutions, 'solution'), `${c.pending.toLocaleString('en-US')} pending`];
  if (c.abandoned > 0) {
    parts.push(`${c.abandoned.toLocaleString('en-US')} abandoned`);
  }
  return parts.join(' · ');
}

/** A short text under a node: what its subtree holds (`12✗ 1✓ 3…`). */
export function subtreeBadge(node: TreeNode): string {
  const c = node.counts;
  if (c === undefined || node.children.length === 0) {
    return '';
  }
  const parts: string[] = [];
  if (c.failed > 0) {
    parts.push(`${c.failed}✗`);
  }
  if (c.solutions > 0) {
    parts.push(`${c.solutions}✓`);
  }
  if (c.pending > 0) {
    parts.push(`${c.pending}…`);
  }
  return parts.join(' ');
}

/** The choices made on the way to `node` (the search's bindings): `cp-1 #2 = 2 · cp-2 #1 = 1`. */
export function bindingsSummary(path: TreeNode[]): string {
  const parts: string[] = [];
  for (let i = 1; i < path.length; i++) {
    const parent = path[i - 1];
    const child = path[i];
    if (parent.kind === 'choice' && child.alternative !== undefined) {
      parts.push(`${parent.choicePoint ?? 'amb'} #${child.alternative}${child.label !== undefined ? ` = ${child.label}` : ''}`);
    }
  }
  return parts.length > 0 ? parts.join(' · ') : 'no choices yet';
}

const TITLES: Record<NodeKind, string> = {
  root: 'program',
  choice: 'choice point',
  collect: 'amb-collect',
  failed: 'failed',
  solution: 'solution',
  abandoned: 'abandoned',
  pending: 'pending (untried)',
  current: 'current branch',
  cluster: 'cluster',
};

/** The hover text of a node: what it is, where, when, the bindings on its path and its subtree's counts. */
export function hoverText(node: TreeNode, path: TreeNode[]): string {
  const lines: string[] = [];
  const what = node.kind === 'cluster' ? (node.label ?? 'cluster') : node.kind === 'choice' ? `${node.choicePoint ?? 'choice point'}: amb with ${node.alternatives ?? '?'} alternatives` : TITLES[node.kind];
  lines.push(what + (node.discarded === true ? ' (discarded)' : ''));
  if (node.location !== undefined) {
    lines.push(`at ${node.location}`);
  } else if (node.line > 0) {
    lines.push(`at line ${node.line}:${node.column}`);
  }
  if (node.detail !== undefined) {
    lines.push(node.detail);
  }
  const step = jumpStep(node);
  if (step !== undefined) {
    lines.push(`step ${step.toLocaleString('en-US')} (click to go there)`);
  }
  lines.push(`bindings: ${bindingsSummary(path)}`);
  if (node.rolledBack !== undefined && node.rolledBack.length > 0) {
    lines.push(`rolled back: ${node.rolledBack.join(', ')}`);
  }
  if (node.counts !== undefined && (node.children.length > 0 || node.kind === 'cluster')) {
    lines.push(`subtree: ${countsText(node.counts)}`);
  }
  return lines.join('\n');
}
