/**
 * The web UI (web/, built into web/dist by `npm run build`) served at `/` beside the API. Its files
 * need no key: the app holds no data, and everything it shows comes from the API, which checks
 * the caller on every request. A GET for a path the API does not own and no file matches (a deep
 * link such as /spaces/Default/projects/hello) answers index.html, so the app's router draws it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the UI, relative to the package's root. */
export const DEFAULT_WEB_ROOT = resolve(import.meta.dirname, '../../web/dist');

// Pages run only our own scripts and talk only to this origin. CodeMirror sets inline styles.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every UI answer carries: no framing, no sniffing, our own scripts only. */
function securityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
}

/** Whether `url` belongs to the API (where an unknown route still needs a key). */
export function isApiUrl(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path === '/api' || path.startsWith('/api/');
}

/** Whether `request` is one the UI answers with index.html (a GET for a page, not for the API). */
export function isUiPageRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  if (isApiUrl(path) || path.startsWith('/_')) return false;
  if (path.startsWith('/assets/')) return false; // a missing asset is a 404, not the app
  return true;
}

/** Answers a deep link with the app's index.html (or, without a build, how to build it). */
export type UiPage = (reply: FastifyReply) => Promise<FastifyReply>;

/**
 * Serves the UI from `root` (default web/dist) when it has been built.
 * Without a build the server runs API-only and `/` says how to build the UI. Answers what sends a page.
 */
export function registerWebUi(app: FastifyInstance, root: string = DEFAULT_WEB_ROOT): UiPage {
  const index = join(root, 'index.html');
  const built = existsSync(index);
  void app.register(async (ui) => {
    // Static files need no key (see above): mark every route this plugin adds.
    ui.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), auth: 'none' };
    });
    ui.addHook('onSend', async (_request, reply) => {
      securityHeaders(reply);
    });
    if (built) {
      await ui.register(fastifyStatic, {
        root,
        wildcard: false,
        index: false,
        // Built assets carry a content hash in their names: cache them for good.
        setHeaders: (reply, path) => {
          if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
        },
      });
    }
  });
  let html: Promise<string> | undefined;
  return async (reply) => {
    securityHeaders(reply);
    reply.header('cache-control', 'no-cache');
    if (built) {
      html ??= readFile(index, 'utf8');
      return reply.type('text/html; charset=utf-8').send(await html);
    }
    return reply
      .status(404)
      .type('text/plain; charset=utf-8')
      .send(
        'The web UI is not built on this server. Run "npm run build" in the Slipway checkout ' +
          '(it builds web/ into web/dist), then restart the server. The API is at /api (see /api/docs).',
      );
  };
}
