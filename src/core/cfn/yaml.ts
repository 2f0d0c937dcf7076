/**
 * CloudFormation's YAML: the short forms (`!Ref X`, `!GetAtt A.B`, `!Sub`, ...) read as their
 * long JSON forms (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`), and documents written so that
 * they read back to the same JSON (strings such as `'#{...}'` or `'2010-09-09'` quoted).
 */
import { isMap, isScalar, isSeq, parseDocument, stringify, type Tags } from 'yaml';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'GetAtt',
] as const;

type Kind = 'scalar' | 'seq' | 'map';

function key(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** A custom tag per function and node kind (a tag may be given a scalar, a list or a map). */
function shortForms(): Tags {
  const tags: Tags = [];
  for (const name of [...FUNCTIONS, 'Ref', 'Condition']) {
    for (const kind of ['scalar', 'seq', 'map'] as Kind[]) {
      tags.push({
        tag: `!${name}`,
        collection: kind === 'scalar' ? undefined : kind,
        identify: () => false,
        resolve(value: unknown) {
          const plain = isMap(value) || isSeq(value) || isScalar(value) ? value.toJSON() : value;
          if (name === 'GetAtt' && typeof plain === 'string') {
            const dot = plain.indexOf('.');
            return { [key(name)]: dot < 0 ? [plain] : [plain.slice(0, dot), plain.slice(dot + 1)] };
          }
          return { [key(name)]: plain };
        },
      } as Tags[number]);
    }
  }
  return tags;
}

const CUSTOM_TAGS = shortForms();

/** Why a YAML body is not a template; `line`/`column` are 1-based when known. */
export class CfnYamlError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** Reads a CloudFormation YAML document into plain JSON values (short forms expanded). */
export function parseCfnYaml(body: string): unknown {
  const doc = parseDocument(body, { customTags: CUSTOM_TAGS, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    throw new CfnYamlError(first.message, pos?.line, pos?.col);
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

/** Writes plain JSON values as YAML (long forms), quoting what would otherwise read back differently. */
export function formatCfnYaml(value: unknown): string {
  // YAML 1.1 rules (PyYAML, the AWS CLI's reader) quote dates, yes/no and octal-looking strings.
  return stringify(value, {
    version: '1.1',
    lineWidth: 0,
    // CloudFormation has no YAML aliases: a value used twice is written twice.
    aliasDuplicateObjects: false,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
  });
}
