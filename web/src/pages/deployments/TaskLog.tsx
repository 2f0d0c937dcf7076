/**
 * The task log as a tree: the deployment's own lines, then each step (collapsible, with its targets
 * inside), each line with its time, level (colour and word) and message. A search (kept in the URL
 * as `?q=`) filters the lines and highlights the matches; a step or the whole log copies as text.
 * Large logs stay quick: a collapsed node renders nothing, an open one its last lines only until
 * asked for more.
 */
import { useDeferredValue, useId, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '../../components/Button.js';
import { EmptyState } from '../../components/common.js';
import { copyText } from './clipboard.js';
import { buildLogTree, filterLogTree, levelWord, logText, splitMatches, type LogNode } from './log-tree.js';
import type { LogLine } from './types.js';

/** Lines an open node shows at first (the newest); "Show earlier lines" adds this many more. */
const PAGE = 300;
/** Above this many lines in all, steps start collapsed unless something went wrong in them. */
const OPEN_ALL_BELOW = 3000;

/** A time of day as HH:MM:SS (the full time is in the element's title). */
function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString('en-GB', { hour12: false });
}

function Line({ line, query }: { line: LogLine; query: string }) {
  return (
    <li className={`log-line lvl-${line.level}`}>
      <time dateTime={line.at} title={new Date(line.at).toLocaleString()}>
        {clock(line.at)}
      </time>
      <span className="log-level">{levelWord(line.level)}</span>
      <span className="log-message">
        {splitMatches(line.message, query).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : p.text))}
      </span>
    </li>
  );
}

/** What the tree needs from the page around it. */
interface TreeProps {
  query: string;
  isOpen(node: LogNode): boolean;
  toggle(node: LogNode): void;
  onCopy(node: LogNode, label: string): void;
  /** Extra content at the top of a node (the interruptions of a step). */
  slot?: (node: LogNode) => ReactNode;
}

function Lines({ lines, query }: { lines: LogLine[]; query: string }) {
  const [shown, setShown] = useState(PAGE);
  if (lines.length === 0) return null;
  const hidden = Math.max(0, lines.length - shown);
  return (
    <>
      {hidden > 0 ? (
        <Button variant="link" className="log-more" onClick={() => setShown((n) => n + PAGE)}>
          Show earlier lines ({hidden} hidden)
        </Button>
      ) : null}
      <ol className="log-lines">
        {lines.slice(hidden).map((l) => (
          <Line key={l.seq} line={l} query={query} />
        ))}
      </ol>
    </>
  );
}

function Node({ node, depth, ...props }: TreeProps & { node: LogNode; depth: number }) {
  const bodyId = useId();
  const open = props.isOpen(node);
  const label = depth === 1 ? `step ${node.name}` : `target ${node.name}`;
  const Heading = depth === 1 ? 'h3' : 'h4';
  const tone = node.worst === 'error' ? 'danger' : node.worst === 'warning' ? 'warning' : undefined;
  return (
    <section className={`log-node depth-${depth}`}>
      <div className="log-node-head">
        <Heading className="log-node-title">
          <button
            type="button"
            className="log-toggle"
            aria-expanded={open}
            aria-controls={bodyId}
            onClick={() => props.toggle(node)}
          >
            <span aria-hidden="true" className="log-caret">
              {open ? '▾' : '▸'}
            </span>
            {node.name}
          </button>
        </Heading>
        <span className="muted log-count">
          {node.count} {node.count === 1 ? 'line' : 'lines'}
        </span>
        {tone ? (
          <span className={`badge tone-${tone}`}>{tone === 'danger' ? 'Errors' : 'Warnings'}</span>
        ) : null}
        <Button variant="link" aria-label={`Copy ${label}`} onClick={() => props.onCopy(node, label)}>
          Copy
        </Button>
      </div>
      <div id={bodyId} hidden={!open}>
        {open ? (
          <>
            {props.slot?.(node)}
            <Lines lines={node.lines} query={props.query} />
            {node.children.map((c) => (
              <Node key={c.key} node={c} depth={depth + 1} {...props} />
            ))}
          </>
        ) : null}
      </div>
    </section>
  );
}

