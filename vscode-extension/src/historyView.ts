/**
 * The "Omega: Execution History" view. A debug adapter tracker watches each omega session's
 * messages; when the program stops (or its state is invalidated while stopped) the view asks the
 * adapter for the part of the `omega/history` timeline around the current step: statements, calls
 * and returns, backtracks, oracle calls, transactions, interventions (machine transitions when
 * toggled on). Clicking a row sends `omega/gotoStep`; the adapter's next `stopped` event
 * refreshes the view. Listeners (the timeline strip) hear of each stop.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as vscode from 'vscode';

import { DEBUG_TYPE } from './debugAdapter';
import {
  earlierWindow,
  type HistoryPage,
  type HistoryRow,
  type HistoryWindow,
  historyRows,
  historyWindow,
  laterWindow,
  newestStep,
  parseHistoryBody,
  stepFromStopDescription,
} from './historyModel';

export const VIEW_ID = 'omega.history';

/** Requests after which the program runs or jumps, so the shown history is stale until the next stop. */
const RESUMING_REQUESTS = new Set([
  'continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restartFrame', 'restart',
  'omega/reverseStepIn', 'omega/reverseStepOut', 'omega/gotoStep', 'omega/restoreSnapshot',
  'omega/chooseAlternative', 'omega/backtrack', 'omega/commit', 'omega/rollback', 'omega/invokeRestart',
]);

interface SessionState {
  session: vscode.DebugSession;
  stopped: boolean;
  page?: HistoryPage;
  window?: HistoryWindow;
  error?: string;
  /** Incremented per fetch so a slow answer never overwrites a newer one. */
  generation: number;
}

