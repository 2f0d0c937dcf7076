import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_FILTERS } from './index.js';

// Dates without an offset are read in the host's zone, as .NET does; fix it so the expectations hold anywhere.
process.env.TZ = 'UTC';

const context = { now: () => new Date('2024-03-05T14:07:09.123Z') };
function run(name: string, value: string | undefined, options: string[] = []): string | null | undefined {
  return BUILTIN_FILTERS[name.toLowerCase()]!.apply(value, options, context);
}

// [value, options, expected]: what .NET's ToString(format, InvariantCulture) prints.
const NUMBERS: [string, string[], string | undefined][] = [
  ['1234.567', ['N2'], '1,234.57'],
  ['1234.567', ['N'], '1,234.57'],
  ['1234.567', ['N0'], '1,235'],
  ['-1234.567', ['N1'], '-1,234.6'],
  ['1234.567', ['C'], '¤1,234.57'],
  ['-1234.567', ['C'], '(¤1,234.57)'],
  ['1234.567', ['C0'], '¤1,235'],
  ['0.1234', ['P1'], '12.3 %'],
  ['0.1234', ['P'], '12.34 %'],
  ['-0.5', ['P0'], '-50 %'],
  ['1234.5678', ['E'], '1.234568E+003'],
  ['1234.5678', ['e2'], '1.23e+003'],
  ['-0.00012', ['E1'], '-1.2E-004'],
  ['0', ['E2'], '0.00E+000'],
  ['1234.567', ['F'], '1234.57'],
  ['1234.567', ['F0'], '1235'],
  ['2.5', ['F0'], '3'],
  ['-2.5', ['F0'], '-3'],
  ['1.005', ['F2'], '1.01'],
  ['-0.001', ['F2'], '0.00'],
  ['1.50', ['G'], '1.50'],
  ['1234.5', ['G2'], '1.2E+03'],
  ['0.00001234', ['G3'], '1.23E-05'],
  ['0.0001234', ['G3'], '0.000123'],
  ['123.456', ['g4'], '123.5'],
  ['255', ['X4'], '00FF'],
  ['255', ['x'], 'ff'],
  ['-1', ['X'], 'FFFFFFFFFFFFFFFF'],
  ['123', ['D5'], '00123'],
  ['-123', ['D5'], '-00123'],
  ['1.5', ['D'], undefined],
  ['1.5', ['X'], undefined],
  ['1.5', ['R'], undefined],
  ['1.5', ['K'], undefined],
  ['1234.567', ['0.00'], '1234.57'],
  ['1234.567', ['#,##0.0'], '1,234.6'],
  ['1234567', ['#,##0,'], '1,235'],
  ['1234567890', ['#,##0,,'], '1,235'],
  ['1234567890', ['#,#'], '1,234,567,890'],
  ['0.5', ['#.##'], '.5'],
  ['1', ['#.##'], '1'],
  ['0', ['#'], ''],
  ['0', ['0'], '0'],
  ['5', ['000'], '005'],
  ['5', ['#0#'], '05'],
  ['12345', ['0.00E+00'], '1.23E+04'],
  ['0.00012345', ['0.0e0'], '1.2e-4'],
  ['12345', ['00.00E+0'], '12.35E+3'],
  ['-5', ['#;(#);zero'], '(5)'],
  ['0', ['#;(#);zero'], 'zero'],
  ['0.001', ['0.00;neg;zero'], 'zero'],
  ['-5', ['#;'], '-5'],
  ['12.5', ['.00'], '12.50'],
  ['0.256', ['0.0%'], '25.6%'],
  ['0.256', ['0‰'], '256‰'],
  ['1234', ['00-00'], '12-34'],
  ['5551234567', ['(###) ###-####'], '(555) 123-4567'],
  ['42', ['\\#0 "units"'], '#42 units'],
  ['42', ["'#'0"], '#42'],
  ['-1234.5', ['#,##0.00'], '-1,234.50'],
  ['1', [''], '1'],
  ['1e5', ['F0'], undefined],
  ['12', ['yyyy'], 'yyyy'],
  [' 1,234.5 ', ['F1'], '1234.5'],
  ['5-', ['F0'], '-5'],
  ['79228162514264337593543950335', ['N0'], '79,228,162,514,264,337,593,543,950,335'],
  ['79228162514264337593543950336', ['N0'], undefined],
  ['255', ['Int32', 'X4'], '00FF'],
  ['-1', ['int', 'X'], 'FFFFFFFF'],
  ['-1', ['Int64', 'x'], 'ffffffffffffffff'],
  ['5', ['Int32', 'B8'], '00000101'],
  ['2147483648', ['Int32', 'D'], undefined],
  ['2147483648', ['Int64', 'N0'], '2,147,483,648'],
  ['1.5', ['Int32', 'D'], undefined],
  ['1234567', ['Int32', 'G'], '1234567'],
  ['0.1', ['Double', 'R'], '0.1'],
  ['0.1', ['Double', 'F20'], '0.10000000000000000555'],
  ['1.005', ['Double', 'F2'], '1.00'],
  ['1.005', ['Double', '0.00'], '1.01'],
  ['1e15', ['Double', 'G'], '1E+15'],
  ['1e14', ['Double', 'G'], '100000000000000'],
  ['0.00001', ['Double', 'G'], '1E-05'],
  ['1.5e300', ['double', 'E2'], '1.50E+300'],
  ['NaN', ['Double', 'F2'], 'NaN'],
  ['-Infinity', ['Double', 'N'], '-Infinity'],
  ['1.50', ['Decimal', 'G'], '1.50'],
  ['1.50', ['Decimal', 'R'], undefined],
  ['abc', ['Double', 'F'], undefined],
  ['1', ['Guid', 'F'], undefined],
  ['1', ['Int32', 'D', 'x'], undefined],
];

