import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendLines, buildLogTree, filterLogTree, findNode, logText, splitMatches } from './log-tree.js';
import type { LogLevel, LogLine } from './types.js';

const line = (seq: number, path: string[], message: string, level: LogLevel = 'info'): LogLine => ({
  seq,
  path,
  level,
  at: `2025-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`,
  message,
});

const LINES = [
  line(1, [], 'Deploying release 1.2.0 to Dev'),
  line(2, ['Approve'], 'Waiting for approval'),
  line(3, ['Deploy'], 'Running step Deploy'),
  line(4, ['Deploy', 'hello'], 'registered hello-color-dev:2'),
  line(5, ['Deploy', 'hello'], 'tasks failed to start', 'error'),
  line(6, ['Approve'], 'Proceeded by admin'),
  line(7, [], 'Failed', 'warning'),
];

describe('the log tree', () => {
  it('groups lines as deployment → step → target, in first-seen order, with counts and the worst level', () => {
    const tree = buildLogTree(LINES);
    assert.deepEqual(
      tree.children.map((c) => c.name),
      ['Approve', 'Deploy'],
    );
    assert.equal(tree.count, 7);
    assert.equal(tree.lines.length, 2);
    const deploy = findNode(tree, 'Deploy')!;
    assert.equal(deploy.count, 3);
    assert.equal(deploy.worst, 'error');
    assert.equal(findNode(tree, 'Deploy / hello')?.lines.length, 2);
    assert.equal(findNode(tree, 'Approve')?.worst, 'info');
  });

  it('filters by a search (message or level), keeping the tree shape of the matches', () => {
    const { tree, matches } = filterLogTree(buildLogTree(LINES), 'HELLO');
    assert.equal(matches, 1);
    assert.deepEqual(
      tree.children.map((c) => c.key),
      ['Deploy'],
    );
    assert.equal(filterLogTree(buildLogTree(LINES), 'error').matches, 1);
    assert.equal(filterLogTree(buildLogTree(LINES), '  ').matches, 7);
  });

  it('splits a message for highlighting, ignoring case', () => {
    assert.deepEqual(splitMatches('Tasks failed, task b', 'TASK'), [
      { text: 'Task', match: true },
      { text: 's failed, ', match: false },
      { text: 'task', match: true },
      { text: ' b', match: false },
    ]);
    assert.deepEqual(splitMatches('abc', ''), [{ text: 'abc', match: false }]);
  });

  it('copies a node as text in seq order with time, level and path', () => {
    const text = logText(findNode(buildLogTree(LINES), 'Deploy')!);
    assert.equal(
      text,
      [
        '2025-01-01T00:00:03.000Z INFO    [Deploy] Running step Deploy',
        '2025-01-01T00:00:04.000Z INFO    [Deploy / hello] registered hello-color-dev:2',
        '2025-01-01T00:00:05.000Z ERROR   [Deploy / hello] tasks failed to start',
      ].join('\n'),
    );
  });

  it('appends only lines it does not hold (a resumed stream may repeat some)', () => {
    const held = appendLines([], LINES.slice(0, 3));
    assert.equal(appendLines(held, LINES.slice(0, 2)), held);
    assert.deepEqual(
      appendLines(held, LINES.slice(1, 5)).map((l) => l.seq),
      [1, 2, 3, 4, 5],
    );
  });
});
