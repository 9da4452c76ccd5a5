/**
 * The "Omega: Search Tree" webview: draws the amb search tree `omega/searchTree` answers (laid out
 * by d3-hierarchy, zoomed and panned by d3-zoom, plain SVG). Nodes are coloured by kind, the
 * current path highlighted, each subtree's counts shown under its node. Clicking a node asks the
 * extension to jump there in time (`omega/gotoStep`); clicking a cluster asks for its subtrees;
 * Alt+click (or double-click) collapses or opens a node. The extension posts a new tree at every stop.
 */
import { hierarchy, type HierarchyPointNode, tree as treeLayout } from 'd3-hierarchy';
import { select } from 'd3-selection';
import { zoom, zoomIdentity, type ZoomBehavior } from 'd3-zoom';

import {
  countsText,
  expandCluster,
  hoverText,
  jumpStep,
  type SearchTreeBody,
  subtreeBadge,
  type TreeNode,
  visibleChildren,
} from '../src/searchTreeModel';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG_NS = 'http://www.w3.org/2000/svg';
const DX = 34; // horizontal distance between neighbours
const DY = 64; // vertical distance between levels

let body: SearchTreeBody | undefined;
const collapsed = new Set<number>();
const expandedMembers = new Set<number>();
let fitted = false;
/** Whether the user zoomed or panned (else the tree is fitted again when the view is resized). */
let userMoved = false;

const svgEl = document.getElementById('tree') as unknown as SVGSVGElement;
const viewport = document.getElementById('viewport') as unknown as SVGGElement;
const totalsEl = document.getElementById('totals') as HTMLElement;
const statusEl = document.getElementById('status') as HTMLElement;

const zoomer: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
  .scaleExtent([0.05, 4])
  .on('zoom', (event: { transform: { toString(): string }; sourceEvent: unknown }) => {
    viewport.setAttribute('transform', event.transform.toString());
    if (event.sourceEvent !== null && event.sourceEvent !== undefined) {
      userMoved = true;
    }
  });
select(svgEl).call(zoomer).on('dblclick.zoom', null);
new ResizeObserver(() => {
  if (!userMoved && body !== undefined) {
    fit();
  }
}).observe(svgEl);

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, String(v));
  }
  parent.appendChild(e);
  return e;
}

function pathTo(node: HierarchyPointNode<TreeNode>): TreeNode[] {
  return node.ancestors().reverse().map((a) => a.data);
}

function shape(g: SVGGElement, n: TreeNode): void {
  switch (n.kind) {
    case 'choice':
    case 'root':
      el('circle', { r: 7, class: 'shape' }, g);
      break;
    case 'failed':
      el('rect', { x: -6, y: -6, width: 12, height: 12, class: 'shape' }, g);
      break;
    case 'solution':
      el('polygon', { points: '0,-8 8,0 0,8 -8,0', class: 'shape' }, g);
      break;
    case 'current':
      el('circle', { r: 11, class: 'ring' }, g);
      el('circle', { r: 7, class: 'shape' }, g);
      break;
    case 'cluster':
      el('rect', { x: -10, y: -8, width: 20, height: 16, rx: 5, class: 'shape' }, g);
      break;
    case 'collect':
      el('rect', { x: -9, y: -7, width: 18, height: 14, class: 'shape' }, g);
      break;
    case 'abandoned':
      el('path', { d: 'M-6,-6L6,6M6,-6L-6,6', class: 'shape cross' }, g);
      break;
    default:
      el('circle', { r: 5, class: 'shape' }, g);
  }
}

