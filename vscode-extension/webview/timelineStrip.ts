/**
 * The "Omega: Timeline" strip above the Execution History: the whole recorded run, time (steps)
 * across, activation depth downwards, with marks for breakpoint hits, backtracks, oracle calls
 * (their latency in the hover), commits, rollbacks and interventions, and a line at the current
 * step. Clicking anywhere jumps there in time (`omega/gotoStep`). Data: `omega/history`'s `strip`.
 */

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface Mark {
  step: number;
  kind: string;
  count: number;
  label: string;
  latencyMs?: number;
}
interface Strip {
  oldest: number;
  newest: number;
  current: number;
  bucketSize: number;
  depth: number[];
  marks: Mark[];
}

const vscode = acquireVsCodeApi();
const SVG_NS = 'http://www.w3.org/2000/svg';
const KINDS = ['breakpoint', 'backtrack', 'oracle', 'commit', 'rollback', 'edit'];
const svg = document.getElementById('strip') as unknown as SVGSVGElement;
const info = document.getElementById('info') as HTMLElement;
let strip: Strip | undefined;

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, String(v));
  }
  parent.appendChild(e);
  return e;
}

function render(): void {
  if (strip === undefined) {
    return;
  }
  const s = strip;
  const width = svg.clientWidth || 400;
  const height = svg.clientHeight || 90;
  const top = KINDS.length * 7 + 4; // a row of marks per kind
  const span = Math.max(1, s.newest - s.oldest);
  const x = (step: number): number => ((step - s.oldest) / span) * (width - 2) + 1;
  const maxDepth = Math.max(1, ...s.depth);
  const y = (d: number): number => top + (d / maxDepth) * (height - top - 3);
  svg.replaceChildren();
  const points = s.depth.map((d, i) => `${x(s.oldest + i * s.bucketSize).toFixed(1)},${y(d).toFixed(1)}`);
  if (points.length > 0) {
    el('polyline', { points: points.join(' '), class: 'depth' }, svg);
  }
  for (const m of s.marks) {
    const row = KINDS.indexOf(m.kind);
    const g = el('rect', { x: x(m.step) - 1, y: Math.max(0, row) * 7 + 1, width: 3, height: 6, class: `mark mark-${m.kind}`, 'data-step': m.step }, svg);
    const latency = m.latencyMs !== undefined ? ` · ${Math.round(m.latencyMs).toLocaleString('en-US')} ms` : '';
    const title = el('title', {}, g);
    title.textContent = `${m.label}${latency}${m.count > 1 ? ` (+${m.count - 1} more here)` : ''}\nstep ${m.step.toLocaleString('en-US')} — click to go there`;
    g.addEventListener('click', (event: MouseEvent) => {
      event.stopPropagation();
      vscode.postMessage({ type: 'goto', step: m.step });
    });
  }
  el('line', { x1: x(s.current), x2: x(s.current), y1: 0, y2: height, class: 'current' }, svg);
  info.textContent = `step ${s.current.toLocaleString('en-US')} of ${s.oldest.toLocaleString('en-US')}–${s.newest.toLocaleString('en-US')} · depth ↓ up to ${maxDepth}`;
}

svg.addEventListener('click', (event: MouseEvent) => {
  if (strip === undefined) {
    return;
  }
  const box = svg.getBoundingClientRect();
  const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / Math.max(1, box.width)));
  const step = Math.round(strip.oldest + fraction * (strip.newest - strip.oldest));
  vscode.postMessage({ type: 'goto', step });
});

window.addEventListener('resize', render);
window.addEventListener('message', (event: MessageEvent) => {
  const msg = event.data as { type: string; strip?: Strip; message?: string };
  if (msg.type === 'strip' && msg.strip !== undefined) {
    strip = msg.strip;
    document.body.classList.remove('running');
    render();
  } else if (msg.type === 'running') {
    document.body.classList.add('running');
  } else if (msg.type === 'error') {
    info.textContent = msg.message ?? 'error';
  }
});

vscode.postMessage({ type: 'ready' });
