/** Finding omega-dap / omega-lsp / omega from the settings, and quoting terminal command lines. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  afterSettingsChange,
  CLI_TOOL,
  DAP_TOOL,
  findExecutable,
  LSP_TOOL,
  type LookupContext,
  resolveTool,
  shellCommandLine,
  venvBinDirs,
} from '../../src/executables';
import type { ToolSettings } from '../../src/settings';

let dir: string;
let bin: string;
let ctx: LookupContext;
const defaults: ToolSettings = { dapPath: 'omega-dap', pythonPath: '', lspPath: 'omega-lsp', cliPath: 'omega' };

function makeExecutable(file: string, mode = 0o755): void {
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, mode);
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omega-vscode-'));
  bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const name of ['omega-dap', 'omega-lsp', 'python3']) {
    makeExecutable(path.join(bin, name));
  }
  makeExecutable(path.join(bin, 'omega'), 0o644); // present but not executable
  ctx = { env: { PATH: ['/nonexistent', bin].join(path.delimiter) }, platform: 'linux', cwd: dir };
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('findExecutable', () => {
  it('searches PATH for bare names and skips non-executable files', () => {
    assert.equal(findExecutable('omega-dap', ctx), path.join(bin, 'omega-dap'));
    assert.equal(findExecutable('omega', ctx), undefined);
    assert.equal(findExecutable('nope', ctx), undefined);
    assert.equal(findExecutable('', ctx), undefined);
  });

  it('takes names with a separator as paths relative to cwd', () => {
    assert.equal(findExecutable('bin/omega-lsp', ctx), path.join(bin, 'omega-lsp'));
    assert.equal(findExecutable(path.join(bin, 'omega-lsp'), ctx), path.join(bin, 'omega-lsp'));
    assert.equal(findExecutable('bin/missing', ctx), undefined);
    assert.equal(findExecutable('bin', ctx), undefined, 'a directory is not an executable');
  });
});

describe('resolveTool', () => {
  it('uses the executables from PATH by default', () => {
    assert.deepEqual(resolveTool(DAP_TOOL, defaults, ctx), { ok: true, commandLine: { command: path.join(bin, 'omega-dap'), args: [] } });
    assert.deepEqual(resolveTool(LSP_TOOL, defaults, ctx), { ok: true, commandLine: { command: path.join(bin, 'omega-lsp'), args: [] } });
  });

  it('treats an empty setting as the default name', () => {
    const result = resolveTool(DAP_TOOL, { ...defaults, dapPath: '  ' }, ctx);
    assert.ok(result.ok && result.commandLine.command === path.join(bin, 'omega-dap'));
  });

  it('runs python -m MODULE when omega.pythonPath is set', () => {
    const settings = { ...defaults, pythonPath: 'python3', dapPath: 'does-not-matter' };
    assert.deepEqual(resolveTool(DAP_TOOL, settings, ctx), { ok: true, commandLine: { command: path.join(bin, 'python3'), args: ['-m', 'omega_dap'] } });
    assert.deepEqual(resolveTool(LSP_TOOL, settings, ctx), { ok: true, commandLine: { command: path.join(bin, 'python3'), args: ['-m', 'omega_lsp'] } });
    // The CLI has no python module: pythonPath does not apply to it.
    const cli = resolveTool(CLI_TOOL, { ...settings, cliPath: path.join(bin, 'omega-dap') }, ctx);
    assert.ok(cli.ok && cli.commandLine.args.length === 0);
  });

  it('explains a missing adapter and names the settings to change', () => {
    const result = resolveTool(DAP_TOOL, { ...defaults, dapPath: 'omega-dap-missing' }, ctx);
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.match(result.message, /Cannot start the Omega debug adapter: "omega-dap-missing" was not found on PATH/);
    assert.match(result.message, /"omega\.dapPath"/);
    assert.match(result.message, /"omega\.pythonPath"/);
  });

  it('explains a missing path and a missing interpreter', () => {
    const byPath = resolveTool(LSP_TOOL, { ...defaults, lspPath: './nowhere/omega-lsp' }, ctx);
    assert.ok(!byPath.ok && /"\.\/nowhere\/omega-lsp" does not exist or is not executable/.test(byPath.message));
    const python = resolveTool(DAP_TOOL, { ...defaults, pythonPath: '/no/python' }, ctx);
    assert.ok(!python.ok && /the Python interpreter "\/no\/python" set in "omega\.pythonPath" was not found/.test(python.message));
    const cli = resolveTool(CLI_TOOL, defaults, ctx);
    assert.ok(!cli.ok && /"omega\.cliPath"/.test(cli.message) && !/pythonPath/.test(cli.message));
  });
});

describe('resolveTool without settings (issue 13 defect 9: the same in local and remote windows)', () => {
  let workspace: string;
  let other: string;

  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'omega-ws-'));
    other = fs.mkdtempSync(path.join(os.tmpdir(), 'omega-ws2-'));
    fs.mkdirSync(path.join(workspace, '.venv', 'bin'), { recursive: true });
    makeExecutable(path.join(workspace, '.venv', 'bin', 'omega-lsp'));
    fs.mkdirSync(path.join(other, 'venv', 'bin'), { recursive: true });
    makeExecutable(path.join(other, 'venv', 'bin', 'omega-dap'));
  });

  after(() => {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  });

  it("finds the tools in a workspace folder's .venv or venv before PATH", () => {
    const here: LookupContext = { ...ctx, cwd: workspace, workspaceFolders: [workspace, other] };
    assert.deepEqual(resolveTool(LSP_TOOL, defaults, here), {
      ok: true,
      commandLine: { command: path.join(workspace, '.venv', 'bin', 'omega-lsp'), args: [] },
    });
    assert.deepEqual(resolveTool(DAP_TOOL, defaults, here), {
      ok: true,
      commandLine: { command: path.join(other, 'venv', 'bin', 'omega-dap'), args: [] },
    });
    // Without PATH too: a remote window's extension host need not have the venv on its PATH.
    const noPath: LookupContext = { env: {}, platform: 'linux', cwd: workspace, workspaceFolders: [workspace] };
    const lsp = resolveTool(LSP_TOOL, { ...defaults, lspPath: '' }, noPath);
    assert.ok(lsp.ok && lsp.commandLine.command === path.join(workspace, '.venv', 'bin', 'omega-lsp'));
  });

  it('uses an explicit setting as given, never a venv', () => {
    const here: LookupContext = { ...ctx, cwd: workspace, workspaceFolders: [workspace] };
    const explicit = resolveTool(LSP_TOOL, { ...defaults, lspPath: path.join(bin, 'omega-lsp') }, here);
    assert.ok(explicit.ok && explicit.commandLine.command === path.join(bin, 'omega-lsp'));
  });

  it('says where it looked and which setting to open', () => {
    const here: LookupContext = { env: { PATH: '/nonexistent' }, platform: 'linux', cwd: workspace, workspaceFolders: [workspace] };
    const result = resolveTool(DAP_TOOL, defaults, here);
    assert.ok(!result.ok);
    assert.equal(result.setting, 'omega.dapPath');
    assert.ok(
      result.message.includes(
        `"omega-dap" was not found in ${path.join(workspace, '.venv', 'bin')}, ${path.join(workspace, 'venv', 'bin')} or on PATH (/nonexistent)`,
      ),
      result.message,
    );
    const python = resolveTool(LSP_TOOL, { ...defaults, pythonPath: '/no/python' }, here);
    assert.ok(!python.ok && python.setting === 'omega.pythonPath');
  });

  it("looks in the venvs' Scripts folders on Windows", () => {
    const win: LookupContext = { env: {}, platform: 'win32', cwd: 'C:\\w', workspaceFolders: ['C:\\w', 'D:\\x'] };
    assert.deepEqual(venvBinDirs(win), ['C:\\w\\.venv\\Scripts', 'C:\\w\\venv\\Scripts', 'D:\\x\\.venv\\Scripts', 'D:\\x\\venv\\Scripts']);
  });
});

describe('afterSettingsChange', () => {
  const running = { command: '/w/.venv/bin/omega-lsp', args: [] };

  it('never restarts a running server without a way to start it', () => {
    assert.equal(afterSettingsChange(running, { ok: false, message: 'gone', setting: 'omega.lsp.path' }), 'keep');
    assert.equal(afterSettingsChange(undefined, { ok: false, message: 'gone', setting: 'omega.lsp.path' }), 'report');
  });

  it('restarts only when the server would start differently', () => {
    assert.equal(afterSettingsChange(running, { ok: true, commandLine: { ...running, args: [] } }), 'keep');
    assert.equal(afterSettingsChange(running, { ok: true, commandLine: { command: '/py', args: ['-m', 'omega_lsp'] } }), 'restart');
    assert.equal(afterSettingsChange(undefined, { ok: true, commandLine: running }), 'restart');
  });
});

describe('shellCommandLine', () => {
  it('leaves plain words alone and single-quotes the rest for POSIX shells', () => {
    assert.equal(shellCommandLine(['/usr/bin/omega', 'run', 'a.omega'], 'linux'), '/usr/bin/omega run a.omega');
    assert.equal(shellCommandLine(['omega', 'run', "/tmp/it's here/$x.omega"], 'darwin'), `omega run '/tmp/it'\\''s here/$x.omega'`);
  });

  it('uses the PowerShell call operator on Windows', () => {
    assert.equal(shellCommandLine(['C:\\Py\\omega.exe', 'run', "d:\\o'k.omega"], 'win32'), `& 'C:\\Py\\omega.exe' 'run' 'd:\\o''k.omega'`);
  });
});