export class HistoryView implements vscode.TreeDataProvider<HistoryRow>, vscode.DebugAdapterTrackerFactory, vscode.Disposable {
  private readonly sessions = new Map<string, SessionState>();
  /** Machine transitions in the list too (toggled by a command). */
  private transitions = false;
  private readonly stops = new vscode.EventEmitter<{ session: vscode.DebugSession; step: number | undefined }>();
  /** Fires at each stop of an Omega session (and when its state changes while stopped). */
  readonly onDidStop = this.stops.event;
  private readonly runs = new vscode.EventEmitter<vscode.DebugSession>();
  /** Fires when an Omega session runs or jumps (what was shown is stale until its next stop). */
  readonly onDidRun = this.runs.event;
  private readonly changed = new vscode.EventEmitter<HistoryRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly treeView: vscode.TreeView<HistoryRow>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this });
    this.disposables.push(
      this.treeView,
      this.changed,
      this.stops,
      this.runs,
      vscode.debug.onDidChangeActiveDebugSession(() => this.render()),
      vscode.debug.onDidTerminateDebugSession((session) => {
        this.sessions.delete(session.id);
        this.render();
      }),
    );
  }

  // ---- tracking -------------------------------------------------------------------------------

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    const state: SessionState = { session, stopped: false, generation: 0 };
    this.sessions.set(session.id, state);
    return {
      onWillReceiveMessage: (message: DebugProtocol.ProtocolMessage) => {
        if (message.type === 'request' && RESUMING_REQUESTS.has((message as DebugProtocol.Request).command)) {
          this.markRunning(state);
        }
      },
      onDidSendMessage: (message: DebugProtocol.ProtocolMessage) => {
        if (message.type !== 'event') {
          return;
        }
        const event = message as DebugProtocol.Event;
        if (event.event === 'stopped') {
          const body = (event as DebugProtocol.StoppedEvent).body;
          state.stopped = true;
          const step = stepFromStopDescription(body.description);
          this.stops.fire({ session, step });
          void this.fetch(state, step);
        } else if (event.event === 'invalidated' && state.stopped) {
          this.stops.fire({ session, step: state.page?.current });
          void this.fetch(state, state.page?.current);
        } else if (event.event === 'continued') {
          this.markRunning(state);
        }
      },
      onWillStopSession: () => {
        this.sessions.delete(session.id);
        this.render();
      },
    };
  }

  private markRunning(state: SessionState): void {
    state.stopped = false;
    this.runs.fire(state.session);
    state.generation += 1; // answers still in flight describe the old stop
    this.render();
  }

  /**
   * Fetches the entries around `around` (the step the stop reported). Without a hint, a first
   * small request learns the current step.
   */
  private async fetch(state: SessionState, around: number | undefined, window?: HistoryWindow): Promise<void> {
    const generation = ++state.generation;
    try {
      let current = around;
      if (window === undefined && current === undefined) {
        current = parseHistoryBody(await state.session.customRequest('omega/history', { start: 0, count: 1 })).current;
      }
      const request = window ?? historyWindow(current ?? 0, this.transitions);
      const page = parseHistoryBody(await state.session.customRequest('omega/history', request));
      if (generation !== state.generation) {
        return;
      }
      state.page = page;
      state.window = request;
      state.error = undefined;
    } catch (error) {
      if (generation !== state.generation) {
        return;
      }
      state.page = undefined;
      state.error = error instanceof Error ? error.message : String(error);
    }
    this.render(true);
  }

  // ---- commands -------------------------------------------------------------------------------

  private activeState(): SessionState | undefined {
    const session = vscode.debug.activeDebugSession;
    return session !== undefined && session.type === DEBUG_TYPE ? this.sessions.get(session.id) : undefined;
  }

  /** Jumps the active session to `step` (a row, a number, or asked for in an input box). */
  async gotoStep(target?: HistoryRow | number): Promise<void> {
    const state = this.activeState();
    if (state === undefined) {
      void vscode.window.showErrorMessage('Omega: there is no active Omega debug session.');
      return;
    }
    let step = typeof target === 'number' ? target : target?.step;
    if (step === undefined) {
      const answer = await vscode.window.showInputBox({
        prompt: 'Go to history step',
        placeHolder: state.page !== undefined ? `${state.page.oldest} to ${newestStep(state.page)}` : 'step number',
        validateInput: (text) => (/^\s*\d+\s*$/.test(text) ? undefined : 'A step is a whole number'),
      });
      if (answer === undefined) {
        return;
      }
      step = Number(answer.trim());
    }
    try {
      await state.session.customRequest('omega/gotoStep', { step });
    } catch (error) {
      void vscode.window.showErrorMessage(`Omega: cannot go to step ${step}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Shows the entries before (`earlier`) or after (`later`) the shown ones. */
  async showPage(direction: 'earlier' | 'later' | number): Promise<void> {
    const state = this.activeState();
    if (state?.stopped !== true || state.page === undefined) {
      return;
    }
    const window =
      direction === 'earlier'
        ? earlierWindow(state.page, this.transitions)
        : direction === 'later'
          ? laterWindow(state.page, this.transitions)
          : historyWindow(direction, this.transitions);
    if (window !== undefined) {
      await this.fetch(state, undefined, window);
    }
  }

  /** Shows or hides the machine transitions between the timeline's entries. */
  async toggleTransitions(): Promise<void> {
    this.transitions = !this.transitions;
    await this.refresh();
  }

  /** Fetches the active session's history again, around its current step. */
  async refresh(): Promise<void> {
    const state = this.activeState();
    if (state?.stopped === true) {
      await this.fetch(state, state.page?.current);
    }
  }

  // ---- tree -----------------------------------------------------------------------------------

  private render(revealCurrent = false): void {
    const state = this.activeState();
    if (state === undefined) {
      this.treeView.message = undefined;
    } else if (!state.stopped) {
      this.treeView.message = 'Running…';
    } else if (state.error !== undefined) {
      this.treeView.message = `Cannot read the history: ${state.error}`;
    } else if (state.page !== undefined) {
      const { page } = state;
      this.treeView.message = `Step ${page.current.toLocaleString('en-US')} of ${page.oldest.toLocaleString('en-US')}–${newestStep(page).toLocaleString('en-US')}${this.transitions ? ' · machine transitions shown' : ''}`;
    }
    this.changed.fire(undefined);
    if (revealCurrent && this.treeView.visible) {
      const current = this.getChildren().find((row) => row.current);
      if (current !== undefined) {
        void this.treeView.reveal(current, { select: false, focus: false });
      }
    }
  }

  getChildren(element?: HistoryRow): HistoryRow[] {
    const state = this.activeState();
    if (element !== undefined || state === undefined || !state.stopped || state.page === undefined || state.window === undefined) {
      return [];
    }
    return historyRows(state.page);
  }

  getParent(): undefined {
    return undefined; // a flat list
  }

  getTreeItem(row: HistoryRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = row.key;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.iconPath = new vscode.ThemeIcon(row.icon);
    item.contextValue = row.kind;
    item.command =
      row.kind === 'entry'
        ? { command: 'omega.history.gotoStep', title: 'Go to Step', arguments: [row.step] }
        : { command: 'omega.history.showPage', title: 'Show More Execution History', arguments: [row.kind] };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
