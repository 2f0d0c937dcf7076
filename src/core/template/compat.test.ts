/**
 * Compatibility cases written from Octostache's documented behaviour (the Octopus Deploy docs on
 * variable substitution syntax): templates Octopus users already have must render the same here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTemplate } from './index.js';

function out(t: string, vars: Record<string, string>): string | null {
  const r = renderTemplate(t, vars, { now: () => new Date(Date.UTC(2030, 5, 7, 8, 9, 10)) });
  assert.equal(r.error, undefined, r.error);
  return r.output;
}

describe('Octostache compatibility', () => {
  it('output variables of a named step', () => {
    const vars = { 'Octopus.Action[Step One].Output.Foo': 'x', 'Octopus.Action[Step Two].Output.Foo': 'y' };
    assert.equal(out('#{Octopus.Action[Step Two].Output.Foo}', vars), 'y');
    assert.equal(
      out(
        '#{each a in Octopus.Action}#{a}=#{a.Output.Foo}#{unless Octopus.Template.Each.Last},#{/unless}#{/each}',
        vars,
      ),
      'Step One=x,Step Two=y',
    );
  });

  it('the documented each example over indexed variables', () => {
    const vars = {
      'Endpoint[Alpha].Address': 'a.example',
      'Endpoint[Alpha].Port': '80',
      'Endpoint[Beta].Address': 'b.example',
      'Endpoint[Beta].Port': '8080',
    };
    assert.equal(
      out('#{each e in Endpoint}\n#{e}: #{e.Address}:#{e.Port}#{/each}', vars),
      '\nAlpha: a.example:80\nBeta: b.example:8080',
    );
  });

  it('conditionals from the docs', () => {
    const vars = { 'Octopus.Environment.Name': 'Production', DatabaseName: 'db', IsProd: 'True' };
    assert.equal(out('#{if Octopus.Environment.Name == "Production"}prod#{else}other#{/if}', vars), 'prod');
    assert.equal(
      out('#{if IsProd}Server=prod;#{/if}Database=#{DatabaseName}', vars),
      'Server=prod;Database=db',
    );
    assert.equal(out('#{unless IsProd}debug#{/unless}', vars), '');
  });

  it('filters from the docs', () => {
    const vars = { Name: 'Octopus', Html: '<b>', Tag: '1.2.3-beta.4+sha' };
    assert.equal(out('#{Name | ToLower}', vars), 'octopus');
    assert.equal(out('#{Name | ToUpper}', vars), 'OCTOPUS');
    assert.equal(out('#{Html | HtmlEscape}', vars), '&lt;b&gt;');
    assert.equal(out('#{Tag | VersionMajor}', vars), '1');
    assert.equal(out('#{ | NowDateUtc "yyyy-MM-dd"}', vars), '2030-06-07');
    assert.equal(out('#{Name | Substring 3}', vars), 'Oct');
  });

  it('JSON values', () => {
    const vars = { Custom: '{"Name":"Web","Ports":[80,443],"Nested":{"Deep":"yes"}}' };
    assert.equal(out('#{Custom.Name} #{Custom.Ports[1]} #{Custom.Nested.Deep}', vars), 'Web 443 yes');
    assert.equal(out('#{each p in Custom.Ports}#{p};#{/each}', vars), '80;443;');
  });

  it('calc', () => {
    assert.equal(out('#{calc {Octopus.Release.Number} * 2}', { 'Octopus.Release.Number': '21' }), '42');
  });

  it('escaping', () => {
    assert.equal(out('##{NotAVariable} and ###{X}', { X: 'x' }), '#{NotAVariable} and #x');
  });
});
