/**
 * UriPart: a named part of an absolute URI, as .NET's System.Uri exposes it. Used wrongly, it renders
 * Octopus's inline error text instead of failing: `[UriPart error: no argument given]`,
 * `[UriPart bar error: argument 'bar' not supported]`, and for a relative URI
 * `[UriPart Host error: This operation is not supported for a relative URI.]`.
 */
import type { FilterDefinition } from './types.js';
import { withValue } from './util.js';

const DEFAULT_PORTS: Record<string, number> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  ftp: 21,
  gopher: 70,
  ldap: 389,
  nntp: 119,
  telnet: 23,
  news: -1,
  mailto: 25,
  file: -1,
};

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function hostType(host: string): string {
  if (host.startsWith('[')) return 'IPv6';
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) return 'IPv4';
  if (host === '') return 'Basic';
  return /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?$/i.test(host) ? 'Dns' : 'Basic';
}

/** The parts UriPart knows, by lower-case name; undefined for a relative or unparsable URI. */
export function uriParts(text: string): Record<string, string> | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  const scheme = url.protocol.replace(/:$/, '');
  const host = url.hostname;
  const defaultPort = DEFAULT_PORTS[scheme] ?? -1;
  const port = url.port === '' ? defaultPort : Number(url.port);
  const isDefaultPort = port === defaultPort;
  const withPort = isDefaultPort ? host : `${host}:${port}`;
  const absolutePath = url.pathname === '' ? '/' : url.pathname;
  const userInfo = url.username + (url.password ? `:${url.password}` : '');
  const authority = host === '' ? '' : withPort;
  const loopback = host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  return {
    absolutepath: absolutePath,
    absoluteuri: url.href,
    authority,
    dnssafehost: host.replace(/^\[(.*)\]$/, '$1'),
    fragment: url.hash,
    host,
    hostandport: host === '' ? '' : `${host}:${port}`,
    hostnametype: hostType(host),
    isabsoluteuri: 'true',
    isdefaultport: String(isDefaultPort),
    isfile: String(scheme === 'file'),
    isloopback: String(loopback),
    isunc: String(scheme === 'file' && host !== ''),
    path: decode(absolutePath),
    pathandquery: absolutePath + url.search,
    port: String(port),
    query: url.search,
    scheme,
    schemeandserver: `${scheme}://${authority}`,
    userinfo: userInfo,
  };
}

const PART_NAMES = new Set(Object.keys(uriParts('http://x/') ?? {}));

/** .NET's message for any part of a relative URI but IsAbsoluteUri. */
const RELATIVE = 'This operation is not supported for a relative URI.';

/** A scheme followed by `//`: an absolute URI that .NET, like URL, cannot read (it is then left as it is). */
const ABSOLUTE_SHAPE = /^\s*[a-z][a-z0-9+.-]*:\/\//i;

function uriPart(value: string, options: string[]): string | undefined {
  if (options.length === 0) return '[UriPart error: no argument given]';
  if (options.length > 1) return undefined;
  const option = options[0]!;
  const parts = uriParts(value);
  if (parts === undefined && ABSOLUTE_SHAPE.test(value)) return value;
  const name = option.toLowerCase();
  if (!PART_NAMES.has(name)) return `[UriPart ${option} error: argument '${option}' not supported]`;
  if (parts) return parts[name];
  return name === 'isabsoluteuri' ? 'false' : `[UriPart ${option} error: ${RELATIVE}]`;
}

export const URI_FILTERS: Record<string, FilterDefinition> = {
  uripart: withValue(uriPart),
};
