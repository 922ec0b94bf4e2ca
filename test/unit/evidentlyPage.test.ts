/**
 * The page around Evidently's report (src/host/monitoring/evidentlyPage.ts): the report is one
 * attribute of a sandboxed frame (scripts, no same origin), whatever it holds; the page's CSP
 * allows no network.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { evidentlyPage } from '../../src/host/monitoring/evidentlyPage.js';

test('a hostile report stays inside the sandboxed frame’s attribute', () => {
  const report = '<html><body>"></iframe><script>parent.postMessage(1, "*")</script>&amp; <b onclick="x">b</b></body></html>';
  const page = evidentlyPage(report, 'Evidently: <iris> "v3"');
  const frames = page.match(/<iframe\b[^>]*>/g) ?? [];
  assert.equal(frames.length, 1, 'one frame element in the page');
  assert.match(frames[0]!, /sandbox="allow-scripts"/);
  assert.doesNotMatch(frames[0]!, /allow-same-origin/);
  // Outside the attribute there is no script and no markup of the report.
  const outside = page.replace(/srcdoc="[^"]*"/, 'srcdoc=""');
  assert.doesNotMatch(outside, /<script|onclick|postMessage/);
  assert.match(page, /&lt;iris&gt;|&#60;iris&#62;/);
  // The attribute holds the report exactly (a browser decodes &amp; and &quot;).
  const attribute = /srcdoc="([^"]*)"/.exec(page)![1]!;
  assert.equal(attribute.replace(/&quot;/g, '"').replace(/&amp;/g, '&'), report);
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(page)![1]!;
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /connect-src|https?:|\*/);
});
