/**
 * Entry point of the Omega extension: registers the `omega` debug type (adapter factory,
 * configuration provider, history tracker), the language client, the commands and the
 * Execution History view.
 */
import * as vscode from 'vscode';

import { debugFile, openRepl, runFile, trackRunTerminal } from './commands';
import { DEBUG_TYPE, OmegaConfigurationProvider, OmegaDebugAdapterFactory } from './debugAdapter';
import type { HistoryRow } from './historyModel';
import { HistoryView } from './historyView';
import { OmegaLanguageClient } from './languageClient';
import { SearchTreeView } from './searchTreeView';
import { TimelineStripView } from './timelineStripView';
import { SECTION, SettingKey } from './settings';

let languageClient: OmegaLanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const history = new HistoryView();
  languageClient = new OmegaLanguageClient();
  const client = languageClient;

  context.subscriptions.push(
    history,
    new SearchTreeView(context.extensionUri, history),
    new TimelineStripView(context.extensionUri, history),
    client,
    trackRunTerminal(),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new OmegaDebugAdapterFactory()),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new OmegaConfigurationProvider()),
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, history),
    vscode.commands.registerCommand('omega.runFile', runFile),
    vscode.commands.registerCommand('omega.debugFile', debugFile),
    vscode.commands.registerCommand('omega.openRepl', openRepl),
    vscode.commands.registerCommand('omega.restartLanguageServer', () => client.restart()),
    vscode.commands.registerCommand('omega.history.refresh', () => history.refresh()),
    vscode.commands.registerCommand('omega.history.gotoStep', (target?: HistoryRow | number) => history.gotoStep(target)),
    vscode.commands.registerCommand('omega.history.showPage', (direction: 'earlier' | 'later' | number) => history.showPage(direction)),
    vscode.commands.registerCommand('omega.history.toggleTransitions', () => history.toggleTransitions()),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(`${SECTION}.${SettingKey.lspPath}`) || event.affectsConfiguration(`${SECTION}.${SettingKey.pythonPath}`)) {
        await client.settingsChanged();
      } else if (event.affectsConfiguration(`${SECTION}.${SettingKey.lspTrace}`)) {
        await client.applyTrace();
      }
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await languageClient?.stop();
  languageClient = undefined;
}
