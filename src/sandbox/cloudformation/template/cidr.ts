/**
 * Fn::Cidr: `count` consecutive subnets of `cidrBits` host bits each, carved from the start of
 * an IPv4 or IPv6 block (real address arithmetic, BigInt so that IPv6 fits).
 */
import { fail } from './errors.js';

// (unverified) wording; AWS's own text for these cases was not found.
const USAGE =
  'Template error: Fn::Cidr requires an ipBlock (a CIDR such as 10.0.0.0/16), a count from 1 to 256 and a cidrBits no larger than the host bits of the ipBlock';

function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) return undefined;
  return octets.reduce((n, o) => (n << 8n) | BigInt(o), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function formatIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 255n)).join('.');
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(n: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((n >> shift) & 0xffffn));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

function integer(value: unknown): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n)) fail(USAGE);
  return n;
}

/** The subnets of Fn::Cidr [ipBlock, count, cidrBits]. */
export function cidr(ipBlock: unknown, countArg: unknown, cidrBitsArg: unknown): string[] {
  if (typeof ipBlock !== 'string') return fail(USAGE);
  const [address = '', prefixText = ''] = ipBlock.split('/');
  const v6 = address.includes(':');
  const width = v6 ? 128 : 32;
  const base = v6 ? parseIpv6(address) : parseIpv4(address);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (base === undefined || !(prefix >= 0 && prefix <= width)) return fail(USAGE);
  const count = integer(countArg);
  const cidrBits = integer(cidrBitsArg);
  const subnetPrefix = width - cidrBits;
  if (count < 1 || count > 256 || cidrBits < 1 || subnetPrefix < prefix) return fail(USAGE);
  if (BigInt(count) > 1n << BigInt(subnetPrefix - prefix)) return fail(USAGE);
  const hostMask = (1n << BigInt(width - prefix)) - 1n;
  const network = base & ~hostMask;
  const step = 1n << BigInt(cidrBits);
  const format = v6 ? formatIpv6 : formatIpv4;
  return Array.from({ length: count }, (_, i) => `${format(network + BigInt(i) * step)}/${subnetPrefix}`);
}
