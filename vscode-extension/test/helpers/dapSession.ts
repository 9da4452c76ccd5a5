/**
 * Starts `omega-dap` over stdio and wraps a DebugClient with an event queue, so a test can send a
 * request and then take the events it caused in order, with timeouts everywhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';

import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

import { findExecutable } from '../../src/executables';
import { extensionRoot, type Json, packageJson } from './paths';
import { resolveSnippetBody } from './snippets';

export const TIMEOUT_MS = 20_000;

/** The adapter command line: `$OMEGA_DAP` (split on spaces), else `omega-dap` on PATH. Throws when missing. */
export function adapterCommandLine(): string[] {
  const fromEnv = process.env.OMEGA_DAP?.trim();
  if (fromEnv !== undefined && fromEnv !== '') {
    const words = fromEnv.split(/\s+/);
    if (findExecutable(words[0]) === undefined) {
      throw new Error(`OMEGA_DAP names "${words[0]}", which is not an executable`);
    }
    return words;
  }
  const found = findExecutable('omega-dap');
  if (found === undefined) {
    throw new Error('omega-dap was not found: put it on PATH or set OMEGA_DAP (e.g. "/work/venv/bin/omega-dap")');
  }
  return [found];
}

/** The "Launch current file" snippet's configuration for a fixture, `${file}` and `${workspaceFolder}` filled in. */
export function launchCurrentFileConfig(fixture: string): { program: string; config: Record<string, unknown> } {
  const program = path.join(extensionRoot, 'test', 'fixtures', fixture);
  if (!fs.existsSync(program)) {
    throw new Error(`no fixture ${program}`);
  }
  const snippets: Json[] = packageJson().contributes.debuggers[0].configurationSnippets;
  const snippet = snippets.find((s) => s.label === 'Omega: Launch current file');
  if (snippet === undefined) {
    throw new Error('package.json has no "Omega: Launch current file" snippet');
  }
  return { program, config: resolveSnippetBody(snippet.body, { file: program, workspaceFolder: path.dirname(program) }) };
}

function withTimeout<T>(promise: Promise<T>, what: string, ms = TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A DebugClient over the pipes of a process the test started itself (DebugClient.start would pass it an argument). */
class PipedDebugClient extends DebugClient {
  attachPipes(readable: Readable, writable: Writable): void {
    this.connect(readable, writable);
  }
}

const EVENTS = ['initialized', 'stopped', 'continued', 'exited', 'terminated', 'output', 'thread', 'process', 'invalidated', 'breakpoint'];

export class DapSession {
  readonly client: PipedDebugClient;
  private readonly process: ChildProcess;
  private readonly queues = new Map<string, DebugProtocol.Event[]>();
  private readonly waiters = new Map<string, ((event: DebugProtocol.Event) => void)[]>();
  private stderr = '';
  /** All `output` event text so far, by category. */
  readonly output = new Map<string, string>();

  constructor() {
    const [command, ...args] = adapterCommandLine();
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    // The process is ours; the DebugClient only talks over its pipes.
    this.client = new PipedDebugClient('omega-dap', '', 'omega');
    this.client.defaultTimeout = TIMEOUT_MS;
    if (this.process.stdout === null || this.process.stdin === null) {
      throw new Error('omega-dap has no stdio pipes');
    }
    this.client.attachPipes(this.process.stdout, this.process.stdin);
    for (const name of EVENTS) {
      this.client.on(name, (event: DebugProtocol.Event) => {
        if (name === 'output') {
          const body = (event as DebugProtocol.OutputEvent).body;
          const category = body.category ?? 'console';
          this.output.set(category, (this.output.get(category) ?? '') + body.output);
        }
        const waiting = this.waiters.get(name);
        if (waiting !== undefined && waiting.length > 0) {
          waiting.shift()?.(event);
        } else {
          this.queues.set(name, [...(this.queues.get(name) ?? []), event]);
        }
      });
    }
  }

  /** The next event of that name (already received or still to come). */
  next<T extends DebugProtocol.Event>(name: string): Promise<T> {
    const queued = this.queues.get(name);
    if (queued !== undefined && queued.length > 0) {
      return Promise.resolve(queued.shift() as T);
    }
    const promise = new Promise<T>((resolve) => {
      this.waiters.set(name, [...(this.waiters.get(name) ?? []), (event) => resolve(event as T)]);
    });
    return withTimeout(promise, `waiting for a "${name}" event${this.stderr !== '' ? ` (adapter stderr: ${this.stderr})` : ''}`);
  }

  /** Sends a request; resolves with the response, rejects on failure or timeout. */
  request<T extends DebugProtocol.Response>(command: string, args?: object): Promise<T> {
    return withTimeout(this.client.send(command, args) as Promise<T>, `request ${command}`);
  }

  /** Waits for the next stop and returns it with the thread's stack. */
  async stopped(): Promise<{ event: DebugProtocol.StoppedEvent; frames: DebugProtocol.StackFrame[] }> {
    const event = await this.next<DebugProtocol.StoppedEvent>('stopped');
    const trace = await this.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: event.body.threadId ?? 1 });
    return { event, frames: trace.body.stackFrames };
  }

  /** initialize (as VS Code sends it) and the initialized event. */
  async initialize(): Promise<DebugProtocol.Capabilities> {
    const response = await this.request<DebugProtocol.InitializeResponse>('initialize', {
      clientID: 'vscode',
      clientName: 'Visual Studio Code',
      adapterID: 'omega',
      pathFormat: 'path',
      linesStartAt1: true,
      columnsStartAt1: true,
      supportsVariableType: true,
      supportsVariablePaging: true,
      supportsRunInTerminalRequest: false,
      supportsInvalidatedEvent: true,
      supportsProgressReporting: false,
    });
    await this.next('initialized');
    return response.body ?? {};
  }

  async close(): Promise<void> {
    try {
      await withTimeout(this.client.send('disconnect', { terminateDebuggee: true }), 'disconnect', 5_000);
    } catch {
      // the adapter may already have ended the session
    }
    if (this.process.exitCode === null) {
      this.process.kill();
    }
  }
}
