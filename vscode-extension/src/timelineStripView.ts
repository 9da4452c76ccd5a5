/**
 * The "Omega: Timeline" view: a compact strip of the whole recorded run drawn in a webview above
 * the Execution History (webview/timelineStrip.ts). Refreshed at every stop from `omega/history`'s
 * `strip` (depth per slice of steps, marks for breakpoint hits, backtracks, oracle calls with their
 * latency, commits, rollbacks, interventions); a click sends `omega/gotoStep`.
 */
import * as vscode from 'vscode';

import { DEBUG_TYPE } from './debugAdapter';
import type { HistoryView } from './historyView';
import { webviewHtml } from './webviewHtml';

export const TIMELINE_VIEW_ID = 'omega.timeline';
/** Slices of the run the strip draws. */
export const STRIP_BUCKETS = 600;

const STYLE = `
  #strip { width: 100%; flex: 1; min-height: 60px; cursor: pointer; }
  body.running #strip { opacity: 0.5; }
  #info { font-size: 11px; opacity: 0.8; padding: 0 4px; }
  .depth { fill: none; stroke: var(--vscode-charts-blue, #3794ff); stroke-width: 1.2; }
  .current { stroke: var(--vscode-charts-orange, #d18616); stroke-width: 2; }
  .mark-breakpoint { fill: var(--vscode-debugIcon-breakpointForeground, #e51400); }
  .mark-backtrack { fill: var(--vscode-charts-red, #f14c4c); }
  .mark-oracle { fill: var(--vscode-charts-purple, #b180d7); }
  .mark-commit { fill: var(--vscode-charts-green, #89d185); }
  .mark-rollback { fill: var(--vscode-charts-yellow, #cca700); }
  .mark-edit { fill: var(--vscode-foreground); }`;

export class TimelineStripView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private latest: { message: unknown; session: vscode.DebugSession } | undefined;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, history: HistoryView) {
    this.disposables.push(
      vscode.window.registerWebviewViewProvider(TIMELINE_VIEW_ID, this),
      history.onDidStop(({ session }) => void this.refresh(session)),
      history.onDidRun(() => {
        this.generation += 1;
        this.post({ type: 'running' });
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.webview.html = webviewHtml(view.webview, vscode.Uri.joinPath(dist, 'timelineStrip.js'), 'Timeline', STYLE,
      '<svg id="strip" xmlns="http://www.w3.org/2000/svg"></svg><div id="info">The timeline of the run appears here when the program stops.</div>');
    view.webview.onDidReceiveMessage((message: { type: string; step?: number }) => {
      if (message.type === 'ready') {
        this.ready = true;
        if (this.latest !== undefined) {
          this.post(this.latest.message);
        } else if (this.pendingSession !== undefined) {
          void this.refresh(this.pendingSession);
        }
      } else if (message.type === 'goto' && typeof message.step === 'number') {
        const session = this.latest?.session;
        if (session !== undefined) {
          session.customRequest('omega/gotoStep', { step: message.step }).then(undefined, (error: unknown) => {
            void vscode.window.showErrorMessage(`Omega: cannot go to step ${message.step}: ${error instanceof Error ? error.message : String(error)}`);
          });
        }
      }
    });
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = false;
    });
  }

  async refresh(session: vscode.DebugSession): Promise<void> {
    if (session.type !== DEBUG_TYPE || this.view === undefined) {
      this.latest = undefined;
      if (session.type === DEBUG_TYPE) {
        this.pendingSession = session;
      }
      return;
    }
    const generation = ++this.generation;
    try {
      const body = (await session.customRequest('omega/history', { count: 1, strip: STRIP_BUCKETS })) as { strip?: unknown };
      if (generation === this.generation && body.strip !== undefined) {
        this.latest = { message: { type: 'strip', strip: body.strip }, session };
        this.post(this.latest.message);
      }
    } catch (error) {
      if (generation === this.generation) {
        this.post({ type: 'error', message: `Cannot read the timeline: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
  }

  /** A session that stopped while the view was closed: fetched when the view opens. */
  private pendingSession: vscode.DebugSession | undefined;

  private post(message: unknown): void {
    if (this.view !== undefined && this.ready) {
      void this.view.webview.postMessage(message);
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
