/**
 * Names in the user's words: projects, environments and tenants given by name (or id) become ids
 * for the API's filters, and ids in answers become names for the progress lines. Each is asked once.
 */
import { SlipwayError } from '../../core/errors.js';
import type { ApiClient } from '../api-client.js';
import { namedSchema, releaseSchema, type ReleaseView } from './schemas.js';

/** An id with its name. */
export interface Named {
  id: string;
  name: string;
}

type Kind = 'projects' | 'environments' | 'tenants';

const WHAT: Record<Kind, string> = { projects: 'project', environments: 'environment', tenants: 'tenant' };

/** Looks names up through `client` and remembers them. */
export class Names {
  readonly #client: ApiClient;
  readonly #byName = new Map<string, Promise<Named>>();
  readonly #releases = new Map<string, Promise<ReleaseView>>();

  constructor(client: ApiClient) {
    this.#client = client;
  }

  /** The project with this name or id (NOT_FOUND names it). */
  project(nameOrId: string): Promise<Named> {
    return this.#find('projects', nameOrId);
  }

  /** The environment with this name or id. */
  environment(nameOrId: string): Promise<Named> {
    return this.#find('environments', nameOrId);
  }

  /** The name of a project, environment or tenant id (the id itself when it cannot be read). */
  async nameOf(kind: Kind, id: string): Promise<string> {
    try {
      return (await this.#find(kind, id, true)).name;
    } catch {
      return id;
    }
  }

  /** A release by id. */
  release(id: string): Promise<ReleaseView> {
    let r = this.#releases.get(id);
    if (r === undefined) {
      r = this.#client.get(this.#client.spacePath('releases', id), releaseSchema);
      this.#releases.set(id, r);
    }
    return r;
  }

  #find(kind: Kind, nameOrId: string, idFirst = false): Promise<Named> {
    const key = `${kind}:${nameOrId.toLowerCase()}`;
    let p = this.#byName.get(key);
    if (p === undefined) {
      p = idFirst
        ? this.#byId(kind, nameOrId).catch(() => this.#lookUp(kind, nameOrId))
        : this.#lookUp(kind, nameOrId);
      this.#byName.set(key, p);
      // A failed look-up is not remembered: the next caller asks again.
      p.catch(() => this.#byName.delete(key));
    }
    return p;
  }

  async #byId(kind: Kind, id: string): Promise<Named> {
    const one = await this.#client.get(`${this.#client.spacePath(kind, id)}`, namedSchema);
    return { id: one.id, name: one.name };
  }

  async #lookUp(kind: Kind, nameOrId: string): Promise<Named> {
    const path = this.#client.spacePath(kind);
    // Names first: the list's `name` filter is a substring match, so the exact one is picked here.
    const matches = await this.#client.list(path, namedSchema, { name: nameOrId });
    const exact = matches.find((m) => m.name.toLowerCase() === nameOrId.toLowerCase());
    if (exact) return { id: exact.id, name: exact.name };
    try {
      return await this.#byId(kind, nameOrId);
    } catch (e) {
      if (e instanceof SlipwayError && e.code === 'NOT_FOUND') {
        throw new SlipwayError(
          'NOT_FOUND',
          `There is no ${WHAT[kind]} "${nameOrId}" in space ${this.#client.space}; check the name ` +
            `(GET ${path} lists them).`,
          { cause: e },
        );
      }
      throw e;
    }
  }
}
