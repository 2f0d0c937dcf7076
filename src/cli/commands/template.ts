/**
 * `slipway template render [FILE]`: renders a `#{...}` template (FILE or stdin) against variables
 * from --var NAME=VALUE and --vars-file, prints the output on stdout and the missing references on
 * stderr. Exit 1 when references are missing (unless --allow-missing) or the template does not parse.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { UserInputError } from '../../core/errors.js';
import { renderTemplate } from '../../core/template/index.js';
import { EXIT, type RunState } from '../exit-codes.js';

interface RenderFlags {
  var: string[];
  varsFile?: string;
  lenient?: boolean;
  allowMissing?: boolean;
}

const VarsFile = z.record(z.string(), z.string());

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function readText(file: string | undefined): string {
  try {
    return readFileSync(file ?? 0, 'utf8');
  } catch (e) {
    const what = file === undefined ? 'the template from stdin' : `the template file ${file}`;
    throw new UserInputError(`Cannot read ${what}: ${(e as Error).message}`, { cause: e });
  }
}

/** ` (line L, column C)` for where JSON.parse stopped in `text`, when its message says; else ''. */
function jsonErrorPlace(text: string): string {
  let at: number | undefined;
  try {
    JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    if (m) at = Number(m[1]);
    else if (/end of JSON input/.test((e as Error).message)) at = text.length;
  }
  if (at === undefined) return '';
  const before = text.slice(0, at).split('\n');
  return ` (line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1})`;
}

/** Variables from --vars-file (an object of name → string), then --var NAME=VALUE (which win). */
export function loadVariables(varsFile: string | undefined, vars: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (varsFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(varsFile, 'utf8');
    } catch (e) {
      throw new UserInputError(`Cannot read --vars-file ${varsFile}: ${(e as Error).message}`, { cause: e });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // JSON.parse's message quotes the text, and a variables file may hold secrets: say where only.
      throw new UserInputError(
        `--vars-file ${varsFile} is not valid JSON${jsonErrorPlace(text)}: it must be a JSON object of ` +
          'variable name → string value, e.g. {"Name": "value"} (its content is not shown here, as it may hold secrets).',
      );
    }
    const parsed = VarsFile.safeParse(json);
    if (!parsed.success) {
      const bad = parsed.error.issues[0];
      const what =
        bad && bad.path.length > 0
          ? `the value of ${JSON.stringify(bad.path.map(String).join('.'))} is not a string`
          : 'the file is not a JSON object';
      throw new UserInputError(
        `--vars-file ${varsFile} must be a JSON object of variable name → string value; ${what}.`,
      );
    }
    Object.assign(out, parsed.data);
  }
  for (const v of vars) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UserInputError(`--var expects NAME=VALUE, got "${v}".`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

export function registerTemplate(program: Command, state: RunState): void {
  const template = program.command('template').description('Work with #{...} templates (Octostache syntax).');
  template
    .command('render [file]')
    .description(
      'Render a template (FILE, or stdin) with variables; missing references are listed on stderr.',
    )
    .option('--var <name=value>', 'a variable (repeatable; beats --vars-file)', collect, [])
    .option('--vars-file <file>', 'a JSON object of variable name → string value')
    .option('--lenient', 'keep unparseable fragments as text and render the rest')
    .option('--allow-missing', 'exit 0 even when some references could not be resolved')
    .action((file: string | undefined, opts: RenderFlags) => {
      const variables = loadVariables(opts.varsFile, opts.var);
      const text = readText(file);
      // a cycle throws TemplateError (TEMPLATE_CYCLE): main.ts reports it and exits 3
      const result = renderTemplate(text, variables, { lenient: opts.lenient === true });
      if (result.error !== undefined && !opts.lenient) {
        process.stderr.write(`error: the template does not parse: ${result.error}\n`);
        state.exitCode = EXIT.FAILED;
        return;
      }
      if (result.error !== undefined) {
        process.stderr.write(`warning: kept unparseable text as it is: ${result.error}\n`);
      }
      if (result.output === null) {
        process.stderr.write('The template evaluated to null (the Null filter): nothing printed.\n');
      } else {
        process.stdout.write(result.output);
      }
      if (result.missing.length > 0) {
        process.stderr.write(
          `${result.missing.length} missing reference(s):\n${result.missing.map((m) => `  ${m}\n`).join('')}`,
        );
        if (!opts.allowMissing) state.exitCode = EXIT.FAILED;
      }
    });
}
