/** Pieces several step actions share: package references, container names, environment variables and files. */
import { z } from 'zod';
import { looksLikeRegistry, MAX_NAME_LENGTH, pathComponentProblem } from '../../images/grammar.js';
import { nameSchema, unknownFields } from '../parse.js';
import { ARN_PARTITION } from './aws.js';
import { checkNoDuplicates, patternOrTemplateSchema, refSchema, textSchema } from './common.js';

/** The image repository inside the feed's registry: `team/app`, no registry host, tag or digest. */
export const imageRepositorySchema = z
  .string({ error: 'image must be a string' })
  .superRefine((image, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (image === '') return fail('image must not be empty');
    if (image.length > MAX_NAME_LENGTH) return fail(`image must be at most ${MAX_NAME_LENGTH} characters`);
    if (image.includes('@'))
      return fail('image is a repository without a digest (the version comes from the feed)');
    const components = image.split('/');
    if (components.some((c) => c.includes(':'))) {
      return fail('image is a repository without a tag or registry port (the version comes from the feed)');
    }
    if (components.length > 1 && looksLikeRegistry(components[0] ?? '')) {
      return fail(`image is a repository inside the feed's registry: leave out "${components[0]}/"`);
    }
    for (const c of components) {
      const problem = pathComponentProblem(c);
      if (problem !== undefined) return fail(`image is not a valid repository: ${problem}`);
    }
  });

/**
 * A package reference: its name in the step (used as `Octopus.Action.Package[name]`), the feed and
 * the image repository whose tags are the versions.
 */
export const packageReferenceSchema = z.strictObject(
  {
    name: nameSchema('name', 100).refine((s) => !/[[\]]/.test(s), {
      error: 'name must not contain "[" or "]"',
    }),
    feed: refSchema('feed'),
    image: imageRepositorySchema,
  },
  { error: unknownFields('a package reference') },
);

/** An action's package references, default [], names unique ignoring case. */
export const packagesSchema = z
  .array(packageReferenceSchema, { error: 'packages must be a list of {"name", "feed", "image"}' })
  .superRefine((refs, ctx) =>
    checkNoDuplicates(
      refs.map((r) => r.name),
      ctx,
      (i) => [i, 'name'],
      'package reference',
    ),
  )
  .default([]);

/** A package reference after validation. */
export type PackageReference = z.output<typeof packageReferenceSchema>;

/** True when `name` names one of `packages` (ignoring case, as Octopus.Action.Package[...] does). */
export function hasPackage(packages: readonly PackageReference[], name: string): boolean {
  const key = name.toLowerCase();
  return packages.some((p) => p.name.toLowerCase() === key);
}

/** An ECS container name: 1..255 letters, digits, "-" and "_". */
export function containerNameSchema(what = 'name') {
  return z
    .string({ error: `${what} must be a string` })
    .regex(/^[A-Za-z0-9_-]{1,255}$/, { error: `${what} must be 1 to 255 letters, digits, "-" or "_"` });
}

/** An environment variable of a container; both may contain `#{...}`. */
export const environmentVariableSchema = z.strictObject(
  {
    name: z
      .string({ error: 'name must be a string' })
      .min(1, { error: 'name must not be empty', abort: true })
      .max(255, { error: 'name must be at most 255 characters', abort: true })
      .regex(/^[^=\s]+$/, { error: 'name must not contain "=" or whitespace' }),
    value: textSchema('value', 100_000),
  },
  { error: unknownFields('an environment variable (write {"name", "value"})') },
);

/** A list of environment variables, default [], names unique (case-sensitive, as in a process environment). */
export const environmentListSchema = z
  .array(environmentVariableSchema, { error: 'environment must be a list of {"name", "value"}' })
  .superRefine((vars, ctx) => {
    const seen = new Set<string>();
    vars.forEach((v, i) => {
      if (seen.has(v.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${v.name}" is set twice` });
      seen.add(v.name);
    });
  })
  .default([]);

const S3_ENV_FILE = new RegExp(`^${ARN_PARTITION}:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+\\.env$`);

/** An environment file: the ARN of an S3 object with the ".env" extension (ECS loads it into the container). */
export const environmentFileSchema = z.strictObject(
  {
    value: patternOrTemplateSchema(
      'value',
      S3_ENV_FILE,
      'the ARN of an S3 object ending in .env, e.g. arn:aws:s3:::my-bucket/app/prod.env',
    ),
  },
  { error: unknownFields('an environment file (write {"value": "arn:aws:s3:::bucket/key.env"})') },
);

/** A list of environment files, default [] (ECS allows at most 10 per container). */
export const environmentFileListSchema = z
  .array(environmentFileSchema, { error: 'environmentFiles must be a list of {"value"}' })
  .max(10, { error: 'a container takes at most 10 environment files' })
  .default([]);

/**
 * Where ECS reads a secret from: a Secrets Manager secret ARN (optionally followed by
 * `:json-key:version-stage:version-id`, any part empty), an SSM parameter ARN, or the name of a
 * parameter in the task's own region.
 */
export const SECRET_VALUE_FROM = new RegExp(
  `^(?:${ARN_PARTITION}:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[^:]+(?::[^:]*){0,3}` +
    `|${ARN_PARTITION}:ssm:[a-z0-9-]+:\\d{12}:parameter/.+` +
    '|[a-zA-Z0-9_.\\-/]{1,2048})$',
);

/** A container secret: an environment variable whose value ECS reads at task start from `valueFrom`. */
export const secretEntrySchema = z.strictObject(
  {
    name: environmentVariableSchema.shape.name,
    valueFrom: patternOrTemplateSchema(
      'valueFrom',
      SECRET_VALUE_FROM,
      'a Secrets Manager secret ARN (optionally with :json-key:version-stage:version-id), an SSM parameter ARN, or a parameter name',
    ),
  },
  { error: unknownFields('a secret (write {"name", "valueFrom"})') },
);

/** A container's secrets, names unique, at most 1,000 (no default: add `.default([])` or `.optional()`). */
export const secretListSchema = z
  .array(secretEntrySchema, { error: 'secrets must be a list of {"name", "valueFrom"}' })
  .max(1000, { error: 'a container takes at most 1000 secrets' })
  .superRefine((vars, ctx) => {
    const seen = new Set<string>();
    vars.forEach((v, i) => {
      if (seen.has(v.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${v.name}" is set twice` });
      seen.add(v.name);
    });
  });

/** Reports a name a container sets both as a plain variable and as a secret (ECS would get both). */
export function checkEnvironmentVersusSecrets(
  container: { environment: readonly { name: string }[]; secrets: readonly { name: string }[] },
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  const plain = new Set(container.environment.map((e) => e.name));
  container.secrets.forEach((s, i) => {
    if (plain.has(s.name))
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'secrets', i, 'name'],
        message: `"${s.name}" is both an environment variable and a secret of this container: keep one`,
      });
  });
}
