/** The package.json contributions checked against DEBUGGER.md and against the extension's own code. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { SECTION, SettingDefault } from '../../src/settings';
import { attachAttributes, type ExpectedAttribute, launchAttributes } from '../helpers/debuggerContract';
import { extensionRoot, type Json, packageJson } from '../helpers/paths';
import { resolveSnippetBody } from '../helpers/snippets';

const manifest: Json = packageJson();
const contributes: Json = manifest.contributes;
const debuggerContribution: Json = contributes.debuggers[0];
const sourceText = fs
  .readdirSync(path.join(extensionRoot, 'src'))
  .map((file) => fs.readFileSync(path.join(extensionRoot, 'src', file), 'utf8'))
  .join('\n');

function checkAttributes(kind: 'launch' | 'attach', expected: ExpectedAttribute[]): void {
  const schema: Json = debuggerContribution.configurationAttributes[kind];
  const properties: Record<string, Json> = schema.properties;
  assert.deepEqual(Object.keys(properties).sort(), expected.map((a) => a.name).sort(), `${kind}: attribute names`);
  assert.deepEqual(
    [...(schema.required ?? [])].sort(),
    expected.filter((a) => a.required).map((a) => a.name).sort(),
    `${kind}: required attributes`,
  );
  for (const attribute of expected) {
    const actual = properties[attribute.name];
    const where = `${kind}.${attribute.name}`;
    assert.equal(actual.type, attribute.type, `${where}: type`);
    assert.ok(typeof actual.description === 'string' && actual.description.length > 10, `${where}: description`);
    if (attribute.hasDefault) {
      assert.deepEqual(actual.default, attribute.default, `${where}: default`);
    } else {
      assert.equal(actual.default, undefined, `${where}: DEBUGGER.md gives no literal default`);
    }
    assert.deepEqual(actual.enum, attribute.enum, `${where}: enum`);
    if (attribute.enum !== undefined) {
      assert.equal(actual.enumDescriptions?.length, attribute.enum.length, `${where}: one description per enum value`);
    }
    assert.equal(actual.items?.type, attribute.itemsType, `${where}: item type`);
    assert.deepEqual(actual.items?.enum, attribute.itemsEnum, `${where}: item values`);
    if (attribute.properties !== undefined) {
      assert.deepEqual(Object.keys(actual.properties).sort(), [...attribute.properties].sort(), `${where}: keys`);
      assert.equal(actual.additionalProperties, false, `${where}: no other keys`);
      for (const [key, sub] of Object.entries<Json>(actual.properties)) {
        // "each key optional and positive"
        assert.ok(sub.minimum === 1 || sub.exclusiveMinimum === 0, `${where}.${key}: positive`);
      }
    }
    if (attribute.minimum !== undefined) {
      assert.equal(actual.minimum, attribute.minimum, `${where}: minimum`);
    }
  }
}

describe('debugger contribution', () => {
  it('is the omega type labelled "Omega Debug" for omega files', () => {
    assert.equal(debuggerContribution.type, 'omega');
    assert.equal(debuggerContribution.label, 'Omega Debug');
    assert.deepEqual(debuggerContribution.languages, ['omega']);
    assert.deepEqual(contributes.breakpoints, [{ language: 'omega' }]);
  });

  it('declares the launch attributes exactly as DEBUGGER.md section 3 defines them', () => {
    const expected = launchAttributes();
    assert.ok(expected.length >= 13, 'the table parsed');
    checkAttributes('launch', expected);
  });

  it('declares the attach attributes as DEBUGGER.md section 3 defines them, plus the connection file', () => {
    const expected = attachAttributes();
    assert.deepEqual(expected.map((a) => a.name).sort(), ['historyLimit', 'host', 'port']);
    // Issue 18: `omega serve` requires the token of its connection file; attach reads that file
    // (`connectionFile`, or `.omega/serve.json` under `cwd`, then the runtime directory).
    const connection: ExpectedAttribute[] = [
      { name: 'connectionFile', type: 'string', required: false, hasDefault: false },
      { name: 'cwd', type: 'string', required: false, hasDefault: true, default: '${workspaceFolder}' },
    ];
    checkAttributes('attach', [...expected, ...connection]);
  });

  it('offers launch-current-file, replayed-oracle and attach snippets whose bodies validate', () => {
    const snippets: Json[] = debuggerContribution.configurationSnippets;
    const bodies = snippets.map((s) =>
      resolveSnippetBody(s.body, { file: '/w/demo.omega', workspaceFolder: '/w' }),
    );
    assert.deepEqual(
      bodies.map((b) => [b.request, b.name]),
      [
        ['launch', 'Omega: Launch current file'],
        ['launch', 'Omega: Launch with replayed oracle'],
        ['attach', 'Omega: Attach'],
      ],
    );
    assert.equal(bodies[0].program, '/w/demo.omega');
    assert.equal(bodies[1].oracle, 'replay');
    assert.equal(bodies[1].receipts, '/w/receipts.jsonl');
    for (const [i, body] of bodies.entries()) {
      assert.equal(body.type, 'omega');
      const schema = debuggerContribution.configurationAttributes[body.request as string];
      for (const key of Object.keys(body).filter((k) => !['type', 'request', 'name'].includes(k))) {
        assert.ok(key in schema.properties, `snippet ${i}: ${key} is a declared attribute`);
      }
      assert.ok(typeof snippets[i].label === 'string' && typeof snippets[i].description === 'string');
    }
    // The initial configuration is the launch-current-file snippet with ${file} left for VS Code.
    assert.deepEqual(debuggerContribution.initialConfigurations, [resolveSnippetBody(snippets[0].body, { file: '${file}' })]);
  });
});

describe('commands, menus, views and activation', () => {
  const commands: Json[] = contributes.commands;
  const commandIds = new Set(commands.map((c) => c.command as string));

  it('gives every command a title and the Omega category', () => {
    for (const command of commands) {
      assert.ok(typeof command.title === 'string' && command.title.length > 0, `${command.command}: title`);
      assert.equal(command.category, 'Omega', `${command.command}: category`);
    }
    for (const id of ['omega.runFile', 'omega.debugFile', 'omega.openRepl', 'omega.restartLanguageServer', 'omega.history.gotoStep']) {
      assert.ok(commandIds.has(id), `${id} is contributed`);
    }
    assert.equal(commands.find((c) => c.command === 'omega.restartLanguageServer').title, 'Restart Language Server');
  });

  it('registers in code exactly the commands it contributes', () => {
    const registered = new Set([...sourceText.matchAll(/registerCommand\(\s*'([^']+)'/g)].map((m) => m[1]));
    assert.deepEqual([...registered].sort(), [...commandIds].sort());
  });

  it('refers only to contributed commands and views in menus', () => {
    for (const [menu, items] of Object.entries<Json[]>(contributes.menus)) {
      for (const item of items) {
        assert.ok(commandIds.has(item.command), `${menu}: ${item.command} is contributed`);
      }
    }
    const viewIds = new Set(Object.values<Json[]>(contributes.views).flat().map((v) => v.id as string));
    for (const welcome of contributes.viewsWelcome) {
      assert.ok(viewIds.has(welcome.view));
    }
  });

  it('puts the Execution History view in the debug container, under the id the code uses', () => {
    const view = contributes.views.debug.find((v: Json) => v.id === 'omega.history');
    assert.equal(view.name, 'Omega: Execution History');
    assert.ok(sourceText.includes(`VIEW_ID = '${view.id}'`));
  });

  it('puts the Timeline strip above the Execution History, and the Search Tree webview in the debug container', () => {
    const ids = contributes.views.debug.map((v: Json) => v.id as string);
    assert.deepEqual(ids, ['omega.timeline', 'omega.history', 'omega.searchTree']);
    for (const id of ['omega.timeline', 'omega.searchTree']) {
      const view = contributes.views.debug.find((v: Json) => v.id === id);
      assert.equal(view.type, 'webview');
      assert.ok((manifest.activationEvents as string[]).includes(`onView:${id}`));
    }
  });

  it('activates only on events that match its contributions', () => {
    const languages = new Set(contributes.languages.map((l: Json) => l.id as string));
    const viewIds = new Set(Object.values<Json[]>(contributes.views).flat().map((v) => v.id as string));
    for (const event of manifest.activationEvents as string[]) {
      const [kind, argument] = event.split(':');
      switch (kind) {
        case 'onLanguage':
          assert.ok(languages.has(argument), event);
          break;
        case 'onDebugResolve':
        case 'onDebugDynamicConfigurations':
          assert.equal(argument, debuggerContribution.type, event);
          break;
        case 'onView':
          assert.ok(viewIds.has(argument), event);
          break;
        case 'onCommand':
          assert.ok(commandIds.has(argument), event);
          break;
        case 'onDebugInitialConfigurations':
          assert.ok(debuggerContribution.initialConfigurations.length > 0, event);
          break;
        default:
          assert.fail(`unexpected activation event ${event}`);
      }
    }
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(manifest.engines.vscode, '^1.85.0');
    assert.equal(manifest.name, 'omega-vscode');
    assert.equal(manifest.publisher, 'omega-lang');
  });

  it('declares every setting the code reads, with the same defaults', () => {
    const properties: Record<string, Json> = contributes.configuration.properties;
    for (const [key, value] of Object.entries(SettingDefault)) {
      const setting = properties[`${SECTION}.${key}`];
      assert.ok(setting !== undefined, `${SECTION}.${key} is contributed`);
      assert.equal(setting.default, value, `${SECTION}.${key} default`);
      assert.ok(typeof (setting.description ?? setting.markdownDescription) === 'string');
    }
    assert.deepEqual(Object.keys(properties).sort(), Object.keys(SettingDefault).map((k) => `${SECTION}.${k}`).sort());
    assert.deepEqual(properties['omega.lsp.trace'].enum, ['off', 'messages', 'verbose']);
  });
});

describe('language contribution', () => {
  const languageConfiguration: Json = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'language-configuration.json'), 'utf8'));

  it('maps .omega files to the omega language and the source.omega grammar', () => {
    const [language] = contributes.languages;
    assert.equal(language.id, 'omega');
    assert.deepEqual(language.extensions, ['.omega']);
    assert.ok(fs.existsSync(path.join(extensionRoot, language.configuration)));
    const [grammar] = contributes.grammars;
    assert.equal(grammar.language, 'omega');
    assert.equal(grammar.scopeName, 'source.omega');
    const grammarJson: Json = JSON.parse(fs.readFileSync(path.join(extensionRoot, grammar.path), 'utf8'));
    assert.equal(grammarJson.scopeName, 'source.omega');
  });

  it('has ; and #| |# comments, the three bracket kinds, and no auto-closing quote', () => {
    assert.deepEqual(languageConfiguration.comments, { lineComment: ';', blockComment: ['#|', '|#'] });
    assert.deepEqual(languageConfiguration.brackets, [['(', ')'], ['[', ']'], ['#(', ')']]);
    const opens = languageConfiguration.autoClosingPairs.map((p: Json) => p.open as string);
    assert.ok(!opens.includes("'") && !opens.includes('`'), 'quote characters never auto-close');
    assert.ok(opens.includes('(') && opens.includes('[') && opens.includes('"'));
    assert.equal(languageConfiguration.folding.offSide, false, 'indentation-based folding');
  });

  it('has a word pattern that keeps Lisp symbols whole', () => {
    const word = new RegExp(languageConfiguration.wordPattern, 'g');
    const words = (text: string): string[] => text.match(word) ?? [];
    assert.deepEqual(words("(string->list s) (set! x 1) (infer.op :key 'sym)"), [
      'string->list', 's', 'set!', 'x', '1', 'infer.op', ':key', 'sym',
    ]);
    assert.deepEqual(words('[a-b? "c d" ,e ,@f `g]'), ['a-b?', 'c', 'd', 'e', '@f', 'g']);
  });

  it('maps every semantic token type of the language server to a scope', () => {
    const [entry] = contributes.semanticTokenScopes;
    assert.equal(entry.language, 'omega');
    assert.deepEqual(Object.keys(entry.scopes).sort(), ['comment', 'function', 'keyword', 'macro', 'number', 'parameter', 'string', 'variable']);
    for (const scopes of Object.values<string[]>(entry.scopes)) {
      assert.ok(scopes.length > 0 && scopes.every((s) => s.endsWith('.omega')));
    }
  });
});
