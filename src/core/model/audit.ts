/** The audit log as the API and store read it: the list query (filters + keyset pagination) and an event. */
import { z } from 'zod';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './page.js';
import { unknownFields } from './parse.js';

/** What an audit event records was done to its entity. */
export const AUDIT_ACTIONS = ['create', 'update', 'delete'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

function filter(what: string) {
  return z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty` })
    .optional();
}

// An offset is required so that a time means one instant, whatever the server's time zone.
function instant(what: string) {
  return z.iso
    .datetime({
      offset: true,
      error: `${what} must be an ISO 8601 time with a zone, e.g. 2026-01-02T03:04:05Z`,
    })
    .optional();
}

/**
 * Filters (all optional, combined with AND), the window `from` (inclusive) .. `to` (exclusive),
 * and the page: `limit` (1..500, default 50) and the opaque `cursor` of the previous page.
 */
export const auditQuerySchema = z
  .strictObject(
    {
      limit: z.coerce
        .number({ error: 'limit must be a number' })
        .int({ error: 'limit must be a whole number' })
        .min(1, { error: 'limit must be at least 1' })
        .max(MAX_PAGE_LIMIT, { error: `limit must be at most ${MAX_PAGE_LIMIT}` })
        .default(DEFAULT_PAGE_LIMIT),
      cursor: filter('cursor'),
      entityType: filter('entityType').meta({ description: 'e.g. `environment`.' }),
      entityId: filter('entityId'),
      actor: filter('actor').meta({ description: 'Who made the change, exactly as recorded.' }),
      action: z
        .enum(AUDIT_ACTIONS, { error: `action must be one of ${AUDIT_ACTIONS.join(', ')}` })
        .optional(),
      from: instant('from').meta({ description: 'Events at or after this time.' }),
      to: instant('to').meta({ description: 'Events before this time.' }),
    },
    { error: unknownFields('an audit query') },
  )
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), {
    error: 'to must be later than from',
    path: ['to'],
  });

/** An audit query as callers write it (every field optional). */
export type AuditQueryInput = z.input<typeof auditQuerySchema>;
/** An audit query after validation (limit filled in). */
export type AuditQuery = z.output<typeof auditQuerySchema>;

/** One recorded change. `before` is null on create, `after` on delete; secrets are already redacted. */
export interface AuditEvent {
  id: string;
  spaceId: string | null;
  actor: string;
  sourceIp: string | null;
  occurredAt: Date;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}
