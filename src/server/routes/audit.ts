/**
 * The audit log of a space, read-only: the API lists it and never changes it (there is no POST,
 * PATCH or DELETE here on purpose — a log that its readers can edit proves nothing).
 */
import { z } from 'zod';
import { AUDIT_ACTIONS, auditQuerySchema, type AuditEvent } from '../../core/model/audit.js';
import { listAuditEvents } from '../../store/audit.js';
import { spacesRepository } from '../../store/spaces.js';
import type { ServerDeps } from '../deps.js';
import { param, type NamedSchema, type RouteSpec } from '../route.js';

/** An audit event as the API returns it. */
const auditEventSchema = z.object({
  id: z.string(),
  spaceId: z.string().nullable(),
  actor: z.string().meta({ description: 'Who made the change (a user name, or `system`).' }),
  sourceIp: z.string().nullable().meta({ description: 'The client address, when it came over the network.' }),
  occurredAt: z.iso.datetime(),
  action: z.enum(AUDIT_ACTIONS),
  entityType: z.string(),
  entityId: z.string(),
  before: z
    .unknown()
    .meta({ description: 'The entity before the change; null on create. Secrets redacted.' }),
  after: z.unknown().meta({ description: 'The entity after the change; null on delete. Secrets redacted.' }),
});

type AuditEventJson = z.output<typeof auditEventSchema>;

// Typed against the schema, so the document and the wire cannot disagree on fields.
function toJson(e: AuditEvent): AuditEventJson {
  return {
    id: e.id,
    spaceId: e.spaceId,
    actor: e.actor,
    sourceIp: e.sourceIp,
    occurredAt: e.occurredAt.toISOString(),
    // Rows are only written by recordAudit, whose action type is this enum.
    action: e.action as AuditEventJson['action'],
    entityType: e.entityType,
    entityId: e.entityId,
    before: e.before,
    after: e.after,
  };
}

const PAGE: NamedSchema = {
  name: 'AuditEventPage',
  schema: z.object({
    items: z.array(auditEventSchema),
    nextCursor: z
      .string()
      .optional()
      .meta({ description: 'Pass as `cursor` for the next (older) page; absent on the last page.' }),
  }),
};

/** GET /api/spaces/{space}/audit-events. */
export function auditRoutes(deps: ServerDeps): RouteSpec[] {
  const spaces = spacesRepository(deps.store.db);
  return [
    {
      method: 'GET',
      path: '/api/spaces/{space}/audit-events',
      operationId: 'listAuditEvents',
      summary: 'One page of the space’s audit events, newest first, optionally filtered.',
      tag: 'audit',
      params: { space: 'The space, by id (`Spaces-1`) or name (`Default`, ignoring case).' },
      query: auditQuerySchema,
      auth: { permission: 'audit.view' },
      responses: {
        200: { description: 'A page; follow `nextCursor` for older events.', body: PAGE },
        400: { description: 'A bad query parameter (named in the message).' },
        404: { description: 'No such space.' },
      },
      handler: async (request) => {
        const space = await spaces.get(param(request, 'space'));
        const page = await listAuditEvents(deps.store.db, space.id, request.query);
        return {
          items: page.items.map(toJson),
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        };
      },
    },
  ];
}
