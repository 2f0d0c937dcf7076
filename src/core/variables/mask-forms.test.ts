import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MIN_BASE64_CORE,
  base64,
  base64Core,
  base64Forms,
  derivedForms,
  jsonForms,
  urlForms,
  utf8,
} from './mask-forms.js';

// Checked against Node's own encoders, which the masker may not import (core/ is pure).
const SAMPLES = [
  'hunter22',
  'a"b\\c\nd\te\u0001',
  'p w&x=y+z/%',
  "it's (ok)~!*",
  'pässwörd 中文 😀',
  'lone \ud800 surrogate',
  '<script>&</script>',
  'a'.repeat(100),
];

describe('derived forms', () => {
  for (const s of SAMPLES) {
    it(JSON.stringify(s), () => {
      const json = jsonForms(s);
      assert.equal(json[0], JSON.stringify(s).slice(1, -1));
      if (!/[\ud800-\udfff]/.test(s)) {
        assert.equal(urlForms(s)[0], encodeURIComponent(s));
        assert.equal(urlForms(s)[1], encodeURIComponent(s).replaceAll('%20', '+'));
      }
      assert.equal(urlForms(s)[4], new URLSearchParams({ q: s }).toString().slice(2));
      assert.deepEqual(utf8(s), [...Buffer.from(s)]);
      const forms = base64Forms(s);
      assert.ok(forms.includes(Buffer.from(s).toString('base64')));
      assert.ok(forms.includes(Buffer.from(s).toString('base64url')));
      assert.equal(derivedForms(s)[0], s);
      assert.equal(new Set(derivedForms(s)).size, derivedForms(s).length);
    });
  }

  it('JSON variants of other encoders', () => {
    const forms = jsonForms('é/<"\'+');
    assert.ok(forms.includes('\\u00e9/<\\"\'+'), 'Python ensure_ascii');
    assert.ok(forms.includes('\\u00e9\\/<\\"\'+'), 'PHP json_encode');
    assert.ok(forms.includes('é/\\u003c\\"\'+'), 'Go encoding/json');
    assert.ok(forms.includes('\\u00E9/\\u003C\\u0022\\u0027\\u002B'), '.NET System.Text.Json');
    assert.ok(forms.includes('é/<\\\\\\"\'+'), 'escaped twice');
  });

  it('URL variants', () => {
    assert.deepEqual(urlForms("a b'*~"), ["a%20b'*~", "a+b'*~", 'a%20b%27%2A~', 'a+b%27%2A~', 'a+b%27*%7E']);
  });

  it('base64 matches Buffer, with padding', () => {
    for (let n = 0; n < 10; n++) {
      const bytes = Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255);
      assert.equal(base64(bytes), Buffer.from(bytes).toString('base64'));
    }
  });

  it('base64 alignment cores are the stable characters', () => {
    const secret = [...Buffer.from('secret!')];
    for (const offset of [0, 1, 2] as const) {
      const core = base64Core(secret, offset);
      // Whatever surrounds the secret, the core appears in the encoding.
      for (const fill of [0, 255, 0x5a]) {
        for (let after = 0; after < 4; after++) {
          const all = Buffer.from([
            ...new Array<number>(offset + 3).fill(fill),
            ...secret,
            ...new Array<number>(after).fill(fill),
          ]);
          assert.ok(all.toString('base64').includes(core), `${offset}/${fill}/${after}`);
        }
      }
    }
  });

  it('cores shorter than the minimum are left out', () => {
    // 4 bytes: cores of 5, 4 and 5 characters, none kept; own base64 kept.
    assert.deepEqual([...new Set(base64Forms('abcd'))], ['YWJjZA==', 'YWJjZA']);
    // 5 bytes: all three cores are 6 characters.
    const five = new Set(base64Forms('abcde').filter((f) => f.length === MIN_BASE64_CORE));
    assert.equal(five.size, 3);
  });
});