describe('Format: numbers', () => {
  for (const [value, options, expected] of NUMBERS) {
    it(`${JSON.stringify(value)} | Format ${options.join(' ')} → ${JSON.stringify(expected)}`, () => {
      assert.equal(run('Format', value, options), expected);
    });
  }
  it('needs one or two options', () => assert.equal(run('Format', '1', []), undefined));
});

const DATES: [string, string[], string | undefined][] = [
  ['2024-03-05T14:07:09.1234567Z', ['yyyy-MM-dd'], '2024-03-05'],
  ['2024-03-05T14:07:09Z', ["yyyy-MM-dd'T'HH:mm:ss"], '2024-03-05T14:07:09'],
  ['2024-03-05T14:07:09.1234567+02:00', ['O'], '2024-03-05T14:07:09.1234567+02:00'],
  ['2024-03-05T14:07:09Z', ['o'], '2024-03-05T14:07:09.0000000+00:00'],
  ['2024-03-05T14:07:09+02:00', ['u'], '2024-03-05 12:07:09Z'],
  ['2024-03-05T14:07:09+02:00', ['R'], 'Tue, 05 Mar 2024 12:07:09 GMT'],
  ['2024-03-05T14:07:09+02:00', ['s'], '2024-03-05T14:07:09'],
  ['2024-03-05T14:07:09+02:00', ['U'], undefined],
  ['2024-03-05T14:07:09', ['d'], '03/05/2024'],
  ['2024-03-05T14:07:09', ['D'], 'Tuesday, 05 March 2024'],
  ['2024-03-05T14:07:09', ['f'], 'Tuesday, 05 March 2024 14:07'],
  ['2024-03-05T14:07:09', ['F'], 'Tuesday, 05 March 2024 14:07:09'],
  ['2024-03-05T14:07:09', ['g'], '03/05/2024 14:07'],
  ['2024-03-05T14:07:09', ['G'], '03/05/2024 14:07:09'],
  ['2024-03-05T14:07:09', ['M'], 'March 05'],
  ['2024-03-05T14:07:09', ['t'], '14:07'],
  ['2024-03-05T14:07:09', ['T'], '14:07:09'],
  ['2024-03-05T14:07:09', ['Y'], '2024 March'],
  ['2024-03-05T14:07:09', ['Q'], undefined],
  ['2024-03-05T14:07:09.5', ['hh:mm:ss.fff tt'], '02:07:09.500 PM'],
  ['2024-03-05T00:07:09', ['h:m:s t'], '12:7:9 A'],
  ['2024-03-05T14:07:09.120', ['ss.FFFF'], '09.12'],
  ['2024-03-05T14:07:09', ['ss.FFF'], '09'],
  ['2024-03-05T14:07:09', ['ffffffff'], undefined],
  ['2024-03-05T14:07:09', ['d/M/yy ddd MMM'], '5/3/24 Tue Mar'],
  ['2024-03-05T14:07:09', ['%d'], '5'],
  ['2024-03-05T14:07:09', ['yyyyy g'], '02024 A.D.'],
  ['2024-03-05T14:07:09-05:30', ['z|zz|zzz|K'], '-5|-05|-05:30|-05:30'],
  ['2024-03-05T14:07:09', ['zzz'], '+00:00'],
  ['2024-03-05T14:07:09', ['"year" yyyy \\d'], 'year 2024 d'],
  ['2024-03-05', ['dddd'], 'Tuesday'],
  ['2024/03/05 14:07', ['yyyy-MM-dd HH:mm'], '2024-03-05 14:07'],
  ['03/05/2024 2:07 PM', ['yyyy-MM-dd HH:mm'], '2024-03-05 14:07'],
  ['3/5/24', ['yyyy-MM-dd'], '2024-03-05'],
  ['Tue, 05 Mar 2024 14:07:09 GMT', ['yyyy-MM-dd HH:mm:ss zzz'], '2024-03-05 14:07:09 +00:00'],
  ['5 March 2024', ['yyyy-MM-dd'], '2024-03-05'],
  ['March 5, 2024', ['yyyy-MM-dd'], '2024-03-05'],
  ['14:30', ['yyyy-MM-dd HH:mm'], '2024-03-05 14:30'],
  ['2024-02-30', ['yyyy-MM-dd'], undefined],
  ['2024-13-01', ['yyyy-MM-dd'], undefined],
  ['not a date', ['yyyy'], undefined],
  ['2024-03-05T14:07:09Z', ['DateTime', 'yyyy-MM-dd HH:mm K'], '2024-03-05 14:07 +00:00'],
  ['2024-03-05T14:07:09', ['DateTime', 'yyyy-MM-dd HH:mm K'], '2024-03-05 14:07 '],
  ['2024-03-05T14:07:09+01:00', ['DateTimeOffset', 'HH:mm zzz'], '14:07 +01:00'],
  ['2024-03-05T14:07:09+01:00', ['DateTime', 'HH:mm'], '13:07'],
  ['2024', ['DateTime', 'yyyy'], undefined],
];

