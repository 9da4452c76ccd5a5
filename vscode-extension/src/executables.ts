/**
 * Locating the Omega executables (`omega-dap`, `omega-lsp`, `omega`) from the settings, the way a
 * shell would find them. Pure Node code: no `vscode` import, so it is unit-tested directly.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { SettingDefault, type ToolSettings } from './settings';

/** A program and its leading arguments. */
export interface CommandLine {
  command: string;
  args: string[];
}

export type Resolution =
  | { ok: true; commandLine: CommandLine }
  | { ok: false; message: string; /** The setting that would fix it (the button opens it). */ setting: string };

/**
 * Where to look: the environment, the platform, the directory relative paths resolve against and
 * the workspace folders, whose virtual environments hold the tools when they were installed there.
 */
export interface LookupContext {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  cwd: string;
  workspaceFolders?: readonly string[];
}

export function defaultLookupContext(): LookupContext {
  return { env: process.env, platform: process.platform, cwd: process.cwd() };
}

/** The virtual environment folders looked into in each workspace folder, in order. */
export const VENV_NAMES = ['.venv', 'venv'];

/** The executable directories of the workspace folders' virtual environments (`Scripts` on Windows). */
export function venvBinDirs(ctx: LookupContext): string[] {
  const pathApi = ctx.platform === 'win32' ? path.win32 : path.posix;
  const bin = ctx.platform === 'win32' ? 'Scripts' : 'bin';
  return (ctx.workspaceFolders ?? []).flatMap((folder) => VENV_NAMES.map((venv) => pathApi.join(folder, venv, bin)));
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    // Windows has no execute bit; existence is what the loader checks there.
    fs.accessSync(file, platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Expands a leading `~` to the home directory, as users write in settings. */
export function expandHome(file: string): string {
  if (file === '~') {
    return os.homedir();
  }
  if (file.startsWith('~/') || file.startsWith('~\\')) {
    return path.join(os.homedir(), file.slice(2));
  }
  return file;
}

/**
 * Finds an executable: a name containing a path separator is taken as a path (relative to
 * `ctx.cwd`); a bare name is searched in each `PATH` directory, trying the `PATHEXT` extensions on
 * Windows. Returns the absolute path, or undefined when there is no such executable.
 */
export function findExecutable(name: string, ctx: LookupContext = defaultLookupContext()): string | undefined {
  const expanded = expandHome(name.trim());
  if (expanded === '') {
    return undefined;
  }
  const pathApi = ctx.platform === 'win32' ? path.win32 : path.posix;
  const extensions =
    ctx.platform === 'win32' ? ['', ...(ctx.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '')] : [''];
  const candidates = (base: string): string[] => extensions.map((ext) => base + ext);
  if (expanded.includes('/') || (ctx.platform === 'win32' && expanded.includes('\\'))) {
    const absolute = pathApi.resolve(ctx.cwd, expanded);
    return candidates(absolute).find((file) => isExecutableFile(file, ctx.platform));
  }
  const searchPath = ctx.env.PATH ?? ctx.env.Path ?? '';
  for (const dir of searchPath.split(pathApi.delimiter)) {
    if (dir === '') {
      continue;
    }
    const found = candidates(pathApi.join(dir, expanded)).find((file) => isExecutableFile(file, ctx.platform));
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

/** One of the Omega tools the extension starts. */
export interface ToolSpec {
  /** What the user sees in messages. */
  title: string;
  /** The setting holding the executable, e.g. `omega.dapPath`. */
  setting: string;
  /** The module run as `PYTHON -m MODULE` when `omega.pythonPath` is set; none for the CLI. */
  pythonModule?: string;
}

export const DAP_TOOL: ToolSpec = { title: 'Omega debug adapter', setting: 'omega.dapPath', pythonModule: 'omega_dap' };
export const LSP_TOOL: ToolSpec = { title: 'Omega language server', setting: 'omega.lsp.path', pythonModule: 'omega_lsp' };
export const CLI_TOOL: ToolSpec = { title: 'Omega command line', setting: 'omega.cliPath' };

function configuredPath(tool: ToolSpec, settings: ToolSettings): { value: string; fallback: string } {
  switch (tool.setting) {
    case 'omega.dapPath':
      return { value: settings.dapPath, fallback: SettingDefault.dapPath };
    case 'omega.lsp.path':
      return { value: settings.lspPath, fallback: SettingDefault['lsp.path'] };
    default:
      return { value: settings.cliPath, fallback: SettingDefault.cliPath };
  }
}

/**
 * Decides how to start a tool, the same way in local and remote windows. With `omega.pythonPath`
 * set (and a Python module for the tool) it is `PYTHON -m MODULE`. A tool's own setting naming
 * something else than the default is used as given. Otherwise (the usual case: nothing set) the
 * default name is looked for in the workspace folders' virtual environments (`.venv`, `venv`),
 * then on PATH. A failure says where it looked and which setting to change.
 */
export function resolveTool(tool: ToolSpec, settings: ToolSettings, ctx: LookupContext = defaultLookupContext()): Resolution {
  const python = settings.pythonPath.trim();
  if (tool.pythonModule !== undefined && python !== '') {
    const interpreter = findExecutable(python, ctx);
    if (interpreter === undefined) {
      return {
        ok: false,
        setting: 'omega.pythonPath',
        message: `Cannot start the ${tool.title}: the Python interpreter "${python}" set in "omega.pythonPath" was not found. Fix the setting, or clear it to use "${configuredPath(tool, settings).fallback}" from the workspace's virtual environment or PATH.`,
      };
    }
    return { ok: true, commandLine: { command: interpreter, args: ['-m', tool.pythonModule] } };
  }
  const { value, fallback } = configuredPath(tool, settings);
  const name = value.trim() === '' ? fallback : value.trim();
  const pathApi = ctx.platform === 'win32' ? path.win32 : path.posix;
  const venvDirs = name === fallback ? venvBinDirs(ctx) : [];
  for (const dir of venvDirs) {
    const found = findExecutable(pathApi.join(dir, name), ctx);
    if (found !== undefined) {
      return { ok: true, commandLine: { command: found, args: [] } };
    }
  }
  const executable = findExecutable(name, ctx);
  if (executable === undefined) {
    const onPath = `on PATH (${(ctx.env.PATH ?? ctx.env.Path ?? '').split(pathApi.delimiter).filter((d) => d !== '').join(pathApi.delimiter) || 'empty'})`;
    const where =
      name.includes('/') || name.includes('\\')
        ? `"${name}" does not exist or is not executable`
        : `"${name}" was not found ${venvDirs.length > 0 ? `in ${venvDirs.join(', ')} or ` : ''}${onPath}`;
    const pythonHint = tool.pythonModule !== undefined ? `, or "omega.pythonPath" to a Python interpreter that has the omega package installed` : '';
    return {
      ok: false,
      setting: tool.setting,
      message: `Cannot start the ${tool.title}: ${where}. Install the omega package (pip install -e . in the Omega checkout) into the workspace's .venv or on PATH, or set "${tool.setting}" to the executable${pythonHint}.`,
    };
  }
  return { ok: true, commandLine: { command: executable, args: [] } };
}

/**
 * What a settings change does to a running tool: restart it only when it would start differently,
 * and never replace a running tool by one that cannot start (the change is then reported).
 */
export function afterSettingsChange(running: CommandLine | undefined, next: Resolution): 'restart' | 'keep' | 'report' {
  if (!next.ok) {
    return running === undefined ? 'report' : 'keep';
  }
  const same =
    running !== undefined && running.command === next.commandLine.command && running.args.join('\0') === next.commandLine.args.join('\0');
  return same ? 'keep' : 'restart';
}

/**
 * Quotes a command line for the integrated terminal's shell: POSIX shells get single quotes, and
 * Windows (PowerShell, the default there) gets the call operator with single-quoted words.
 */
export function shellCommandLine(words: readonly string[], platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    return '& ' + words.map((w) => `'${w.replace(/'/g, "''")}'`).join(' ');
  }
  return words.map((w) => (/^[A-Za-z0-9_./:=+,@%-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
