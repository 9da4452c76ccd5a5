/**
 * The "Omega: Search Tree" view: a webview drawing the amb search tree of the active Omega debug
 * session (`omega/searchTree`, derived by the server from its history). It is refreshed at every
 * stop (step back included) and opens by itself at the first stop after the program has made a
 * choice point. Clicking a node sends `omega/gotoStep`, so the editor, Variables and Choice Points
 * show that moment; clicking a cluster fetches its subtrees (`node`), so a search of 100,000
 * failures is sent as a summary and detailed on demand.
 */
import * as vscode from 'vscode';

import { DEBUG_TYPE } from './debugAdapter';
import type { HistoryView } from './historyView';
import { parseSearchTreeBody, type TreeNode } from './searchTreeModel';
import { webviewHtml } from './webviewHtml';

export const SEARCH_TREE_VIEW_ID = 'omega.searchTree';
/** Nodes per answer; the rest comes as clusters the user opens. */
export const TREE_BUDGET = 400;

interface WebviewMessage {
  type: string;
  step?: number;
  clusterId?: number;
  members?: number[];
}

export class SearchTreeView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private latest: { message: unknown; session: vscode.DebugSession } | undefined;
  /** Sessions whose tree was shown (the view opens by itself once per session). */
  private readonly opened = new Set<string>();
  private readonly shownSessions = new Set<string>();
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, history: HistoryView) {
    this.disposables.push(
      vscode.window.registerWebviewViewProvider(SEARCH_TREE_VIEW_ID, this, { webviewOptions: { retainContextWhenHidden: true } }),
      history.onDidStop(({ session }) => void this.refresh(session)),
      history.onDidRun((session) => {
        if (session === vscode.debug.activeDebugSession) {
          this.generation += 1;
          this.post({ type: 'running' });
        }
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        this.opened.delete(session.id);
        this.shownSessions.delete(session.id);
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.webview.html = webviewHtml(view.webview, vscode.Uri.joinPath(dist, 'searchTree.js'), 'Search Tree', STYLE, BODY);
    view.webview.onDidReceiveMessage((message: WebviewMessage) => void this.onMessage(message));
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = false;
    });
  }

  /** Asks the session for its tree and shows it; opens the view the first time there is a search. */
  async refresh(session: vscode.DebugSession): Promise<void> {
    if (session.type !== DEBUG_TYPE) {
      return;
    }
    const generation = ++this.generation;
    try {
      const body = parseSearchTreeBody(await session.customRequest('omega/searchTree', { budget: TREE_BUDGET }));
      if (generation !== this.generation) {
        return;
      }
      const fresh = !this.shownSessions.has(session.id);
      this.shownSessions.add(session.id);
      this.latest = { message: { type: 'tree', body, fresh }, session };
      this.post(this.latest.message);
      if (body.totals.choicePoints > 0 && !this.opened.has(session.id)) {
        this.opened.add(session.id);
        await this.open();
      }
    } catch (error) {
      if (generation === this.generation) {
        this.post({ type: 'error', message: `Cannot read the search tree: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
  }

  private async open(): Promise<void> {
    if (this.view !== undefined) {
      this.view.show(true);
      return;
    }
    const editor = vscode.window.activeTextEditor;
    await vscode.commands.executeCommand(`${SEARCH_TREE_VIEW_ID}.focus`);
    if (editor !== undefined) {
      await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    }
  }

  private post(message: unknown): void {
    if (this.view !== undefined && this.ready) {
      void this.view.webview.postMessage(message);
    }
  }

  private async onMessage(message: WebviewMessage): Promise<void> {
    const session = this.latest?.session ?? vscode.debug.activeDebugSession;
    if (message.type === 'ready') {
      this.ready = true;
      if (this.latest !== undefined) {
        this.post(this.latest.message);
      }
      return;
    }
    if (session === undefined || session.type !== DEBUG_TYPE) {
      return;
    }
    try {
      if (message.type === 'goto' && typeof message.step === 'number') {
        await session.customRequest('omega/gotoStep', { step: message.step });
      } else if (message.type === 'expand' && typeof message.clusterId === 'number' && Array.isArray(message.members)) {
        const subtrees: TreeNode[] = [];
        for (const node of message.members) {
          const body = parseSearchTreeBody(await session.customRequest('omega/searchTree', { node, budget: Math.max(20, Math.floor(TREE_BUDGET / message.members.length)) }));
          subtrees.push(body.root);
        }
        this.post({ type: 'expanded', clusterId: message.clusterId, subtrees });
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`Omega: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

const STYLE = `
  #bar { display: flex; gap: 6px; align-items: center; padding: 3px 6px; border-bottom: 1px solid var(--vscode-panel-border, transparent); flex-wrap: wrap; }
  #totals { font-weight: 600; }
  #status { opacity: 0.75; margin-left: auto; }
  button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 1px 7px; cursor: pointer; }
  button:hover { background: var(--vscode-button-secondaryHoverBackground); }
  #tree { flex: 1; width: 100%; cursor: grab; }
  body.running #tree { opacity: 0.5; }
  body.empty #tree { display: none; }
  #empty { display: none; padding: 8px; opacity: 0.8; }
  body.empty #empty { display: block; }
  .link { fill: none; stroke: var(--vscode-editorIndentGuide-activeBackground, #888); stroke-width: 1.2; }
  .link.dim { stroke-dasharray: 3 3; opacity: 0.5; }
  .link.on-path { stroke: var(--vscode-charts-orange, #d18616); stroke-width: 3; }
  .edge-label { font-size: 10px; fill: var(--vscode-descriptionForeground); }
  .edge-label.rolled-back { fill: var(--vscode-charts-purple, #b180d7); }
  .badge { font-size: 9px; text-anchor: middle; fill: var(--vscode-descriptionForeground); }
  .node { cursor: pointer; }
  .node .shape { stroke: var(--vscode-editor-background, #1e1e1e); stroke-width: 1.5; }
  .kind-root .shape { fill: var(--vscode-foreground); }
  .kind-choice .shape { fill: var(--vscode-charts-blue, #3794ff); }
  .kind-collect .shape { fill: var(--vscode-charts-purple, #b180d7); }
  .kind-failed .shape { fill: var(--vscode-charts-red, #f14c4c); }
  .kind-solution .shape { fill: var(--vscode-charts-green, #89d185); }
  .kind-current .shape { fill: var(--vscode-charts-orange, #d18616); }
  .kind-current .ring { fill: none; stroke: var(--vscode-charts-orange, #d18616); stroke-width: 2; }
  .kind-pending .shape { fill: none; stroke: var(--vscode-disabledForeground, #888); stroke-dasharray: 2 2; }
  .kind-abandoned .shape { stroke: var(--vscode-disabledForeground, #888); stroke-width: 2.5; fill: none; }
  .kind-cluster .shape { fill: var(--vscode-charts-red, #f14c4c); opacity: 0.55; }
  .node.discarded { opacity: 0.45; }
  .node.here .shape { stroke: var(--vscode-focusBorder, #007fd4); stroke-width: 3; }
  .node.collapsed .shape { stroke: var(--vscode-foreground); stroke-dasharray: 2 1; }
`;

const BODY = `<div id="bar">
  <span id="totals">No search yet</span>
  <button id="zoom-in" title="Zoom in">+</button><button id="zoom-out" title="Zoom out">−</button>
  <button id="fit" title="Fit the tree">Fit</button><button id="current" title="Show the current branch">Current</button>
  <span id="status"></span>
</div>
<div id="empty">The program has made no choice point yet. The search tree appears here when it does.</div>
<svg id="tree" xmlns="http://www.w3.org/2000/svg"><g id="viewport"></g></svg>
`;
