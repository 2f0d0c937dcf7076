/**
 * The browsable API documentation: one self-contained HTML page (no CDN, no framework) whose
 * script fetches /api/openapi.json and lists the operations grouped by tag, with their parameters,
 * request bodies and responses. It reads the same document clients do, so it cannot drift either.
 * The script avoids template literals so that it can live in this file as a raw string.
 */
import { createHash } from 'node:crypto';

/** The page's script (plain browser JavaScript). */
export const DOCS_SCRIPT = String.raw`(function () {
  'use strict';
  var METHODS = ['get', 'post', 'put', 'patch', 'delete'];
  var app = document.getElementById('app');
  var filter = document.getElementById('filter');
  var schemas = {};
  var defs = {};

  function esc(value) {
    return String(value === undefined || value === null ? '' : value).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  // Descriptions use backticks for code, as in Markdown.
  function text(value) {
    return esc(value).replace(/\x60([^\x60]+)\x60/g, '<code>$1</code>');
  }
  function refName(schema) {
    return schema && typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;
  }
  function resolve(schema) {
    var ref = refName(schema);
    if (ref) return schemas[ref] || defs[ref] || {};
    return schema && typeof schema === 'object' ? schema : {};
  }
  function alternativesOf(schema) {
    return Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  }
  function typeText(schema) {
    if (!schema || typeof schema !== 'object') return 'any';
    var ref = refName(schema);
    if (ref) return ref;
    if (schema.const !== undefined) return JSON.stringify(schema.const);
    if (Array.isArray(schema.enum)) return schema.enum.map(function (v) { return JSON.stringify(v); }).join(' | ');
    var alternatives = alternativesOf(schema);
    if (alternatives) return alternatives.map(typeText).join(' | ');
    if (schema.type === 'array') return 'array of ' + typeText(schema.items);
    if (Array.isArray(schema.type)) return schema.type.join(' | ');
    if (schema.type === 'object' && !schema.properties && schema.additionalProperties &&
        typeof schema.additionalProperties === 'object' && Object.keys(schema.additionalProperties).length > 0) {
      return 'map of ' + typeText(schema.additionalProperties);
    }
    return schema.type || 'any';
  }
  // An alternative of a union, named by its discriminator when it has one (type "docker").
  function label(schema) {
    var s = resolve(schema);
    var props = s.properties || {};
    var tag = Object.keys(props).filter(function (k) { return props[k].const !== undefined; })[0];
    return tag ? typeText(schema) + ' with ' + tag + ' ' + JSON.stringify(props[tag].const) : typeText(schema);
  }
  function hasFields(schema) {
    var s = resolve(schema);
    if (s.type === 'array') return s.items ? hasFields(s.items) : false;
    return Boolean(s.properties || alternativesOf(s));
  }
  function table(headings, rows) {
    return '<table><thead><tr>' + headings.map(function (h) { return '<th>' + h + '</th>'; }).join('') +
      '</tr></thead><tbody>' + rows.join('') + '</tbody></table>';
  }
  // The fields of a schema as a table; nested objects fold out, to a few levels (schemas may recurse).
  function fields(schema, depth) {
    var s = resolve(schema);
    if (s.type === 'array' && s.items) return '<p class="muted">A list of:</p>' + fields(s.items, depth);
    var description = s.description ? '<p>' + text(s.description) + '</p>' : '';
    var alternatives = alternativesOf(s);
    if (alternatives) {
      return description + alternatives.map(function (alt, i) {
        return '<div class="alt"><p class="muted">One of (' + (i + 1) + '): <code>' + esc(label(alt)) + '</code></p>' +
          (hasFields(alt) && depth < 4 ? fields(alt, depth + 1) : '') + '</div>';
      }).join('');
    }
    if (!s.properties) return description;
    var required = Array.isArray(s.required) ? s.required : [];
    var rows = Object.keys(s.properties).map(function (name) {
      var prop = s.properties[name];
      var inner = resolve(prop);
      var nested = depth < 4 && hasFields(prop)
        ? '<details><summary>fields</summary>' + fields(prop, depth + 1) + '</details>' : '';
      var fallback = prop.default !== undefined ? ' <span class="muted">default ' + esc(JSON.stringify(prop.default)) + '</span>' : '';
      return '<tr><td><code>' + esc(name) + '</code>' +
        (required.indexOf(name) >= 0 ? ' <span class="required">required</span>' : '') + '</td>' +
        '<td><code>' + esc(typeText(prop)) + '</code>' + fallback + '</td>' +
        '<td>' + text(prop.description || inner.description) + nested + '</td></tr>';
    });
    var open = s.additionalProperties !== undefined && s.additionalProperties !== false
      ? '<p class="muted">Other fields may appear as well.</p>' : '';
    return description + table(['field', 'type', 'description'], rows) + open;
  }
  function parameters(list) {
    if (!list || list.length === 0) return '';
    return '<h4>Parameters</h4>' + table(['name', 'in', 'type', 'description'], list.map(function (p) {
      return '<tr><td><code>' + esc(p.name) + '</code>' + (p.required ? ' <span class="required">required</span>' : '') +
        '</td><td>' + esc(p.in) + '</td><td><code>' + esc(typeText(p.schema)) + '</code></td><td>' +
        text(p.description || (p.schema && p.schema.description)) + '</td></tr>';
    }));
  }
  function responses(all) {
    return '<h4>Responses</h4>' + table(['status', 'description', 'body'], Object.keys(all || {}).map(function (status) {
      var r = all[status];
      var json = r.content && r.content['application/json'];
      var headers = Object.keys(r.headers || {}).map(function (h) {
        return '<div class="header"><code>' + esc(h) + '</code>: ' + text(r.headers[h].description) + '</div>';
      }).join('');
      var body = json ? '<code>' + esc(typeText(json.schema)) + '</code>' +
        (Number(status) < 400 && hasFields(json.schema) ? '<details><summary>fields</summary>' + fields(json.schema, 1) + '</details>' : '') : '';
      return '<tr><td class="status s' + esc(String(status).charAt(0)) + '">' + esc(status) + '</td><td>' + text(r.description) + headers + '</td><td>' + body + '</td></tr>';
    }));
  }
  function operation(path, method, op) {
    var key = (method + ' ' + path + ' ' + (op.operationId || '') + ' ' + (op.summary || '')).toLowerCase();
    var body = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
    var access = Array.isArray(op.security) && op.security.length === 0 ? 'no API key needed' : 'needs an API key';
    return '<details class="op" id="' + esc(op.operationId) + '" data-search="' + esc(key) + '">' +
      '<summary><span class="method m-' + method + '">' + method.toUpperCase() + '</span> <code class="path">' +
      esc(path) + '</code> <span class="summary">' + text(op.summary) + '</span></summary><div class="body">' +
      '<p class="muted">operationId <code>' + esc(op.operationId) + '</code> · ' + access + '</p>' +
      parameters(op.parameters) +
      (body ? '<h4>Request body <code>' + esc(typeText(body.schema)) + '</code></h4>' + fields(body.schema, 0) : '') +
      responses(op.responses) + '</div></details>';
  }
  function render(doc) {
    schemas = (doc.components && doc.components.schemas) || {};
    Object.keys(schemas).forEach(function (name) {
      var inner = schemas[name].$defs || {};
      Object.keys(inner).forEach(function (d) { defs[d] = inner[d]; });
    });
    var groups = {};
    var order = [];
    Object.keys(doc.paths || {}).forEach(function (path) {
      METHODS.forEach(function (method) {
        var op = doc.paths[path][method];
        if (!op) return;
        var tag = (op.tags && op.tags[0]) || 'other';
        if (!groups[tag]) { groups[tag] = []; order.push(tag); }
        groups[tag].push(operation(path, method, op));
      });
    });
    var info = doc.info || {};
    var nav = '<nav>' + order.map(function (tag) {
      return '<a href="#tag-' + esc(tag) + '">' + esc(tag) + ' <span class="count">' + groups[tag].length + '</span></a>';
    }).join('') + '</nav>';
    return '<header><h1>' + esc(info.title || 'API') + ' <span class="muted">' + esc(info.version) + '</span></h1>' +
      '<p>' + text(info.description) + '</p></header>' + nav + order.map(function (tag) {
        return '<section class="tag" id="tag-' + esc(tag) + '"><h2>' + esc(tag) + '</h2>' + groups[tag].join('') + '</section>';
      }).join('');
  }
  function applyFilter() {
    var q = filter ? filter.value.trim().toLowerCase() : '';
    var sections = app.querySelectorAll('section.tag');
    for (var i = 0; i < sections.length; i++) {
      var ops = sections[i].querySelectorAll('.op');
      var shown = 0;
      for (var j = 0; j < ops.length; j++) {
        ops[j].hidden = q !== '' && ops[j].getAttribute('data-search').indexOf(q) < 0;
        if (!ops[j].hidden) shown++;
      }
      sections[i].hidden = shown === 0;
    }
  }
  if (filter) filter.addEventListener('input', applyFilter);
  fetch('openapi.json', { headers: { accept: 'application/json' } })
    .then(function (res) {
      if (!res.ok) throw new Error('GET /api/openapi.json answered ' + res.status);
      return res.json();
    })
    .then(function (doc) {
      app.innerHTML = render(doc);
      applyFilter();
      var target = typeof location === 'undefined' ? null : document.getElementById(location.hash.slice(1));
      if (target && target.tagName === 'DETAILS') { target.open = true; target.scrollIntoView(); }
    })
    .catch(function (err) {
      app.textContent = 'Could not load the API description: ' + err.message;
    });
})();
`;

