/**
 * The page around Evidently's report (src/host/monitoring/evidentlyPage.ts): no script of its
 * own, a CSP that allows none, and one sandboxed frame (scripts, no same origin) of the report's
 * served URL, whatever the title and the note hold.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { evidentlyPage } from '../../src/host/monitoring/evidentlyPage.js';

const hostile = '"><script>parent.postMessage(1, "*")</script><b onclick="x">';

test('the page runs nothing: its CSP has no script source and it frames only the report’s origin', () => {
  const page = evidentlyPage({ frameUrl: 'http://127.0.0.1:4711/0123abcd/', title: `Evidently: <iris> ${hostile}`, note: `kept at /tmp/${hostile}.html` });
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(page)![1]!;
  assert.match(csp, /^default-src 'none'/);
  assert.doesNotMatch(csp, /script-src|unsafe-inline|unsafe-eval|\*/);
  assert.match(csp, /frame-src http:\/\/127\.0\.0\.1:4711(;|$)/);
  assert.match(csp, /style-src 'nonce-[A-Za-z0-9+/=]+'/);
  // The hostile text is text: no element or attribute of it.
  assert.doesNotMatch(page, /<script|<b\b|onclick="|srcdoc/);
  const frames = page.match(/<iframe\b[^>]*>/g) ?? [];
  assert.equal(frames.length, 1, 'one frame element in the page');
  assert.match(frames[0]!, /sandbox="allow-scripts"/);
  assert.doesNotMatch(frames[0]!, /allow-same-origin|srcdoc/);
  assert.match(frames[0]!, /src="http:\/\/127\.0\.0\.1:4711\/0123abcd\/"/);
  assert.match(page, /&#60;iris&#62;/);
  // The browser link goes to the same URL.
  assert.match(page, /<a href="http:\/\/127\.0\.0\.1:4711\/0123abcd\/">Open in Browser<\/a>/);
});

test('a proxied URL (code-server’s /proxy/<port>/) is framed by its own origin; other schemes are refused', () => {
  const page = evidentlyPage({ frameUrl: 'https://ide.example.com/proxy/4711/0123abcd/', title: 't', note: 'n' });
  assert.match(page, /frame-src https:\/\/ide\.example\.com;/);
  assert.match(page, /src="https:\/\/ide\.example\.com\/proxy\/4711\/0123abcd\/"/);
  assert.throws(() => evidentlyPage({ frameUrl: 'javascript:alert(1)', title: 't', note: 'n' }), /not a web address/);
  assert.throws(() => evidentlyPage({ frameUrl: 'file:///tmp/report.html', title: 't', note: 'n' }), /not a web address/);
});
