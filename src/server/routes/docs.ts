/** GET /api/docs: the browsable API documentation (docs-page.ts), open like the document it reads. */
import type { RouteSpec } from '../route.js';
import { DOCS_CSP, DOCS_PAGE } from './docs-page.js';

/** The route serving the documentation page. */
export function docsRoutes(): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/api/docs',
      operationId: 'getApiDocs',
      summary: 'This documentation as a web page (it reads /api/openapi.json).',
      tag: 'meta',
      auth: 'none',
      responses: { 200: { description: 'An HTML page.' } },
      handler: async (_request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', DOCS_CSP)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'no-cache')
          .send(DOCS_PAGE),
    },
  ];
}
