/** Reading the `omega.*` settings through the VS Code configuration API. */
import * as vscode from 'vscode';

import { SECTION, SettingDefault, SettingKey, type ToolSettings } from './settings';

/** The tool settings in effect for `scope` (a workspace folder or resource), defaults filled in. */
export function readToolSettings(scope?: vscode.ConfigurationScope): ToolSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    dapPath: config.get<string>(SettingKey.dapPath, SettingDefault.dapPath),
    pythonPath: config.get<string>(SettingKey.pythonPath, SettingDefault.pythonPath),
    lspPath: config.get<string>(SettingKey.lspPath, SettingDefault['lsp.path']),
    cliPath: config.get<string>(SettingKey.cliPath, SettingDefault.cliPath),
  };
}

/** The `omega.lsp.trace` level. */
export function readLspTrace(): string {
  return vscode.workspace.getConfiguration(SECTION).get<string>(SettingKey.lspTrace, SettingDefault['lsp.trace']);
}

/** A lookup context whose relative paths resolve against the first workspace folder. */
export function workspaceCwd(folder?: vscode.WorkspaceFolder): string {
  return (folder ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath ?? process.cwd();
}
