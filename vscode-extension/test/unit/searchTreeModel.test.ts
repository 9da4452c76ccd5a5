/** The Search Tree view's data: decoding omega/searchTree, cluster expansion, hover texts. */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  bindingsSummary,
  countsText,
  expandCluster,
  hoverText,
  jumpStep,
  parseSearchTreeBody,
  subtreeBadge,
  type TreeNode,
  visibleChildren,
  walk,
} from '../../src/searchTreeModel';

const counts = (failed: number, solutions = 0, pending = 0, choicePoints = 0) => ({ choicePoints, failed, solutions, pending, abandoned: 0 });

function body(): unknown {
  return {
    totals: counts(3, 1, 3, 3),
    current: 124,
    newest: 124,
    oldest: 0,
    root: {
      id: 0, kind: 'root', step: null, line: 0, column: 0, onPath: true, counts: counts(3, 1, 3, 3),
      children: [{
        id: 1, kind: 'choice', step: 22, line: 3, column: 12, location: 'pairs.omega:3:12', choicePoint: 'cp-1', alternatives: 3, onPath: true, counts: counts(3, 1, 3, 3),
        children: [
          { id: -3, kind: 'cluster', step: 36, line: 4, column: 12, members: [2], label: '3 more failed', counts: counts(3, 0, 0, 1), children: [] },
          {
            id: 6, kind: 'choice', step: 98, line: 4, column: 12, alternative: 2, label: '2', choicePoint: 'cp-3', alternatives: 3, onPath: true, counts: counts(0, 1, 2, 1),
            children: [
              { id: 7, kind: 'solution', step: 123, line: 4, column: 17, alternative: 1, label: '1', onPath: true, here: true, detail: 'top-level form 2 finished', counts: counts(0, 1), children: [] },
              { id: -1, kind: 'pending', step: null, line: 4, column: 19, alternative: 2, label: '2', discarded: true, children: [] },
            ],
          },
        ],
      }],
    },
  };
}

describe('parseSearchTreeBody', () => {
  it('decodes totals and nodes', () => {
    const b = parseSearchTreeBody(body());
    assert.equal(b.totals.failed, 3);
    assert.deepEqual([...walk(b.root)].map((n) => n.kind), ['root', 'choice', 'cluster', 'choice', 'solution', 'pending']);
    assert.equal(b.root.children[0].children[1].children[0].here, true);
  });

  it('rejects malformed bodies with the field named', () => {
    assert.throws(() => parseSearchTreeBody(undefined), /no body/);
    assert.throws(() => parseSearchTreeBody({ root: { id: 0, kind: 'root', children: [] } }), /totals/);
    assert.throws(() => parseSearchTreeBody({ totals: counts(0), root: { id: 0, kind: 'tree', children: [] } }), /root is not a node/);
    assert.throws(() => parseSearchTreeBody({ totals: counts(0), root: { id: 0, kind: 'root', children: [{ id: 'x' }] } }), /root\.children\[0\]/);
  });
});

describe('expandCluster', () => {
  it('replaces a cluster by the subtrees of its members', () => {
    const b = parseSearchTreeBody(body());
    const sub: TreeNode = { id: 2, kind: 'choice', step: 36, line: 4, column: 12, children: [{ id: 3, kind: 'failed', step: 52, line: 6, column: 5, children: [] }] };
    expandCluster(b.root, -3, [sub]);
    assert.deepEqual(b.root.children[0].children.map((n) => n.id), [2, 6]);
    assert.equal(b.root.children[0].children[0].children[0].kind, 'failed');
  });
});

describe('node texts', () => {
  it('jumps to the step where a branch failed, ended or chose; never for pending', () => {
    const b = parseSearchTreeBody(body());
    const [root, cp1, cluster, cp3, solution, pending] = [...walk(b.root)];
    assert.deepEqual([jumpStep(root), jumpStep(cp1), jumpStep(cluster), jumpStep(cp3), jumpStep(solution), jumpStep(pending)], [undefined, 22, 36, 98, 123, undefined]);
  });

  it('summarises counts, bindings and the hover', () => {
    const b = parseSearchTreeBody(body());
    const path = [b.root, b.root.children[0], b.root.children[0].children[1], b.root.children[0].children[1].children[0]];
    assert.equal(countsText(b.totals), '3 choice points · 3 failed · 1 solution · 3 pending');
    assert.equal(bindingsSummary(path), 'cp-1 #2 = 2 · cp-3 #1 = 1');
    assert.equal(subtreeBadge(b.root.children[0]), '3✗ 1✓ 3…');
    assert.equal(subtreeBadge(path[3]), '');
    assert.equal(hoverText(path[3], path), 'solution\nat line 4:17\ntop-level form 2 finished\nstep 123 (click to go there)\nbindings: cp-1 #2 = 2 · cp-3 #1 = 1');
    assert.match(hoverText(path[1], path.slice(0, 2)), /^cp-1: amb with 3 alternatives\nat pairs\.omega:3:12\nstep 22 \(click to go there\)\nbindings: no choices yet\nsubtree: 3 choice points · 3 failed · 1 solution · 3 pending$/);
  });

  it('leaves out the children of collapsed nodes', () => {
    const b = parseSearchTreeBody(body());
    assert.equal(visibleChildren(b.root.children[0], new Set([1])).length, 0);
    assert.equal(visibleChildren(b.root.children[0], new Set()).length, 2);
  });
});