function render(): void {
  if (body === undefined) {
    return;
  }
  totalsEl.textContent = countsText(body.totals);
  totalsEl.dataset.failed = String(body.totals.failed);
  totalsEl.dataset.solutions = String(body.totals.solutions);
  totalsEl.dataset.pending = String(body.totals.pending);
  totalsEl.dataset.choicePoints = String(body.totals.choicePoints);
  statusEl.textContent = `step ${body.current.toLocaleString('en-US')} of ${body.oldest.toLocaleString('en-US')}–${body.newest.toLocaleString('en-US')}`;
  const root = hierarchy<TreeNode>(body.root, (n) => visibleChildren(n, collapsed));
  const laid = treeLayout<TreeNode>().nodeSize([DX, DY]).separation((a, b) => (a.parent === b.parent ? 1 : 1.4))(root);
  viewport.replaceChildren();
  const links = el('g', { class: 'links' }, viewport);
  const labels = el('g', { class: 'labels' }, viewport);
  const nodes = el('g', { class: 'nodes' }, viewport);
  for (const link of laid.links()) {
    const s = link.source;
    const t = link.target;
    const mid = (s.y + t.y) / 2;
    const onPath = s.data.onPath === true && t.data.onPath === true;
    el('path', { d: `M${s.x},${s.y}C${s.x},${mid} ${t.x},${mid} ${t.x},${t.y}`, class: `link${onPath ? ' on-path' : ''}${t.data.kind === 'pending' ? ' dim' : ''}` }, links);
    // The edge's label sits just above the child, the transactions its backtrack rolled back beside it.
    const text = t.data.label ?? (t.data.alternative !== undefined ? `#${t.data.alternative}` : '');
    if (text !== '' && t.data.kind !== 'cluster') {
      const label = el('text', { x: t.x + 4, y: t.y - 13, class: 'edge-label' }, labels);
      label.textContent = text;
    }
    if (t.data.rolledBack !== undefined && t.data.rolledBack.length > 0) {
      const rb = el('text', { x: t.x + 4, y: t.y - 24, class: 'edge-label rolled-back' }, labels);
      rb.textContent = `↺ ${t.data.rolledBack.join(',')}`;
    }
  }
  let here: HierarchyPointNode<TreeNode> | undefined;
  for (const node of laid.descendants()) {
    const n = node.data;
    const g = el('g', {
      transform: `translate(${node.x},${node.y})`,
      class: `node kind-${n.kind}${n.onPath === true ? ' on-path' : ''}${n.here === true ? ' here' : ''}${n.discarded === true ? ' discarded' : ''}${collapsed.has(n.id) ? ' collapsed' : ''}`,
      'data-kind': n.kind,
      'data-id': n.id,
      'data-step': jumpStep(n) ?? '',
      'data-line': n.line,
    }, nodes);
    shape(g, n);
    const title = el('title', {}, g);
    title.textContent = hoverText(n, pathTo(node));
    // Under the node: what its subtree holds (a cluster: its failures; the hover says the rest).
    const badge = collapsed.has(n.id) ? `+ ${subtreeBadge(n)}` : n.kind === 'cluster' ? clusterBadge(n) : subtreeBadge(n);
    if (badge !== '') {
      const t = el('text', { y: 21, class: 'badge' }, g);
      t.textContent = badge;
    }
    g.addEventListener('click', (event: MouseEvent) => onClick(n, event));
    g.addEventListener('dblclick', () => toggle(n));
    if (n.here === true) {
      here = node;
    }
  }
  if (!fitted) {
    fitted = true;
    fit();
  } else if (here !== undefined) {
    keepVisible(here);
  }
}

function clusterBadge(n: TreeNode): string {
  const c = n.counts;
  if (c === undefined) {
    return '…';
  }
  return c.failed > 0 ? `${c.failed.toLocaleString('en-US')}✗` : `${c.choicePoints.toLocaleString('en-US')}…`;
}

function onClick(n: TreeNode, event: MouseEvent): void {
  if (event.altKey) {
    toggle(n);
    return;
  }
  if (n.kind === 'cluster' && n.members !== undefined) {
    for (const m of n.members) {
      expandedMembers.add(m);
    }
    vscode.postMessage({ type: 'expand', clusterId: n.id, members: n.members });
    return;
  }
  const step = jumpStep(n);
  if (step !== undefined) {
    vscode.postMessage({ type: 'goto', step });
  }
}

