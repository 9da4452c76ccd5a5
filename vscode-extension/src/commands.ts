/** The Run File, Debug File and Open REPL commands. */
import * as path from 'node:path';
import * as vscode from 'vscode';

import { reportUnresolved, resolveFor, workspaceCwd } from './config';
import { DEBUG_TYPE } from './debugAdapter';
import { CLI_TOOL, type CommandLine, shellCommandLine } from './executables';

/** The .omega file a command acts on: the one it was invoked on (editor title), else the active editor's. Saved first. */
async function targetFile(uri: unknown): Promise<string | undefined> {
  const document =
    uri instanceof vscode.Uri
      ? await vscode.workspace.openTextDocument(uri)
      : vscode.window.activeTextEditor?.document;
  if (document === undefined || document.languageId !== 'omega') {
    void vscode.window.showErrorMessage('Omega: open an .omega file first.');
    return undefined;
  }
  if (document.isUntitled) {
    void vscode.window.showErrorMessage('Omega: save the file before running it.');
    return undefined;
  }
  if (document.isDirty && !(await document.save())) {
    return undefined;
  }
  return document.uri.fsPath;
}

function resolveCli(folder: vscode.WorkspaceFolder | undefined): CommandLine | undefined {
  const resolution = resolveFor(CLI_TOOL, folder);
  if (!resolution.ok) {
    reportUnresolved(resolution);
    return undefined;
  }
  return resolution.commandLine;
}

let runTerminal: vscode.Terminal | undefined;

/** Omega: Run File — `omega run FILE` in a reused "Omega: Run" terminal, from the file's directory. */
export async function runFile(uri?: unknown): Promise<void> {
  const file = await targetFile(uri);
  if (file === undefined) {
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  const cli = resolveCli(folder);
  if (cli === undefined) {
    return;
  }
  // A shell terminal (not shellPath) so the output stays on screen after the program exits.
  if (runTerminal === undefined || runTerminal.exitStatus !== undefined) {
    runTerminal = vscode.window.createTerminal({ name: 'Omega: Run', cwd: path.dirname(file) });
  }
  runTerminal.show(true);
  runTerminal.sendText(shellCommandLine([cli.command, ...cli.args, 'run', file], process.platform));
}

/** Omega: Debug File — a launch of the file with default attributes. */
export async function debugFile(uri?: unknown): Promise<void> {
  const file = await targetFile(uri);
  if (file === undefined) {
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  await vscode.debug.startDebugging(folder, {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Omega: Debug ${path.basename(file)}`,
    program: file,
  });
}

/** Omega: Open REPL — a terminal running `omega repl` (it closes when the REPL exits). */
export function openRepl(): void {
  const cli = resolveCli(undefined);
  if (cli === undefined) {
    return;
  }
  const terminal = vscode.window.createTerminal({
    name: 'Omega REPL',
    shellPath: cli.command,
    shellArgs: [...cli.args, 'repl'],
    cwd: workspaceCwd(),
  });
  terminal.show();
}

/** Disposes the Run terminal reference when VS Code closes it. */
export function trackRunTerminal(): vscode.Disposable {
  return vscode.window.onDidCloseTerminal((closed) => {
    if (closed === runTerminal) {
      runTerminal = undefined;
    }
  });
}
