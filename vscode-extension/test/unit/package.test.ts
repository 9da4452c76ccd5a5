/** `npm run package` produces a .vsix holding the bundle, the grammar and the language configuration. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { extensionRoot } from '../helpers/paths';
import { zipEntries } from '../helpers/zip';

describe('packaging', () => {
  it('builds omega-vscode.vsix non-interactively with the runtime files only', () => {
    const vsix = path.join(extensionRoot, 'omega-vscode.vsix');
    fs.rmSync(vsix, { force: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['run', 'package'], { cwd: extensionRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
    assert.equal(result.status, 0, `npm run package failed:\n${result.stdout}\n${result.stderr}`);
    const entries = zipEntries(vsix);
    for (const required of [
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/searchTree.js',
      'extension/dist/timelineStrip.js',
      'extension/syntaxes/omega.tmLanguage.json',
      'extension/language-configuration.json',
      'extension/readme.md',
    ]) {
      assert.ok(entries.some((e) => e.toLowerCase() === required.toLowerCase()), `${required} in ${entries.join(', ')}`);
    }
    assert.ok(!entries.some((e) => e.includes('node_modules') || e.startsWith('extension/src/') || e.startsWith('extension/test/')), entries.join(', '));
  });
});
