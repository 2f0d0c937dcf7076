/**
 * Masking benchmark (issue 4). Not a test: prints its figures and the ratio to the anchor.
 * 1,000 random secrets (8–40 characters) and ~50 MB of log-like text with secrets embedded raw,
 * JSON-escaped, URL-encoded and base64-encoded. Measures mask() on the whole text and the stream
 * masker fed 64 KiB chunks, against a plain copy of the same chunks (collect + join) and a loop that
 * only reads every character (the floor for any scan in JavaScript); and, for linearity, a text built
 * to defeat filter-and-verify scanners.
 * Anchor: ≥ 100 MB/s for both (MB = 10^6 characters; the text is ASCII, so also bytes).
 * Run: npm run bench:mask
 */
import { createMasker, maskPatterns, MASK } from '../src/core/variables/mask.js';
import { prng } from '../test/helpers/prng.js';

const SECRETS = 1000;
const TEXT_MB = 50;
const CHUNK = 64 * 1024;
const ANCHOR_MBPS = 100;
const ROUNDS = 5;

const rnd = prng(42);
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/=!@#%&:';
const word = (lo: number, hi: number, alphabet = SECRET_CHARS): string => {
  let s = '';
  for (let n = int(lo, hi); n > 0; n--) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return s;
};

const secrets = Array.from({ length: SECRETS }, () => word(8, 40));
const ENCODE: ((s: string) => string)[] = [
  (s) => s,
  (s) => JSON.stringify(s).slice(1, -1),
  (s) => encodeURIComponent(s),
  (s) => Buffer.from(`user:${s}`).toString('base64'),
];
const SERVICES = ['api', 'worker', 'billing', 'auth', 'web'];
const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
const PATHS = ['/v1/orders', '/v1/users/me', '/healthz', '/v2/invoices?page=2', '/login'];

function logLine(i: number): string {
  const ts = new Date(1718100000000 + i * 37).toISOString();
  let line = `${ts} ${pick(LEVELS)} [${pick(SERVICES)}] req=${word(12, 12, '0123456789abcdef')} ${pick(PATHS)} status=${pick([200, 200, 201, 404, 500])} duration=${int(1, 900)}ms`;
  if (rnd() < 0.01) line += ` config=${pick(ENCODE)(pick(secrets))}`;
  else
    line += ` msg="${word(3, 10, 'abcdefghijklmnopqrstuvwxyz ')} ${word(3, 10, 'abcdefghijklmnopqrstuvwxyz')}"`;
  return `${line}\n`;
}

// The text, as the 64 KiB chunks a log stream would deliver, and whole.
const parts: string[] = [];
let size = 0;
for (let i = 0; size < TEXT_MB * 1e6; i++) {
  const line = logLine(i);
  parts.push(line);
  size += line.length;
}
const text = parts.join('');
const chunks: string[] = [];
for (let i = 0; i < text.length; i += CHUNK) chunks.push(text.slice(i, i + CHUNK));
// Flatten every string up front so no run pays for it.
let checksum = 0;
for (const c of [text, ...chunks]) checksum += c.charCodeAt(c.length - 1);

const mb = text.length / 1e6;
const best = (f: () => void): number => {
  let min = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return min / 1000;
};

const t0 = performance.now();
const masker = createMasker(secrets);
const buildMs = performance.now() - t0;
const patterns = maskPatterns(secrets);

let wholeOut = '';
const wholeS = best(() => {
  wholeOut = masker.mask(text);
  checksum += wholeOut.charCodeAt(wholeOut.length - 1);
});
let streamOut = '';
const streamS = best(() => {
  const stream = masker.stream();
  const out: string[] = [];
  for (const c of chunks) out.push(stream.push(c));
  out.push(stream.end());
  streamOut = out.join('');
});
// The floor of any scan in JavaScript: reading each code unit once.
const readS = best(() => {
  let x = 0;
  for (let i = 0; i < text.length; i++) x += text.charCodeAt(i);
  checksum += x;
});
const copyS = best(() => {
  const out: string[] = [];
  for (const c of chunks) out.push(c);
  checksum += out.join('').length;
});

// Worst case for a filter-and-verify scan: every position starts a near-miss of every pattern.
const adversarialSecrets = Array.from({ length: 60 }, (_, i) => `${'a'.repeat(i + 4)}b`);
const adversarial = 'a'.repeat(10_000_000);
const adversarialMasker = createMasker(adversarialSecrets);
const adversarialS = best(() => {
  checksum += adversarialMasker.mask(adversarial).length;
});

if (streamOut !== wholeOut) throw new Error('stream output differs from mask()');
const masks = wholeOut.split(MASK).length - 1;
const rate = (s: number, size = mb): string => `${(size / s).toFixed(0)} MB/s`;
console.log(
  `masking: ${SECRETS} secrets → ${patterns.length} patterns (longest ${Math.max(...patterns.map((p) => p.length))}), built in ${buildMs.toFixed(0)} ms`,
);
console.log(`text: ${mb.toFixed(1)} MB, ${chunks.length} chunks of 64 KiB, ${masks} secrets masked`);
console.log(`plain copy (collect + join)   ${rate(copyS)}`);
console.log(`read every char (charCodeAt) ${rate(readS)}`);
console.log(
  `mask() whole text            ${rate(wholeS)}  (${(wholeS / copyS).toFixed(1)}× the copy time; anchor ${ANCHOR_MBPS} MB/s: ratio ${(ANCHOR_MBPS / (mb / wholeS)).toFixed(2)})`,
);
console.log(
  `stream, 64 KiB chunks        ${rate(streamS)}  (${(streamS / copyS).toFixed(1)}× the copy time; anchor ${ANCHOR_MBPS} MB/s: ratio ${(ANCHOR_MBPS / (mb / streamS)).toFixed(2)})`,
);
console.log(
  `adversarial: 10 MB of "a", secrets a{4..63}b   ${rate(adversarialS, adversarial.length / 1e6)}  (linear: no re-scan per position)`,
);
console.log(`ratio ≤ 1 meets the anchor (best of ${ROUNDS} runs each; checksum ${checksum})`);
