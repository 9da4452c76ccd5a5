/**
 * The `omega` debug type: starting `omega-dap` for a session, and completing configurations
 * (F5 with no launch.json debugs the active .omega file).
 */
import * as vscode from 'vscode';

import { readToolSettings, workspaceCwd } from './config';
import { DAP_TOOL, resolveTool } from './executables';

export const DEBUG_TYPE = 'omega';

/** Starts `omega-dap` (or `PYTHON -m omega_dap`) over stdio for each debug session. */
export class OmegaDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    // `debugServer: PORT` connects to an `omega-dap --port PORT` started by hand (adapter development).
    const port: unknown = session.configuration.debugServer;
    if (typeof port === 'number') {
      return new vscode.DebugAdapterServer(port);
    }
    const folder = session.workspaceFolder;
    const resolution = resolveTool(DAP_TOOL, readToolSettings(folder), {
      env: process.env,
      platform: process.platform,
      cwd: workspaceCwd(folder),
    });
    if (!resolution.ok) {
      // VS Code shows a descriptor failure's message to the user and ends the session.
      throw new Error(resolution.message);
    }
    const { command, args } = resolution.commandLine;
    return new vscode.DebugAdapterExecutable(command, args);
  }
}

function activeOmegaFile(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document !== undefined && document.languageId === 'omega' ? document.uri.fsPath : undefined;
}

/** Fills in an empty configuration and rejects a launch with no program before the adapter starts. */
export class OmegaConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (config.type === undefined && config.request === undefined && config.name === undefined) {
      // F5 without a launch.json: debug the active file, as the "Launch current file" snippet does.
      const file = activeOmegaFile();
      if (file !== undefined) {
        return { type: DEBUG_TYPE, request: 'launch', name: 'Omega: Launch current file', program: file, stopOnEntry: false };
      }
    }
    if ((config.request ?? 'launch') === 'launch' && (typeof config.program !== 'string' || config.program === '')) {
      void vscode.window.showErrorMessage(
        'Omega: the launch configuration has no "program". Open an .omega file, or set "program" in launch.json.',
      );
      return undefined; // aborts the launch
    }
    return config;
  }
}
