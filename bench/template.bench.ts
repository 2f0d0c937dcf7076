/**
 * Template engine benchmark (issue 4). Not a test: prints its figures and the ratio to its anchor.
 * Renders a ~1 MB CloudFormation-like YAML template holding 5,000 `#{Name}` references over 10,000
 * variables with renderTemplate, and compares the median time with the floor: one regex replace over the
 * same text and a Map of lower-cased names. Anchor: ratio ≤ 5. A quarter of the names (and so of the
 * references) carry an index segment, as Octopus.Action[...] variables do.
 * Also renders it with every tenth variable sensitive (`sensitive` option: derived values tracked),
 * and reports how long the budgets take to stop three nested loops over 1,000 items (10^9 iterations).
 * Run: npm run bench:template [-- runs]   (default 21 runs after 3 warm-ups)
 */
import { renderTemplate, TemplateTooExpensiveError } from '../src/core/template/index.js';

const VARIABLES = 10_000;
const REFERENCES = 5_000;
const TARGET_BYTES = 1_000_000;
const ANCHOR = 5;

/** A realistic mix: dotted names, and one in four with an index segment (Octopus.Action[Step].Output...). */
function buildVariables(): Record<string, string> {
  const variables: Record<string, string> = {};
  for (let i = 0; i < VARIABLES; i++) {
    const name =
      i % 4 === 0
        ? `Octopus.Action[Step ${i % 50}].Output.Value${i}`
        : `${['Project.Service', 'Aws.Account', 'Environment.Settings'][i % 3]!}.Value${i}`;
    variables[name] = `value-${i}-${'x'.repeat(i % 24)}`;
  }
  return variables;
}

/** YAML-ish CloudFormation text, padded with plain lines so that 5,000 references span ~1 MB. */
function buildTemplate(names: string[]): string {
  const lines: string[] = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Description: Slipway benchmark stack',
    'Resources:',
  ];
  const perReference = Math.floor(TARGET_BYTES / REFERENCES);
  for (let i = 0; i < REFERENCES; i++) {
    // Mixed case on purpose: names are case-insensitive.
    const name = i % 3 === 0 ? names[(i * 7) % names.length]!.toUpperCase() : names[(i * 7) % names.length]!;
    const block = [
      `  Resource${i}:`,
      '    Type: AWS::ECS::TaskDefinition',
      '    Properties:',
      `      Family: service-${i}`,
      `      Image: "#{${name}}"`,
      `      # team ${i}`,
    ].join('\n');
    const description = '      Description: ""';
    const padding = Math.max(0, perReference - block.length - description.length - 2);
    lines.push(
      block,
      `      Description: "${'lorem ipsum '.repeat(Math.ceil(padding / 12)).slice(0, padding)}"`,
    );
  }
  return lines.join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median times of both, sampled alternately so that load on the machine weighs on each alike. */
function timeBoth(a: () => unknown, b: () => unknown, runs: number): [number, number] {
  for (let i = 0; i < 3; i++) {
    a();
    b();
  }
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    a();
    sa.push(performance.now() - start);
    start = performance.now();
    b();
    sb.push(performance.now() - start);
  }
  return [median(sa), median(sb)];
}

function main(): void {
  const runs = Number(process.argv[2] ?? '21');
  const variables = buildVariables();
  const template = buildTemplate(Object.keys(variables));
  const map = new Map(Object.entries(variables).map(([k, v]) => [k.toLowerCase(), v]));
  const floorRender = () =>
    template.replace(/#\{([^}]+)\}/g, (whole, n: string) => map.get(n.toLowerCase()) ?? whole);

  const expected = floorRender();
  const result = renderTemplate(template, variables);
  if (result.output !== expected || result.missing.length > 0) {
    throw new Error(
      `renderTemplate disagrees with the floor (missing: ${result.missing.slice(0, 3).join(', ')})`,
    );
  }

  const [floor, engine] = timeBoth(floorRender, () => renderTemplate(template, variables), runs);
  const ratio = engine / floor;
  console.log(
    `template: ${(template.length / 1e6).toFixed(2)} MB, ${REFERENCES} references, ${VARIABLES} variables, ${runs} runs`,
  );
  console.log(`floor (one regex replace): median ${floor.toFixed(2)} ms`);
  console.log(`renderTemplate:            median ${engine.toFixed(2)} ms`);
  console.log(`ratio ${ratio.toFixed(2)}× (anchor ≤ ${ANCHOR}×): ${ratio <= ANCHOR ? 'met' : 'NOT met'}`);

  // Derived-secret tracking: every tenth variable sensitive.
  const secret = new Set(Object.keys(variables).filter((_, i) => i % 10 === 0));
  const sensitive = (name: string) => secret.has(name);
  const tracked = renderTemplate(template, variables, { sensitive });
  const [plain, withTracking] = timeBoth(
    () => renderTemplate(template, variables),
    () => renderTemplate(template, variables, { sensitive }),
    runs,
  );
  console.log(
    `with sensitive tracking:   median ${withTracking.toFixed(2)} ms (${(withTracking / plain).toFixed(2)}× untracked; ${tracked.sensitiveValues?.length ?? 0} derived values)`,
  );

  // The budgets against a template that would run 10^9 iterations.
  const items = Array.from({ length: 1000 }, (_, i) => i).join(',');
  const start = performance.now();
  let stoppedBy = 'nothing';
  try {
    renderTemplate('#{each a in L}#{each b in L}#{each c in L}#{a}#{b}#{c} #{/each}#{/each}#{/each}', {
      L: items,
    });
  } catch (e) {
    if (!(e instanceof TemplateTooExpensiveError)) throw e;
    stoppedBy = e.budget;
  }
  console.log(
    `three nested loops over 1,000 items: stopped by ${stoppedBy} after ${(performance.now() - start).toFixed(0)} ms`,
  );
}

main();
