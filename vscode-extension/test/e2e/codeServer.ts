/**
 * A code-server (VS Code 1.100.3 served to a browser) for the end-to-end suite: a scratch user
 * data folder, extensions folder and workspace, our packaged .vsix installed, the `omega.*`
 * settings pointing at the repository's omega-lsp and omega-dap. code-server itself is installed
 * by scripts/install-code-server.sh into vscode-extension/.e2e/.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { extensionRoot, type Json, packageJson, repoRoot } from '../helpers/paths';

export const CODE_SERVER = path.join(extensionRoot, '.e2e', 'code-server', 'node_modules', '.bin', 'code-server');
export const VSIX = path.join(extensionRoot, 'omega-vscode.vsix');
export const FIXTURES = path.join(extensionRoot, 'test', 'e2e', 'fixtures');

/** `$NAME` if set, else the repository's `.venv/bin/TOOL`; throws when that is not an executable. */
function omegaTool(envName: string, tool: string): string {
  const file = process.env[envName]?.trim() || path.join(repoRoot, '.venv', 'bin', tool);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new Error(`${file} is not an executable: run scripts/setup.sh, or set ${envName}`);
  }
  return file;
}

/** The workbench settings that keep the UI quiet and the screenshots stable. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export class CodeServer {
  readonly scratch: string;
  readonly workspace: string;
  readonly userDataDir: string;
  private readonly extensionsDir: string;
  private readonly env: NodeJS.ProcessEnv;
  private process: ChildProcess | undefined;
  private log = '';
  url = '';

  constructor() {
    if (!fs.existsSync(CODE_SERVER)) {
      throw new Error(`${CODE_SERVER} is missing: run scripts/install-code-server.sh`);
    }
    if (!fs.existsSync(VSIX)) {
      throw new Error(`${VSIX} is missing: run npm run package (npm run test:e2e does)`);
    }
    this.scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'omega-e2e-'));
    this.workspace = path.join(this.scratch, 'workspace');
    this.userDataDir = path.join(this.scratch, 'user-data');
    this.extensionsDir = path.join(this.scratch, 'extensions');
    // The executables come from the settings alone: the repository's .venv/bin is taken off PATH
    // (scripts/test-all.sh puts it there), so a setting that is not read fails the suite.
    const venvBin = path.join(repoRoot, '.venv', 'bin');
    const searchPath = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => path.resolve(dir) !== venvBin);
    this.env = {
      ...process.env,
      PATH: searchPath.join(path.delimiter),
      XDG_CONFIG_HOME: path.join(this.scratch, 'config'),
      XDG_DATA_HOME: path.join(this.scratch, 'data'),
      XDG_CACHE_HOME: path.join(this.scratch, 'cache'),
      VIRTUAL_ENV: undefined,
    };
    this.prepare();
  }

  private prepare(): void {
    fs.cpSync(FIXTURES, this.workspace, { recursive: true });
    // The launch.json VS Code writes from the extension's initial configuration ("Launch current file").
    const initial: Json[] = packageJson().contributes.debuggers[0].initialConfigurations;
    fs.mkdirSync(path.join(this.workspace, '.vscode'));
    fs.writeFileSync(path.join(this.workspace, '.vscode', 'launch.json'), JSON.stringify({ version: '0.2.0', configurations: initial }, null, 2));
    // In a remote window (code-server, Remote-SSH) machine-scoped settings live in Machine/settings.json.
    const machine = path.join(this.userDataDir, 'Machine');
    fs.mkdirSync(machine, { recursive: true });
    fs.writeFileSync(
      path.join(machine, 'settings.json'),
      JSON.stringify({ 'omega.lsp.path': omegaTool('OMEGA_LSP', 'omega-lsp'), 'omega.dapPath': omegaTool('OMEGA_DAP', 'omega-dap') }, null, 2),
    );
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    for (const dir of ['config', 'data', 'cache']) {
      fs.mkdirSync(path.join(this.scratch, dir));
    }
    const installed = spawnSync(CODE_SERVER, ['--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir, '--install-extension', VSIX], {
      env: this.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    if (installed.status !== 0 || !/successfully installed/.test(installed.stdout)) {
      throw new Error(`code-server --install-extension ${VSIX} failed:\n${installed.stdout}\n${installed.stderr}`);
    }
  }

  /** Starts code-server on a free port; resolves with the URL that opens the workspace. */
  async start(timeoutMs = 60_000): Promise<string> {
    const args = [
      '--auth', 'none',
      '--disable-workspace-trust',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--bind-addr', '127.0.0.1:0',
      '--user-data-dir', this.userDataDir,
      '--extensions-dir', this.extensionsDir,
    ];
    const child = spawn(CODE_SERVER, args, { env: this.env, cwd: this.scratch, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.process = child;
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs} ms:\n${this.log}`)), timeoutMs);
      const onData = (chunk: Buffer): void => {
        this.log += chunk.toString('utf8');
        const match = /HTTP server listening on (http:\/\/\S+?)\/?\s/.exec(this.log);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited with ${code}:\n${this.log}`));
      });
    });
    this.url = `${base}/?folder=${encodeURIComponent(this.workspace)}`;
    return this.url;
  }

  /** What code-server printed so far (for failure messages). */
  output(): string {
    return this.log;
  }

  /** Stops code-server and everything it started (extension host, omega-lsp, omega-dap), then removes the scratch folder. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (process.env.OMEGA_E2E_KEEP !== '1') {
      fs.rmSync(this.scratch, { recursive: true, force: true });
    }
  }
}