/** The page's style sheet. */
export const DOCS_STYLE = `
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --code: rgba(127, 127, 127, 0.12); }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 4rem; }
h1 { margin-bottom: 0.25rem; } h2 { border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; margin-top: 2rem; }
h4 { margin: 1rem 0 0.25rem; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--code); padding: 0 0.25rem; border-radius: 3px; }
.muted { color: var(--muted); }
#filter { width: 100%; box-sizing: border-box; font: inherit; padding: 0.4rem 0.6rem; margin: 0.5rem 0; }
nav { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin: 0.5rem 0 1rem; }
nav a { text-decoration: none; } .count { color: var(--muted); font-size: 12px; }
details.op { border: 1px solid var(--line); border-radius: 6px; margin: 0.4rem 0; }
details.op > summary { cursor: pointer; padding: 0.4rem 0.6rem; list-style-position: inside; }
details.op .body { padding: 0 0.8rem 0.8rem; }
.method { display: inline-block; min-width: 4.2rem; text-align: center; font-weight: 600; font-size: 12px; border-radius: 4px; padding: 0.1rem 0.3rem; color: #fff; }
.m-get { background: #2563eb; } .m-post { background: #16a34a; } .m-put { background: #c2410c; }
.m-patch { background: #9333ea; } .m-delete { background: #dc2626; }
code.path { background: none; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 0.25rem 0; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 0.3rem 0.5rem; }
th { font-weight: 600; font-size: 13px; }
.required { color: #dc2626; font-size: 12px; }
.status { font-weight: 600; } .s2 { color: #16a34a; } .s3 { color: #2563eb; } .s4 { color: #c2410c; } .s5 { color: #dc2626; }
.alt { border-left: 3px solid var(--line); padding-left: 0.6rem; margin: 0.4rem 0; }
.header { font-size: 13px; }
`;

function sha256(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/**
 * What the page may load: its own inline script and style (by hash) and the OpenAPI document from
 * this server, nothing else, so a description rendered into it cannot pull anything in.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "connect-src 'self'",
  `script-src ${sha256(DOCS_SCRIPT)}`,
  `style-src ${sha256(DOCS_STYLE)}`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The whole page. */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slipway API</title>
<style>${DOCS_STYLE}</style>
</head>
<body>
<input id="filter" type="search" placeholder="Filter operations: a path, a method, an operationId…" aria-label="Filter operations">
<main id="app"><p class="muted">Loading the API description from <code>/api/openapi.json</code>…</p></main>
<script>${DOCS_SCRIPT}</script>
</body>
</html>
`;
