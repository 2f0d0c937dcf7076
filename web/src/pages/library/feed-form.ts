/**
 * The feed editor's form and document. A Docker feed's password is write-only: the API reads it as
 * `{ set }`; the form keeps it (sends `{ set: true }` back), replaces it (a string) or clears it (null).
 */
import type { FeedJson } from './types.js';

/** What to do with a stored password. */
export type PasswordAction = 'keep' | 'replace' | 'clear';

/** The feed being edited (fields of both types; the type decides which are sent). */
export interface FeedForm {
  name: string;
  description: string;
  type: 'docker' | 'ecr';
  url: string;
  username: string;
  password: string;
  passwordAction: PasswordAction;
  /** Whether a password is stored now (as read). */
  passwordSet: boolean;
  region: string;
  awsAccount: string;
}

/** The document a POST or PUT of a feed takes. */
export type FeedDocument =
  | {
      name: string;
      description: string;
      type: 'docker';
      url: string;
      username?: string;
      password?: string | null | { set: true };
    }
  | { name: string; description: string; type: 'ecr'; region: string; awsAccount?: string };

/** An empty feed form (a new Docker registry). */
export function emptyFeedForm(): FeedForm {
  return {
    name: '',
    description: '',
    type: 'docker',
    url: '',
    username: '',
    password: '',
    passwordAction: 'replace',
    passwordSet: false,
    region: 'us-east-1',
    awsAccount: '',
  };
}

/** The form for a feed as read. */
export function feedToForm(f: FeedJson): FeedForm {
  const form = { ...emptyFeedForm(), name: f.name, description: f.description, type: f.type };
  if (f.type === 'docker') {
    const set = f.password?.set === true;
    return {
      ...form,
      url: f.url,
      username: f.username ?? '',
      passwordSet: set,
      passwordAction: set ? 'keep' : 'replace',
    };
  }
  return { ...form, region: f.region, awsAccount: f.awsAccount ?? '' };
}

/** The document for a form. */
export function formToFeed(f: FeedForm): FeedDocument {
  const common = { name: f.name.trim(), description: f.description };
  if (f.type === 'ecr') {
    return {
      ...common,
      type: 'ecr',
      region: f.region.trim(),
      ...(f.awsAccount === '' ? {} : { awsAccount: f.awsAccount }),
    };
  }
  const username = f.username.trim();
  let password: string | null | { set: true } | undefined;
  if (f.passwordAction === 'keep') password = f.passwordSet ? { set: true } : undefined;
  else if (f.passwordAction === 'clear') password = f.passwordSet ? null : undefined;
  else password = f.password === '' ? (f.passwordSet ? { set: true } : undefined) : f.password;
  return {
    ...common,
    type: 'docker',
    url: f.url.trim(),
    ...(username === '' ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

/** Where a feed reads from, in words: the registry URL, or ECR's region (and account). */
export function feedSource(f: FeedJson, accountName?: string): string {
  if (f.type === 'docker') return f.url;
  return `Amazon ECR in ${f.region}${accountName ? ` (${accountName})` : ' (the server’s own AWS credentials)'}`;
}