/** The task log section; `slot` draws a step's interruptions in place; `open` forces nodes open. */
export function TaskLog({
  lines,
  slot,
  forceOpen,
  live,
}: {
  lines: LogLine[];
  slot?: (node: LogNode) => ReactNode;
  /** Keys of nodes that start open whatever the log's size (steps waiting for an answer). */
  forceOpen: ReadonlySet<string>;
  /** A word on how the log is followed ("Live", "Reconnecting…"), shown beside the title. */
  live: ReactNode;
}) {
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const deferred = useDeferredValue(query);
  const [toggled, setToggled] = useState<Map<string, boolean>>(new Map());
  const [copied, setCopied] = useState('');
  const searchId = useId();

  const full = useMemo(() => buildLogTree(lines), [lines]);
  const { tree, matches } = useMemo(() => filterLogTree(full, deferred), [full, deferred]);
  const searching = deferred.trim() !== '';

  const defaultOpen = (n: LogNode) =>
    searching ||
    forceOpen.has(n.key) ||
    full.count <= OPEN_ALL_BELOW ||
    n.worst === 'error' ||
    n.worst === 'warning';
  const isOpen = (n: LogNode) => toggled.get(n.key) ?? defaultOpen(n);
  const toggle = (n: LogNode) => setToggled((m) => new Map(m).set(n.key, !isOpen(n)));
  const setAll = (open: boolean) => {
    const m = new Map<string, boolean>();
    const walk = (n: LogNode) => {
      m.set(n.key, open);
      n.children.forEach(walk);
    };
    full.children.forEach(walk);
    setToggled(m);
  };
  const onCopy = (n: LogNode, label: string) => {
    void copyText(logText(n)).then((ok) =>
      setCopied(
        ok ? `Copied the ${label} (${n.count} lines).` : 'Could not copy: select the lines and copy them.',
      ),
    );
  };

  const setQuery = (q: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (q) next.set('q', q);
        else next.delete('q');
        return next;
      },
      { replace: true },
    );

  return (
    <section className="task-log" aria-labelledby="task-log-title">
      <div className="task-log-head">
        <h2 id="task-log-title">Task log</h2>
        {live}
      </div>
      <div className="task-log-tools">
        <div className="field log-search">
          <label htmlFor={searchId}>Search the log</label>
          <input
            id={searchId}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-describedby={`${searchId}-count`}
          />
          <span id={`${searchId}-count`} className="field-hint" aria-live="polite">
            {searching ? `${matches} of ${full.count} lines match` : `${full.count} lines`}
          </span>
        </div>
        <div className="log-actions">
          <Button onClick={() => setAll(true)}>Expand all</Button>
          <Button onClick={() => setAll(false)}>Collapse all</Button>
          <Button onClick={() => onCopy(full, 'whole log')}>Copy log</Button>
        </div>
      </div>
      <p className="visually-hidden" role="status">
        {copied}
      </p>
      {copied ? (
        <p className="muted log-copied" aria-hidden="true">
          {copied}
        </p>
      ) : null}
      {full.count === 0 ? (
        <EmptyState title="Nothing logged yet.">The deployment writes here as soon as it starts.</EmptyState>
      ) : searching && matches === 0 ? (
        <EmptyState title={`No line matches “${deferred.trim()}”.`}>
          <Button variant="link" onClick={() => setQuery('')}>
            Clear the search
          </Button>
        </EmptyState>
      ) : (
        <div className="log-tree">
          {tree.lines.length > 0 ? (
            <div className="log-node depth-0">
              <Lines lines={tree.lines} query={deferred} />
            </div>
          ) : null}
          {tree.children.map((c) => (
            <Node
              key={c.key}
              node={c}
              depth={1}
              query={deferred}
              isOpen={isOpen}
              toggle={toggle}
              onCopy={onCopy}
              {...(slot ? { slot } : {})}
            />
          ))}
        </div>
      )}
    </section>
  );
}
