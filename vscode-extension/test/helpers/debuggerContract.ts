/**
 * Reads DEBUGGER.md at test time: the launch/attach attribute table of section 3, the capability
 * block of 4.1 and the exception filters of 4.2. Any row the parser does not understand fails the
 * test, so a contract change cannot slip past the manifest unnoticed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { contractsDir } from './paths';

export interface ExpectedAttribute {
  name: string;
  type: 'string' | 'boolean' | 'integer' | 'array' | 'object';
  required: boolean;
  hasDefault: boolean;
  default?: unknown;
  enum?: string[];
  itemsType?: string;
  itemsEnum?: string[];
  properties?: string[];
  minimum?: number;
}

export function debuggerMd(): string {
  return fs.readFileSync(path.join(contractsDir, 'DEBUGGER.md'), 'utf8');
}

/** The text of the section whose heading starts with `heading` (up to the next heading of that level or higher). */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start < 0) {
    throw new Error(`DEBUGGER.md has no heading "${heading}"`);
  }
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && (/^#+/.exec(line)?.[0].length ?? 0) <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

function cells(row: string): string[] {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

function backticked(text: string): string[] {
  return [...text.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
}

function parseType(cell: string, name: string): Omit<ExpectedAttribute, 'name' | 'required' | 'hasDefault' | 'default'> {
  if (cell === 'path' || cell === 'string') {
    return { type: 'string' };
  }
  if (cell === 'boolean') {
    return { type: 'boolean' };
  }
  if (cell === 'integer') {
    return { type: 'integer' };
  }
  const minimum = /^integer ≥ (\d+)$/.exec(cell);
  if (minimum !== null) {
    return { type: 'integer', minimum: Number(minimum[1]) };
  }
  if (cell === 'string[]') {
    return { type: 'array', itemsType: 'string' };
  }
  if (cell.startsWith('string[] of ')) {
    return { type: 'array', itemsType: 'string', itemsEnum: backticked(cell) };
  }
  const object = /^`\{([^}]*)\}`$/.exec(cell);
  if (object !== null) {
    return { type: 'object', properties: object[1].split(',').map((p) => p.trim()) };
  }
  const quoted = backticked(cell);
  if (quoted.length > 0 && quoted.every((q) => /^".*"$/.test(q)) && cell.replace(/`[^`]*`/g, '').replace(/[,\s]/g, '') === '') {
    return { type: 'string', enum: quoted.map((q) => JSON.parse(q) as string) };
  }
  throw new Error(`DEBUGGER.md section 3: cannot read the type "${cell}" of ${name}`);
}

/** The launch attributes of the section 3 table. */
export function launchAttributes(markdown: string = debuggerMd()): ExpectedAttribute[] {
  const text = section(markdown, '## 3.');
  const rows = text.split('\n').filter((line) => line.startsWith('| `'));
  if (rows.length === 0) {
    throw new Error('DEBUGGER.md section 3 has no attribute rows');
  }
  return rows.map((row) => {
    const [nameCell, typeCell, defaultCell] = cells(row);
    const name = backticked(nameCell)[0];
    const attribute: ExpectedAttribute = { name, required: false, hasDefault: false, ...parseType(typeCell, name) };
    if (defaultCell === 'required') {
      attribute.required = true;
    } else if (/^`[^`]*`$/.test(defaultCell)) {
      // A lone literal is the default; prose ("directory of `program`", "no limits") means none.
      attribute.hasDefault = true;
      attribute.default = JSON.parse(backticked(defaultCell)[0]) as unknown;
    }
    return attribute;
  });
}

/** The attach attributes: those section 3's prose gives defaults for, plus the launch attributes it keeps. */
export function attachAttributes(markdown: string = debuggerMd()): ExpectedAttribute[] {
  const text = section(markdown, '## 3.').replace(/\s+/g, ' ');
  const takes = /`attach` takes (.*?) of a running/.exec(text);
  if (takes === null) {
    throw new Error('DEBUGGER.md section 3: no "`attach` takes ..." sentence');
  }
  const result: ExpectedAttribute[] = [...takes[1].matchAll(/`(\w+)` \(default `([^`]+)`/g)].map((m) => {
    const value = JSON.parse(m[2]) as unknown;
    return {
      name: m[1],
      type: typeof value === 'number' ? 'integer' : 'string',
      required: false,
      hasDefault: true,
      default: value,
    };
  });
  const kept = /other attributes but ((?:`\w+`(?:,? (?:and )?)?)+) are ignored/.exec(text);
  const launch = launchAttributes(markdown);
  for (const name of kept === null ? [] : backticked(kept[1])) {
    const attribute = launch.find((a) => a.name === name);
    if (attribute === undefined) {
      throw new Error(`DEBUGGER.md section 3: attach keeps unknown attribute ${name}`);
    }
    result.push(attribute);
  }
  return result;
}

/** The capabilities object of section 4.1, with the placeholder filter list replaced by the 4.2 filter ids. */
export function initializeCapabilities(markdown: string = debuggerMd()): Record<string, unknown> {
  const text = section(markdown, '### 4.1');
  const block = /```json\n([\s\S]*?)```/.exec(text);
  if (block === null) {
    throw new Error('DEBUGGER.md 4.1 has no json block');
  }
  return JSON.parse(block[1]) as Record<string, unknown>;
}

export interface ExpectedFilter {
  filter: string;
  label: string;
  default: boolean;
}

/** The exception filters of section 4.2, in table order. */
export function exceptionFilters(markdown: string = debuggerMd()): ExpectedFilter[] {
  const text = section(markdown, '### 4.2');
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((row) => {
      const [filter, label, dflt] = cells(row);
      return { filter: backticked(filter)[0], label, default: backticked(dflt)[0] === 'true' };
    });
}
