/**
 * Names and defaults of the extension's settings (the `omega.*` keys contributed in package.json).
 * Kept free of the `vscode` module so tests can check them against the manifest.
 */

/** The configuration section every key below lives in. */
export const SECTION = 'omega';

/** Setting keys, relative to {@link SECTION}. */
export const SettingKey = {
  dapPath: 'dapPath',
  pythonPath: 'pythonPath',
  lspPath: 'lsp.path',
  lspTrace: 'lsp.trace',
  cliPath: 'cliPath',
} as const;

export type SettingName = (typeof SettingKey)[keyof typeof SettingKey];

/** Defaults, identical to those declared in package.json (a manifest test checks this). */
export const SettingDefault: Readonly<Record<SettingName, string>> = {
  dapPath: 'omega-dap',
  pythonPath: '',
  'lsp.path': 'omega-lsp',
  'lsp.trace': 'off',
  cliPath: 'omega',
};

/** The values the tool resolver needs, read from the configuration by the caller. */
export interface ToolSettings {
  dapPath: string;
  pythonPath: string;
  lspPath: string;
  cliPath: string;
}
