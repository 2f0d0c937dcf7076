/** Renders events for a terminal: progress goes to stderr, coloured only on a TTY. */
import type { EventSink, SlipwayEvent } from '../core/events.js';

const COLOURS: Record<SlipwayEvent['level'], string> = {
  debug: '\x1b[2m',
  info: '',
  warn: '\x1b[33m',
  error: '\x1b[31m',
};

/** A sink writing one line per event; `json` writes NDJSON instead. */
export function stderrSink(options: { json?: boolean; verbose?: boolean } = {}): EventSink {
  const tty = process.stderr.isTTY === true && !process.env.NO_COLOR;
  return (e) => {
    if (e.level === 'debug' && !options.verbose) return;
    if (options.json) {
      process.stderr.write(JSON.stringify(e) + '\n');
      return;
    }
    const colour = tty ? COLOURS[e.level] : '';
    process.stderr.write(`${colour}${e.message}${colour ? '\x1b[0m' : ''}\n`);
  };
}
