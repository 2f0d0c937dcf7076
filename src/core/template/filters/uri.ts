/** UriPart: a named part of an absolute URI, as .NET's System.Uri exposes it. */
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

export const URI_FILTERS: Record<string, FilterDefinition> = {
  uripart: withValue((value, options) =>
    options.length === 1 ? uriParts(value)?.[options[0]!.toLowerCase()] : undefined,
  ),
};
