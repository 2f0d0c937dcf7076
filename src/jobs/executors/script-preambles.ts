/**
 * The helper functions a script gets (docs/steps.md, "Helper functions"). Bash helpers are sourced
 * through BASH_ENV, Node helpers loaded with `--import`, and the Python helpers are the program
 * python3 runs, which then runs the script compiled from its own file; so the script's own line
 * numbers stay true in error messages. All speak the messages of script-messages.ts.
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

/**
 * Python: get_octopusvariable, set_octopusvariable, fail_step (and Calamari's failstep), mask_value,
 * octopusvariables; run as `python3 helpers.py script.py`. The script runs as `__main__` with its
 * own file name, and a traceback leaves out this file's frame. Python 3.6 or later.
 */
export const PYTHON_HELPERS = `
import base64 as _base64, builtins as _builtins, json as _json, os as _os, sys as _sys

with open(_os.environ['SLIPWAY_VARIABLES_FILE'], encoding='utf-8') as _f:
    octopusvariables = _json.load(_f)

def _b64(s):
    return _base64.b64encode(str(s).encode('utf-8')).decode('ascii')

def _say(line):
    _sys.stdout.write(line + '\\n')
    _sys.stdout.flush()

def get_octopusvariable(name, default=None):
    """The variable's value; default (None) when it is not set."""
    return octopusvariables.get(name, default)

def set_octopusvariable(name, value, sensitive=False):
    """Sets the output variable Octopus.Action[<step>].Output.<name>; sensitive ones are masked."""
    _say("##octopus[setVariable name='%s' value='%s' sensitive='%s']"
         % (_b64(name), _b64(value), _b64('True' if sensitive else 'False')))

def mask_value(value):
    """Masks value in the log from now on."""
    v = str(value).replace('\\\\', '\\\\\\\\').replace('"', '\\\\"')
    v = v.replace('\\n', '\\\\n').replace('\\r', '\\\\r').replace('\\t', '\\\\t')
    _say('##slipway[mask value="%s"]' % v)

def fail_step(message=None):
    """Fails the step with message and exits (code 1)."""
    if message:
        _say("##octopus[resultMessage message='%s']" % _b64(message))
    _sys.exit(1)

failstep = fail_step
for _name in ('octopusvariables', 'get_octopusvariable', 'set_octopusvariable', 'mask_value',
              'fail_step', 'failstep'):
    setattr(_builtins, _name, globals()[_name])

_HERE = __file__

def _excepthook(kind, value, tb):
    # The script's traceback starts at the script, not at this file.
    while tb is not None and tb.tb_frame.f_code.co_filename == _HERE:
        tb = tb.tb_next
    _sys.__excepthook__(kind, value.with_traceback(tb), tb)

_sys.excepthook = _excepthook
_sys.argv = _sys.argv[1:]
with open(_sys.argv[0], 'rb') as _f:
    _code = compile(_f.read(), _sys.argv[0], 'exec', dont_inherit=True)
__file__ = _sys.argv[0]
del _f, _name
exec(_code, globals())
`;
