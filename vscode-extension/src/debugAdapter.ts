/**
 * The `omega` debug type: starting `omega-dap` for a session, and completing configurations
 * (F5 with no launch.json debugs the active .omega file).
 */
import * as vscode from 'vscode';

import { reportUnresolved, resolveFor } from './config';
import { DAP_TOOL } from './executables';

export const DEBUG_TYPE = 'omega';

/** Starts `omega-dap` (or `PYTHON -m omega_dap`) over stdio for each debug session. */
export class OmegaDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    // `debugServer: PORT` connects to an `omega-dap --port PORT` started by hand (adapter development).
    const port: unknown = session.configuration.debugServer;
    if (typeof port === 'number') {
      return new vscode.DebugAdapterServer(port);
    }
    const resolution = resolveFor(DAP_TOOL, session.workspaceFolder);
    if (!resolution.ok) {
      // Normally caught in resolveDebugConfiguration (with a button opening the settings); VS Code
      // shows a descriptor failure's message to the user and ends the session.
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
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    const resolved = this.complete(config);
    if (resolved !== undefined && typeof resolved.debugServer !== 'number') {
      // Find the adapter before the session starts: a failure offers the Omega settings, where
      // VS Code's own error for a failing adapter factory offers only launch.json.
      const resolution = resolveFor(DAP_TOOL, folder);
      if (!resolution.ok) {
        reportUnresolved(resolution);
        return undefined; // aborts the launch
      }
    }
    return resolved;
  }

  private complete(config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
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
