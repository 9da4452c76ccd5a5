/** The Omega language server (`omega-lsp`) client: start, restart, trace level. */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, Trace, TransportKind } from 'vscode-languageclient/node';

import { readLspTrace, reportUnresolved, resolveFor } from './config';
import { afterSettingsChange, type CommandLine, LSP_TOOL } from './executables';

export class OmegaLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  /** How the running server was started (a settings change restarts it only if this changes). */
  private running: CommandLine | undefined;
  private readonly output: vscode.OutputChannel;

  constructor() {
    this.output = vscode.window.createOutputChannel('Omega Language Server');
  }

  /** Starts the server if it is found; otherwise explains why in a warning (the rest of the extension works). */
  async start(): Promise<void> {
    const resolution = resolveFor(LSP_TOOL);
    if (!resolution.ok) {
      this.output.appendLine(resolution.message);
      reportUnresolved(resolution, true, ' Highlighting and debugging work without it.');
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
    this.running = resolution.commandLine;
    try {
      await client.start();
      await this.applyTrace();
    } catch (error) {
      this.client = undefined;
      this.running = undefined;
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

  /**
   * The tool settings changed (or VS Code says they may have): restart only when the server would
   * start differently, and never replace a running server by one that cannot start.
   */
  async settingsChanged(): Promise<void> {
    const next = resolveFor(LSP_TOOL);
    switch (afterSettingsChange(this.client !== undefined ? this.running : undefined, next)) {
      case 'restart':
        await this.restart();
        return;
      case 'report':
        if (!next.ok) {
          this.output.appendLine(next.message);
          reportUnresolved(next, true, ' Highlighting and debugging work without it.');
        }
        return;
      default:
        if (!next.ok) {
          this.output.appendLine(`${next.message} The running language server is kept.`);
        }
    }
  }

  /** Applies `omega.lsp.trace` to the running client. */
  async applyTrace(): Promise<void> {
    await this.client?.setTrace(Trace.fromString(readLspTrace()));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.running = undefined;
    if (client !== undefined && client.isRunning()) {
      await client.stop();
    }
  }

  dispose(): void {
    void this.stop();
    this.output.dispose();
  }
}
