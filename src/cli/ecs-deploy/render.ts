/**
 * How `ecs-deploy` shows a deployment. Results go to stdout, progress to stderr, in one of three
 * styles: on a TTY a live table of each service's deployments redrawn in place with each new
 * event printed once above it; elsewhere (CI logs) plain timestamped lines that each name the
 * service, the table printed only when it changes; with `--output json` one event per line.
 */
import type { EventSink, SlipwayEvent } from '../../core/events.js';
import type { DeployResult, ServiceDeployResult } from '../../deploy/request.js';
import type { DeploymentRow } from '../../deploy/progress.js';

/** Where text goes: process.stderr or a test's buffer. */
export interface Terminal {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface RenderOptions {
  output: 'text' | 'json';
  verbose: boolean;
  /** Default: colour only on a TTY and without NO_COLOR. */
  colour?: boolean;
  /** The targets of the run: events without a `service` are attributed to the only one. */
  targets: string[];
}

const RESET = '\x1b[0m';
const LEVEL_COLOUR: Record<SlipwayEvent['level'], string> = {
  debug: '\x1b[2m',
  info: '',
  warn: '\x1b[33m',
  error: '\x1b[31m',
};
const STATE_COLOUR: Record<string, string> = {
  COMPLETED: '\x1b[32m',
  SUCCESSFUL: '\x1b[32m',
  IN_PROGRESS: '\x1b[33m',
  ROLLBACK_REQUESTED: '\x1b[31m',
  ROLLBACK_IN_PROGRESS: '\x1b[31m',
  ROLLBACK_SUCCESSFUL: '\x1b[31m',
  ROLLBACK_FAILED: '\x1b[31m',
  STOPPED: '\x1b[31m',
  FAILED: '\x1b[31m',
};

/** `arn:aws:ecs:...:task-definition/web:3` → `web:3`. */
export function shortRevision(arn: string | undefined): string {
  if (!arn) return '-';
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

function str(v: unknown, fallback = '-'): string {
  return typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : fallback;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function rowsOf(data: Record<string, unknown>): DeploymentRow[] {
  const list = Array.isArray(data.deployments) ? (data.deployments as unknown[]) : [];
  return list.map((d) => {
    const o = d !== null && typeof d === 'object' ? (d as Record<string, unknown>) : {};
    return {
      id: str(o.id),
      taskDefinition: shortRevision(str(o.taskDefinition, '')),
      status: str(o.status),
      rolloutState: str(o.rolloutState),
      desired: num(o.desired),
      pending: num(o.pending),
      running: num(o.running),
      failed: num(o.failed),
    };
  });
}

/** A weight as ECS gives it (0.0–100.0), or `-`. */
function weight(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${Math.round(v * 10) / 10} %` : '-';
}

/**
 * The line under a strategy deployment's table (from `deploy.deployments` data), e.g.
 * `BLUE_GREEN IN_PROGRESS · stage TEST_TRAFFIC_SHIFT · test 100 % / production 0 % on web:8`;
 * undefined for rolling deployments (no stage, no weights).
 */
export function strategyLine(data: Record<string, unknown>): string | undefined {
  if (typeof data.strategy !== 'string' || typeof data.status !== 'string') return undefined;
  const parts = [`${data.strategy} ${data.status}`];
  if (typeof data.stage === 'string' && data.stage) parts.push(`stage ${data.stage}`);
  if (typeof data.testWeight === 'number' || typeof data.productionWeight === 'number')
    parts.push(
      `test ${weight(data.testWeight)} / production ${weight(data.productionWeight)} on ${str(data.revision)}`,
    );
  // ROLLING with early success has neither: its status is already in the ROLLOUT column.
  return parts.length > 1 ? parts.join(' · ') : undefined;
}

/** The service (or family) an event belongs to, if known. */
function subjectOf(e: SlipwayEvent, targets: string[]): string | undefined {
  const named = e.data.service ?? e.data.family;
  if (typeof named === 'string' && named) return named;
  return targets.length === 1 ? targets[0] : undefined;
}

const HEADER = ['SERVICE', 'REVISION', 'STATUS', 'ROLLOUT', 'DESIRED', 'PENDING', 'RUNNING', 'FAILED'];

/** Aligned table lines for these services' deployments (the service named on its first row). */
export function deploymentTable(tables: ReadonlyMap<string, DeploymentRow[]>, colour = false): string[] {
  const cells: string[][] = [HEADER];
  for (const [service, rows] of tables) {
    rows.forEach((r, i) =>
      cells.push([
        i === 0 ? service : '',
        r.taskDefinition,
        r.status,
        r.rolloutState,
        String(r.desired),
        String(r.pending),
        String(r.running),
        String(r.failed),
      ]),
    );
  }
  const widths = HEADER.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells.map((row) =>
    row
      .map((cell, c) => {
        const numeric = c >= 4;
        const padded = numeric ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!);
        const tint = colour && c === 3 ? STATE_COLOUR[cell] : undefined;
        return tint ? `${tint}${padded}${RESET}` : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** The renderer: an event sink for progress, and the final result. */
export interface EcsDeployRenderer {
  emit: EventSink;
  /** Stops live redrawing (the last table stays on screen). */
  close(): void;
  /** The final result, for stdout. */
  formatResult(result: DeployResult): string;
}

export function createRenderer(options: RenderOptions, err: Terminal): EcsDeployRenderer {
  const tty = err.isTTY === true && options.output === 'text';
  const colour = options.colour ?? (tty && !process.env.NO_COLOR);
  const tables = new Map<string, DeploymentRow[]>();
  /** Per service: its strategy deployment's stage and weights, shown under the table. */
  const states = new Map<string, string>();
  /** Per service: the table as last printed (CI mode prints it only when it changes). */
  const printed = new Map<string, string>();
  /** --diff output per service, for stdout at the end. */
  const diffs = new Map<string, string[]>();
  let liveLines = 0;
  let closed = false;

  const paint = (text: string, level: SlipwayEvent['level']) =>
    colour && LEVEL_COLOUR[level] ? `${LEVEL_COLOUR[level]}${text}${RESET}` : text;

  const clip = (line: string) => {
    // A wrapped line would throw off the cursor arithmetic of the redraw.
    const width = err.columns ?? 0;
    return width > 0 && line.length > width - 1 ? line.slice(0, width - 1) : line;
  };

  const eraseLive = () => {
    if (liveLines > 0) err.write(`\x1b[${liveLines}F\x1b[J`);
    liveLines = 0;
  };
  const drawLive = () => {
    if (closed || tables.size === 0) return;
    const under = [...states].map(([service, line]) => (tables.size > 1 ? `${service}: ${line}` : line));
    const lines = [...deploymentTable(tables, colour), ...under].map((l) => clip(l));
    err.write(lines.join('\n') + '\n');
    liveLines = lines.length;
  };

  const emit: EventSink = (e) => {
    if (e.level === 'debug' && !options.verbose) return;
    const subject = subjectOf(e, options.targets);
    if (e.code === 'deploy.diff' && subject) {
      const lines = Array.isArray(e.data.lines)
        ? (e.data.lines as unknown[]).map((l) => String(l))
        : e.message.split('\n');
      diffs.set(subject, lines);
    }
    if (options.output === 'json') {
      err.write(JSON.stringify(e) + '\n');
      return;
    }
    if (e.code === 'deploy.deployments') {
      const key = subject ?? '?';
      const rows = rowsOf(e.data);
      tables.set(key, rows);
      const state = strategyLine(e.data);
      if (state) states.set(key, state);
      else states.delete(key);
      if (tty) {
        eraseLive();
        drawLive();
        return;
      }
      const one = new Map([[key, rows]]);
      const text = [...deploymentTable(one), ...(state ? [state] : [])].join('\n');
      if (printed.get(key) === text) return;
      printed.set(key, text);
      const stamp = e.time.slice(0, 19) + 'Z';
      for (const line of text.split('\n')) err.write(`${stamp} [${key}] ${line}\n`);
      return;
    }
    // The engine prefixes messages with `[service] `; CI lines carry the name in a fixed place.
    const prefix = subject ? `[${subject}] ` : '';
    const message = prefix && e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
    const lines = message.split('\n');
    if (tty) {
      if (prefix && lines[0] !== undefined) lines[0] = prefix + lines[0];
      eraseLive();
      for (const line of lines) err.write(paint(line, e.level) + '\n');
      drawLive();
      return;
    }
    // CI: every line stands alone in a log, so each carries the time and the service.
    const stamp = e.time.slice(0, 19) + 'Z';
    const who = subject ? ` [${subject}]` : '';
    const level = e.level === 'info' ? '' : ` ${e.level}:`;
    for (const line of lines) err.write(`${stamp}${who}${level} ${line}\n`);
  };

  const summaryLine = (r: ServiceDeployResult): string => {
    const facts: string[] = [];
    if (r.taskDefinitionArn) facts.push(`revision ${shortRevision(r.taskDefinitionArn)}`);
    if (r.runningTaskDefinitionArn) facts.push(`runs ${shortRevision(r.runningTaskDefinitionArn)}`);
    // The engine's message may start with the service's name; the line already does.
    const message = r.message.startsWith(`${r.name}: `) ? r.message.slice(r.name.length + 2) : r.message;
    return `${r.name}: ${r.outcome}${facts.length ? ` (${facts.join(', ')})` : ''} - ${message}`;
  };

  return {
    emit,
    close() {
      closed = true;
    },
    formatResult(result) {
      if (options.output === 'json') return JSON.stringify(result) + '\n';
      const out: string[] = [];
      for (const r of result.results) {
        const diff = diffs.get(r.name);
        if (r.outcome === 'previewed' && diff) out.push(...diff);
        out.push(summaryLine(r));
      }
      return out.join('\n') + '\n';
    },
  };
}
