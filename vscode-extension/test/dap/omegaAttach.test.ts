/**
 * `attach` as VS Code drives it with the "Omega: Attach" snippet (DEBUGGER.md 3): omega-dap relays
 * to a running `omega serve`, whose evaluations (asked for by another client) stop at breakpoints.
 * Needs `omega` and `omega-dap` on PATH (or OMEGA_DAP), like the other adapter tests.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';

import type { DebugProtocol } from '@vscode/debugprotocol';

import { findExecutable } from '../../src/executables';
import { DapSession, TIMEOUT_MS } from '../helpers/dapSession';
import { extensionRoot, type Json, packageJson } from '../helpers/paths';
import { resolveSnippetBody } from '../helpers/snippets';

type Reply = Record<string, unknown>;

/**
 * `omega serve --port 0` writing its connection file into a fresh workspace folder
 * (`.omega/serve.json`, where the attach snippet's `cwd` makes omega-dap look), the port it reports
 * on stderr and the token of that file (the eval client's first request carries it).
 */
async function startServe(): Promise<{ proc: ChildProcess; port: number; workspace: string; token: string }> {
  const omega = findExecutable('omega');
  if (omega === undefined) {
    throw new Error('omega was not found: put it on PATH');
  }
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'omega-attach-'));
  const proc = spawn(omega, ['serve', '--port', '0', '--connection-file', '.omega/serve.json'], {
    cwd: workspace,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`omega serve did not report its port: ${text}`)), TIMEOUT_MS);
    proc.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /listening on 127\.0\.0\.1:(\d+)[^\n]*\n.*connection file .*\n/.exec(text);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  const file = JSON.parse(fs.readFileSync(path.join(workspace, '.omega', 'serve.json'), 'utf8')) as { token: string };
  return { proc, port, workspace, token: file.token };
}

/** A client of the serve protocol: JSON objects, one per line, replies in order. */
class EvalClient {
  private buffer = '';
  private readonly replies: Reply[] = [];
  private readonly waiting: ((reply: Reply) => void)[] = [];

  private constructor(
    private readonly socket: net.Socket,
    private token: string | undefined,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      for (let end = this.buffer.indexOf('\n'); end >= 0; end = this.buffer.indexOf('\n')) {
        const reply = JSON.parse(this.buffer.slice(0, end)) as Reply;
        this.buffer = this.buffer.slice(end + 1);
        const waiter = this.waiting.shift();
        if (waiter !== undefined) {
          waiter(reply);
        } else {
          this.replies.push(reply);
        }
      }
    });
  }

  static connect(port: number, token: string): Promise<EvalClient> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host: '127.0.0.1', port }, () => resolve(new EvalClient(socket, token)));
      socket.on('error', reject);
    });
  }

  /** The first request carries the server's token. */
  send(message: Reply): void {
    const withToken = this.token === undefined ? message : { ...message, token: this.token };
    this.token = undefined;
    this.socket.write(`${JSON.stringify(withToken)}\n`);
  }

  reply(): Promise<Reply> {
    const queued = this.replies.shift();
    if (queued !== undefined) {
      return Promise.resolve(queued);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply from omega serve')), TIMEOUT_MS);
      this.waiting.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The "Omega: Attach" snippet as VS Code would run it in `workspace`: no port, no token. */
function attachSnippet(workspace: string): Record<string, unknown> {
  const snippets: Json[] = packageJson().contributes.debuggers[0].configurationSnippets;
  const snippet = snippets.find((s) => s.label === 'Omega: Attach');
  assert.ok(snippet !== undefined, 'package.json has an "Omega: Attach" snippet');
  return resolveSnippetBody(snippet.body, { workspaceFolder: workspace });
}

let cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) {
    await cleanup();
  }
  cleanups = [];
});

describe('omega-dap attach', () => {
  it('debugs the evaluations another client asks a running omega serve for', async () => {
    const serve = await startServe();
    cleanups.push(() => {
      serve.proc.kill();
      fs.rmSync(serve.workspace, { recursive: true, force: true });
    });
    const dap = new DapSession();
    cleanups.push(() => dap.close());
    const program = path.join(extensionRoot, 'test', 'fixtures', 'steps.omega');

    await dap.initialize();
    const config = attachSnippet(serve.workspace);
    assert.equal(config.request, 'attach');
    const attached = dap.request('attach', config);
    attached.catch(() => undefined); // awaited below
    const set = await dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', {
      source: { path: program },
      breakpoints: [{ line: 6 }],
    });
    await dap.request('setExceptionBreakpoints', { filters: ['uncaught'] });
    await dap.request('configurationDone');
    await attached;
    const id = set.body.breakpoints[0].id;

    // The session has not loaded the file yet: the breakpoint waits for it.
    const pending = await dap.next<DebugProtocol.BreakpointEvent>('breakpoint');
    assert.equal(pending.body.breakpoint.id, id);
    assert.equal(pending.body.breakpoint.verified, false);

    const evals = await EvalClient.connect(serve.port, serve.token);
    cleanups.push(() => evals.close());
    evals.send({ id: 1, op: 'load-file', path: program });
    const verified = await dap.next<DebugProtocol.BreakpointEvent>('breakpoint');
    assert.equal(verified.body.breakpoint.id, id);
    assert.equal(verified.body.breakpoint.verified, true);

    const stop = await dap.stopped();
    assert.equal(stop.event.body.reason, 'breakpoint');
    assert.deepEqual(stop.event.body.hitBreakpointIds, [id]);
    assert.equal(stop.frames[0].name, 'sum-squares');
    assert.equal(stop.frames[0].line, 6);
    assert.equal(stop.frames[0].source?.path, program);

    await dap.request('stepIn', { threadId: 1 });
    const inside = await dap.stopped();
    assert.equal(inside.event.body.reason, 'step');
    assert.equal(inside.frames[0].name, 'square');

    await dap.request('continue', { threadId: 1 });
    const reply = await evals.reply();
    assert.equal(reply.id, 1);
    assert.equal(reply.output, '25\n');
    assert.equal(reply.error, undefined);
  });
});
