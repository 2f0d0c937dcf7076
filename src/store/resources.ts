/**
 * The repository of resource documents (every kind in core/model/kinds), generic over the kind's
 * description: validated input, references checked and rewritten to ids, secret fields encrypted
 * into resource_secrets, names unique per space (and parent) ignoring case, keyset pagination,
 * optimistic concurrency on `version`, deletes refused while something refers to the resource,
 * and an audit row with every change, in the same transaction.
 */
import type { Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { Page } from '../core/model/page.js';
import type { Resource, ResourceKind } from '../core/model/resource.js';
import type { Actor } from './audit.js';
import type { SecretBox } from './secrets.js';
import type { Database } from './types.js';

/** The result of a replace: the resource (as it is now, or would be for a dry run) and what changed. */
export interface ReplaceResult {
  resource: Resource;
  /** False when the document equals the stored one (then nothing is written, the version stays). */
  changed: boolean;
  /** Top-level fields that differ (secret fields included, by comparing decrypted values). */
  changedFields: string[];
}

/** List options beyond the query string. */
export interface ListOptions {
  /** The parent project, for channels. */
  parentId?: string;
  /** Only these ids (permission filtering); undefined = all. */
  ids?: ReadonlySet<string>;
}

function notBuilt(): never {
  throw new SlipwayError('NOT_IMPLEMENTED', 'The resources repository is not built yet.');
}

/** The repository for `kind` over `db`; `secrets` encrypts and decrypts its secret fields. */
export function resourcesRepository(db: Kysely<Database>, secrets: SecretBox, kind: ResourceKind) {
  void db;
  void secrets;
  void kind;
  return {
    /** Creates a resource (under `parentId` for nested kinds); ALREADY_EXISTS on a taken name. */
    async create(spaceId: string, input: unknown, by: Actor, parentId?: string): Promise<Resource> {
      void [spaceId, input, by, parentId];
      return notBuilt();
    },
    /** The resource with this id; NOT_FOUND when there is none of this kind in the space. */
    async get(spaceId: string, id: string): Promise<Resource> {
      void [spaceId, id];
      return notBuilt();
    },
    /** The resource with this id or name (ignoring case), or undefined. */
    async find(spaceId: string, idOrName: string, parentId?: string): Promise<Resource | undefined> {
      void [spaceId, idOrName, parentId];
      return notBuilt();
    },
    /** The singleton child of `parentId` (process). */
    async getSingleton(spaceId: string, parentId: string): Promise<Resource> {
      void [spaceId, parentId];
      return notBuilt();
    },
    /** One page in name order; query: limit, cursor, name (substring) and the kind's listFilters. */
    async list(spaceId: string, query: unknown, options?: ListOptions): Promise<Page<Resource>> {
      void [spaceId, query, options];
      return notBuilt();
    },
    /**
     * Replaces the document if the resource is still at `expectedVersion` (else CONFLICT). Unchanged
     * documents are not written. With `dryRun`, validates and compares without writing.
     */
    async replace(
      spaceId: string,
      id: string,
      input: unknown,
      expectedVersion: number | undefined,
      by: Actor,
      options?: { dryRun?: boolean },
    ): Promise<ReplaceResult> {
      void [spaceId, id, input, expectedVersion, by, options];
      return notBuilt();
    },
    /** Deletes the resource and its children; IN_USE naming the users when something refers to it. */
    async delete(spaceId: string, id: string, by: Actor, expectedVersion?: number): Promise<void> {
      void [spaceId, id, by, expectedVersion];
      return notBuilt();
    },
    /** The decrypted secret fields of a resource, by dotted path (for the deployment engine; never the API). */
    async revealSecrets(spaceId: string, id: string): Promise<Record<string, string>> {
      void [spaceId, id];
      return notBuilt();
    },
  };
}

/** A resources repository's type. */
export type ResourcesRepository = ReturnType<typeof resourcesRepository>;
