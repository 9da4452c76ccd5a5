/**
 * Reading the `omega.*` settings through the VS Code configuration API, the same way for every
 * tool, in local and remote windows (Remote-SSH, WSL, code-server: the extension host runs where
 * the workspace is, and the `machine-overridable` settings come from that machine's settings).
 */
import * as vscode from 'vscode';

import { type LookupContext, type Resolution, resolveTool, type ToolSpec } from './executables';
import { SECTION, SettingDefault, SettingKey, type ToolSettings } from './settings';

/** The folder a tool is resolved for: the given one, else the first of the workspace. */
function folderOf(folder?: vscode.WorkspaceFolder): vscode.WorkspaceFolder | undefined {
  return folder ?? vscode.workspace.workspaceFolders?.[0];
}

/** The tool settings in effect for `folder` (the workspace's first by default), defaults filled in. */
export function readToolSettings(folder?: vscode.WorkspaceFolder): ToolSettings {
  const config = vscode.workspace.getConfiguration(SECTION, folderOf(folder));
  return {
    dapPath: config.get<string>(SettingKey.dapPath, SettingDefault.dapPath),
    pythonPath: config.get<string>(SettingKey.pythonPath, SettingDefault.pythonPath),
    lspPath: config.get<string>(SettingKey.lspPath, SettingDefault['lsp.path']),
    cliPath: config.get<string>(SettingKey.cliPath, SettingDefault.cliPath),
  };
}

/** The `omega.lsp.trace` level. */
export function readLspTrace(): string {
  return vscode.workspace.getConfiguration(SECTION, folderOf()).get<string>(SettingKey.lspTrace, SettingDefault['lsp.trace']);
}

/** Relative paths resolve against `folder` (the workspace's first by default). */
export function workspaceCwd(folder?: vscode.WorkspaceFolder): string {
  return folderOf(folder)?.uri.fsPath ?? process.cwd();
}

/** Where tools are looked for: the environment, `folder` for relative paths, every workspace folder's venvs. */
export function lookupContext(folder?: vscode.WorkspaceFolder): LookupContext {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const first = folderOf(folder);
  const ordered = first !== undefined && first.uri.scheme === 'file' ? [first.uri.fsPath, ...folders.filter((f) => f !== first.uri.fsPath)] : folders;
  return { env: process.env, platform: process.platform, cwd: workspaceCwd(folder), workspaceFolders: ordered };
}

/** How to start `tool` for `folder`: every caller resolves through here, so they all agree. */
export function resolveFor(tool: ToolSpec, folder?: vscode.WorkspaceFolder): Resolution {
  return resolveTool(tool, readToolSettings(folder), lookupContext(folder));
}

/** Shows why a tool cannot start, with a button opening the setting that fixes it (not launch.json). */
export function reportUnresolved(resolution: Extract<Resolution, { ok: false }>, warning = false, suffix = ''): void {
  const show = warning ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  void show(resolution.message + suffix, 'Open Settings').then((choice) => {
    if (choice === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', resolution.setting);
    }
  });
}
