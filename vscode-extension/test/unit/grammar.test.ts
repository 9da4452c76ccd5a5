/** Every scope the TextMate grammar can produce is asserted by some grammar test. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { extensionRoot, type Json, contractsDir } from '../helpers/paths';

function grammarScopes(node: Json, into: Set<string>): Set<string> {
  // The grammar is a shallow JSON tree; an explicit stack keeps this iterative anyway.
  const stack: Json[] = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      stack.push(...current);
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, value] of Object.entries<Json>(current)) {
        if ((key === 'name' || key === 'contentName') && typeof value === 'string' && current !== node) {
          value.split(/\s+/).forEach((scope) => into.add(scope));
        } else {
          stack.push(value);
        }
      }
    }
  }
  return into;
}

describe('grammar tests', () => {
  const grammarDir = path.join(extensionRoot, 'test', 'grammar');
  const grammar: Json = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'syntaxes', 'omega.tmLanguage.json'), 'utf8'));

  it('assert every scope the grammar defines', () => {
    const scopes = grammarScopes(grammar, new Set());
    assert.ok(scopes.size > 20, 'the grammar was read');
    const asserted = new Set<string>();
    for (const file of fs.readdirSync(grammarDir).filter((f) => f.endsWith('.test.omega'))) {
      for (const line of fs.readFileSync(path.join(grammarDir, file), 'utf8').split('\n')) {
        const assertion = /^;\s*(?:\^+|<-+)\s+(.*)$/.exec(line);
        if (assertion !== null) {
          // Scopes before " - " are required; those after are prohibited and do not count.
          assertion[1].split(' - ')[0].split(/\s+/).forEach((scope) => asserted.add(scope));
        }
      }
    }
    const snapDir = path.join(grammarDir, 'snap');
    for (const file of fs.readdirSync(snapDir).filter((f) => f.endsWith('.snap'))) {
      for (const match of fs.readFileSync(path.join(snapDir, file), 'utf8').matchAll(/^#\s*\^+\s+(.*)$/gm)) {
        match[1].split(/\s+/).forEach((scope) => asserted.add(scope));
      }
    }
    const missing = [...scopes].filter((scope) => !asserted.has(scope)).sort();
    assert.deepEqual(missing, [], `scopes without a grammar test: ${missing.join(', ')}`);
  });

  it('highlights exactly the special forms of LANGUAGE.md section 3', () => {
    const language = fs.readFileSync(path.join(contractsDir, 'LANGUAGE.md'), 'utf8');
    const block = /## 3\. Special forms[\s\S]*?```\n([\s\S]*?)```/.exec(language);
    assert.ok(block !== null, 'LANGUAGE.md section 3 keyword block');
    const forms = block[1].split(/\s+/).filter((f) => f !== '');
    const special: string = grammar.repository['special-forms'].match;
    const alternatives = /\((\(\?!?[^)]*\)|[^()]*)\)\(\?!/.exec(special);
    assert.ok(alternatives !== null);
    const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');
    const highlighted = alternatives[1].split('|').map(unescape);
    assert.deepEqual([...highlighted].sort(), [...forms].sort());
  });
});