describe('Format: dates', () => {
  for (const [value, options, expected] of DATES) {
    it(`${JSON.stringify(value)} | Format ${options.join(' ')} → ${JSON.stringify(expected)}`, () => {
      assert.equal(run('Format', value, options), expected);
    });
  }
});

describe('NowDate, NowDateUtc, AddHours, AddDays', () => {
  const cases: [string, string | undefined, string[], string | undefined][] = [
    ['NowDate', undefined, [], '2024-03-05T14:07:09.1230000'],
    ['NowDateUtc', undefined, [], '2024-03-05T14:07:09.1230000Z'],
    ['NowDate', undefined, ['yyyy-MM-dd'], '2024-03-05'],
    ['NowDateUtc', undefined, ['HH:mm K'], '14:07 Z'],
    ['NowDateUtc', undefined, ['ffffffff'], undefined],
    ['NowDate', undefined, ['a', 'b'], undefined],
    ['NowDate', 'value', [], undefined],
    ['AddDays', '2024-02-28', ['2'], '2024-03-01T00:00:00.0000000'],
    ['AddDays', '2024-03-05T14:07:09Z', ['-1.5'], '2024-03-04T02:07:09.0000000Z'],
    ['AddDays', '2024-03-05T14:07:09.1234567+02:00', ['1'], '2024-03-06T14:07:09.1234567+02:00'],
    ['AddHours', '2024-03-05T23:30:00Z', ['1'], '2024-03-06T00:30:00.0000000Z'],
    ['AddHours', '2024-03-05T23:30:00', ['0.25'], '2024-03-05T23:45:00.0000000'],
    ['AddHours', '2024-03-05', ['x'], undefined],
    ['AddHours', '2024-03-05', [], undefined],
    ['AddHours', 'soon', ['1'], undefined],
    ['AddDays', '9999-12-31', ['1'], undefined],
  ];
  for (const [name, value, options, expected] of cases) {
    it(`${String(value)} | ${name} ${options.join(' ')} → ${JSON.stringify(expected)}`, () => {
      assert.equal(run(name, value, options), expected);
    });
  }
  it('chains: NowDateUtc | AddDays | Format', () => {
    const later = run('AddDays', run('NowDateUtc', undefined) as string, ['7']) as string;
    assert.equal(run('Format', later, ['yyyy-MM-dd']), '2024-03-12');
  });
});
