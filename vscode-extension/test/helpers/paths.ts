/** Locations the tests read: the extension, the repository around it and the shared contracts. */
import * as fs from 'node:fs';
import * as path from 'node:path';

function findUp(start: string, marker: (dir: string) => boolean, what: string): string {
  let dir = start;
  for (;;) {
    if (marker(dir)) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`Cannot find ${what} above ${start}`);
    }
    dir = parent;
  }
}

/** The `vscode-extension/` directory (the one whose package.json is omega-vscode). */
export const extensionRoot: string = findUp(
  __dirname,
  (dir) => {
    const manifest = path.join(dir, 'package.json');
    return fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'omega-vscode';
  },
  'the omega-vscode package.json',
);

/** The Omega repository root (holds pyproject.toml). */
export const repoRoot: string = findUp(extensionRoot, (dir) => fs.existsSync(path.join(dir, 'pyproject.toml')), 'pyproject.toml');

/**
 * The contracts the tests read: the repository's own copy (`tests/contracts/`), which
 * tests/test_contract_copies.py keeps identical to the shared contracts when those are present.
 */
export const contractsDir: string = path.join(repoRoot, 'tests', 'contracts');

export function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

// The manifest is plain JSON of arbitrary shape; tests index into it and assert what they find.
export type Json = any;

export function packageJson(): Json {
  return readJson(path.join(extensionRoot, 'package.json'));
}
