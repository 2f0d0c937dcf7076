/**
 * The helper functions a script gets (docs/steps.md, "Helper functions"). Bash helpers are sourced
 * through BASH_ENV and Node helpers loaded with `--import`, so the script's own line numbers stay
 * true in error messages. Both speak the messages of script-messages.ts.
 */

// Plain template literals: `\${` and `\\` below are the shell's `${` and `\`.

/** Bash: set_octopusvariable, get_octopusvariable, fail_step, mask_value. */
export const BASH_HELPERS = `
__slipway_b64() { printf '%s' "$1" | base64 | tr -d '\\n'; }
set_octopusvariable() {
  local sensitive=False
  case "\${3:-}" in -sensitive|--sensitive|True|true) sensitive=True ;; esac
  printf "##octopus[setVariable name='%s' value='%s' sensitive='%s']\\n" \\
    "$(__slipway_b64 "$1")" "$(__slipway_b64 "\${2:-}")" "$(__slipway_b64 "$sensitive")"
}
get_octopusvariable() {
  local key
  key="$(__slipway_b64 "$1")"
  awk -v k="$key" '$1 == k { print $2; exit }' "$SLIPWAY_VARIABLES_B64_FILE" | base64 -d
}
mask_value() {
  local v="$1"
  v="\${v//\\\\/\\\\\\\\}"; v="\${v//\\"/\\\\\\"}"
  v="\${v//$'\\n'/\\\\n}"; v="\${v//$'\\r'/\\\\r}"; v="\${v//$'\\t'/\\\\t}"
  printf '##slipway[mask value="%s"]\\n' "$v"
}
fail_step() {
  if [ -n "\${1:-}" ]; then
    printf "##octopus[resultMessage message='%s']\\n" "$(__slipway_b64 "$1")"
  fi
  exit 1
}
`;

/** Node (ESM): setVariable, getVariable, failStep, maskValue, Octopus.Parameters, require. */
export const NODE_HELPERS = `
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const parameters = Object.freeze(JSON.parse(readFileSync(process.env.SLIPWAY_VARIABLES_FILE, 'utf8')));
const b64 = (s) => Buffer.from(String(s), 'utf8').toString('base64');
// Pipes to the engine are synchronous on Linux, so a message is out before process.exit.
const say = (line) => process.stdout.write(line + '\\n');
function setVariable(name, value, sensitive = false) {
  say("##octopus[setVariable name='" + b64(name) + "' value='" + b64(value) +
    "' sensitive='" + b64(sensitive ? 'True' : 'False') + "']");
}
function getVariable(name) {
  return Object.hasOwn(parameters, name) ? parameters[name] : undefined;
}
function maskValue(value) {
  const v = String(value).replace(/\\\\/g, '\\\\\\\\').replace(/"/g, '\\\\"')
    .replace(/\\n/g, '\\\\n').replace(/\\r/g, '\\\\r').replace(/\\t/g, '\\\\t');
  say('##slipway[mask value="' + v + '"]');
}
function failStep(message) {
  if (message) say("##octopus[resultMessage message='" + b64(message) + "']");
  process.exit(1);
}
globalThis.Octopus = Object.freeze({ Parameters: parameters, setVariable, getVariable, failStep, maskValue });
Object.assign(globalThis, { setVariable, getVariable, failStep, maskValue });
if (process.argv[1]) globalThis.require = createRequire(process.argv[1]);
`;
