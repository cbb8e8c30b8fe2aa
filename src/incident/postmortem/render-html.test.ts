import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderPostmortemHtml } from './render-html.js';

test('the postmortem renders to one self-contained page with its headings, tables and code', () => {
  const html = renderPostmortemHtml(
    '# Postmortem: pool\n\n## Root Cause\n\n- **db.pool** `select 1`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    'Postmortem <1>',
  );
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<title>Postmortem &lt;1&gt;<\/title>/);
  assert.match(html, /<h2>Root Cause<\/h2>/);
  assert.match(html, /<strong>db\.pool<\/strong> <code>select 1<\/code>/);
  assert.match(html, /<td>1<\/td>/);
  assert.doesNotMatch(html, /<script|<link|src=/);
});

test('raw HTML, javascript: links and images in an edited postmortem cannot run or load anything', () => {
  const html = renderPostmortemHtml(
    '<script>alert(1)</script>\n\n[click](javascript:alert(1)) [runbook](docs/runbooks/X.md) ![x](http://example.invalid/x.png) <img src=x onerror=alert(1)>',
    't',
  );
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(html, /href="javascript/);
  assert.match(html, /<a href="docs\/runbooks\/X\.md">runbook<\/a>/);
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /\[x\]/);
});
