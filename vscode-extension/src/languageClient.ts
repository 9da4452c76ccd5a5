/** The Omega language server (`omega-lsp`) client: start, restart, trace level. */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, Trace, TransportKind } from 'vscode-languageclient/node';

import { readLspTrace, readToolSettings, workspaceCwd } from './config';
import { LSP_TOOL, resolveTool } from './executables';

export class OmegaLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly output: vscode.OutputChannel;

  constructor() {
    this.output = vscode.window.createOutputChannel('Omega Language Server');
  }

  /** Starts the server if it is found; otherwise explains why in a warning (the rest of the extension works). */
  async start(): Promise<void> {
    const resolution = resolveTool(LSP_TOOL, readToolSettings(), {
      env: process.env,
      platform: process.platform,
      cwd: workspaceCwd(),
    });
    if (!resolution.ok) {
      this.output.appendLine(resolution.message);
      void vscode.window.showWarningMessage(`${resolution.message} Highlighting and debugging work without it.`);
      return;
    }
    const { command, args } = resolution.commandLine;
    const serverOptions: ServerOptions = { command, args, transport: TransportKind.stdio };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'omega' },
        { scheme: 'untitled', language: 'omega' },
      ],
      outputChannel: this.output,
      traceOutputChannel: this.output,
    };
    const client = new LanguageClient('omega', 'Omega Language Server', serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
      await this.applyTrace();
    } catch (error) {
      this.client = undefined;
      const message = error instanceof Error ? error.message : String(error);
      this.output.appendLine(`Failed to start ${command}: ${message}`);
      void vscode.window.showErrorMessage(`Omega: the language server (${command}) failed to start: ${message}`);
    }
  }

  /** Stops the running server (if any) and starts it again with the current settings. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Applies `omega.lsp.trace` to the running client. */
  async applyTrace(): Promise<void> {
    await this.client?.setTrace(Trace.fromString(readLspTrace()));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined && client.isRunning()) {
      await client.stop();
    }
  }

  dispose(): void {
    void this.stop();
    this.output.dispose();
  }
}