function toggle(n: TreeNode): void {
  if (n.children.length === 0) {
    return;
  }
  if (collapsed.has(n.id)) {
    collapsed.delete(n.id);
  } else {
    collapsed.add(n.id);
  }
  render();
}

function bounds(): DOMRect {
  return viewport.getBBox() as DOMRect;
}

function fit(): void {
  const box = bounds();
  const width = svgEl.clientWidth || 400;
  const height = svgEl.clientHeight || 300;
  if (box.width === 0 || box.height === 0) {
    return;
  }
  const k = Math.min(2, 0.92 * Math.min(width / box.width, height / box.height));
  const t = zoomIdentity.translate(width / 2 - k * (box.x + box.width / 2), height / 2 - k * (box.y + box.height / 2)).scale(k);
  select(svgEl).call(zoomer.transform, t);
}

function keepVisible(node: HierarchyPointNode<TreeNode>): void {
  const m = viewport.getCTM();
  if (m === null) {
    return;
  }
  const x = m.a * node.x + m.e;
  const y = m.d * node.y + m.f;
  const width = svgEl.clientWidth || 400;
  const height = svgEl.clientHeight || 300;
  if (x < 0 || y < 0 || x > width || y > height) {
    select(svgEl).call(zoomer.translateTo, node.x, node.y);
  }
}

function showCurrent(): void {
  const g = viewport.querySelector('.node.here');
  const id = g?.getAttribute('data-id');
  if (body === undefined || id === null || id === undefined) {
    return;
  }
  const root = treeLayout<TreeNode>().nodeSize([DX, DY])(hierarchy<TreeNode>(body.root, (n) => visibleChildren(n, collapsed)));
  const node = root.descendants().find((d) => String(d.data.id) === id);
  if (node !== undefined) {
    select(svgEl).call(zoomer.translateTo, node.x, node.y);
  }
}

for (const [id, factor] of [['zoom-in', 1.4], ['zoom-out', 1 / 1.4]] as const) {
  document.getElementById(id)?.addEventListener('click', () => {
    userMoved = true;
    select(svgEl).call(zoomer.scaleBy, factor);
  });
}
document.getElementById('fit')?.addEventListener('click', () => {
  userMoved = false;
  fit();
});
document.getElementById('current')?.addEventListener('click', showCurrent);

window.addEventListener('message', (event: MessageEvent) => {
  const msg = event.data as { type: string; body?: SearchTreeBody; clusterId?: number; subtrees?: TreeNode[]; message?: string; fresh?: boolean };
  if (msg.type === 'tree' && msg.body !== undefined) {
    if (msg.fresh === true) {
      fitted = false;
      userMoved = false;
      collapsed.clear();
      expandedMembers.clear();
    }
    body = msg.body;
    document.body.classList.remove('running', 'empty');
    if (body.totals.choicePoints === 0) {
      document.body.classList.add('empty');
    }
    render();
    // Clusters opened before this stop are opened again.
    for (const n of [...viewport.querySelectorAll('.node.kind-cluster')]) {
      const id = Number(n.getAttribute('data-id'));
      const cluster = findNode(body.root, id);
      if (cluster?.members !== undefined && cluster.members.some((m) => expandedMembers.has(m))) {
        vscode.postMessage({ type: 'expand', clusterId: id, members: cluster.members });
      }
    }
  } else if (msg.type === 'expanded' && body !== undefined && msg.clusterId !== undefined && msg.subtrees !== undefined) {
    expandCluster(body.root, msg.clusterId, msg.subtrees);
    render();
  } else if (msg.type === 'running') {
    document.body.classList.add('running');
    statusEl.textContent = 'running…';
  } else if (msg.type === 'error') {
    statusEl.textContent = msg.message ?? 'error';
  }
});

function findNode(root: TreeNode, id: number): TreeNode | undefined {
  const todo = [root];
  while (todo.length > 0) {
    const n = todo.pop() as TreeNode;
    if (n.id === id) {
      return n;
    }
    todo.push(...n.children);
  }
  return undefined;
}

vscode.postMessage({ type: 'ready' });
