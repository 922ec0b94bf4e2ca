/**
 * The one-document loopback server of Evidently's report (src/core/monitoring/reportServer.ts),
 * over real HTTP: only the secret path answers, with the document byte for byte and a CSP that
 * sandboxes it and allows no network; behind a path proxy too; nothing after close.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import test from 'node:test';
import { createHash } from 'node:crypto';
import { inlineScripts, reportDocumentCsp, serveReport } from '../../src/core/monitoring/reportServer.js';

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const report = '<!DOCTYPE html><html><body><script>document.body.append("é ✓")</script></body></html>';

test('the secret path serves the report with a sandboxing, network-less CSP; any other path is 404', async () => {
  const served = await serveReport(report);
  try {
    const url = new URL(served.url);
    assert.equal(url.hostname, '127.0.0.1');
    const token = url.pathname.split('/')[1]!;
    assert.match(token, /^[0-9a-f]{32}$/);
    const ok = await get(served.port, url.pathname);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, report);
    assert.equal(ok.headers['content-type'], 'text/html; charset=utf-8');
    const csp = String(ok.headers['content-security-policy']);
    assert.equal(csp, reportDocumentCsp(report));
    assert.match(csp, /^sandbox allow-scripts;/);
    assert.doesNotMatch(csp, /allow-same-origin|connect-src|https?:|\*|unsafe-eval|script-src[^;]*unsafe-inline/);
    assert.match(csp, /default-src 'none'/);
    // The report's one inline script, allowed by its hash and nothing else.
    const hash = createHash('sha256').update('document.body.append("é ✓")', 'utf8').digest('base64');
    assert.match(csp, new RegExp(`script-src 'sha256-${hash.replace(/[+/]/g, '\\$&')}';`));
    assert.equal(ok.headers['cache-control'], 'no-store');
    // Behind code-server's path proxy, with or without its prefix kept.
    assert.equal((await get(served.port, `/absproxy/${served.port}/${token}/?x=1`)).body, report);
    assert.equal((await get(served.port, `/${token}/index.html`)).status, 200);
    // HEAD: headers, no body.
    const head = await get(served.port, url.pathname, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    // Wrong or missing token, a guessed prefix, another method.
    for (const path of ['/', '/index.html', `/${token.slice(0, -1)}/`, `/${token}x/`, `/${token}/../`, `/${token}/other.js`]) {
      const res = await get(served.port, path);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(res.body, /script/);
    }
    assert.equal((await get(served.port, url.pathname, 'POST')).status, 405);
  } finally {
    await served.close();
  }
});

test('after close the port answers nothing, and closing twice is harmless', async () => {
  const served = await serveReport(Buffer.from(report));
  const path = new URL(served.url).pathname;
  assert.equal((await get(served.port, path)).status, 200);
  await served.close();
  await served.close();
  await assert.rejects(get(served.port, path), /ECONNREFUSED|ECONNRESET/);
});

test('two reports get two tokens', async () => {
  const [a, b] = await Promise.all([serveReport('a'), serveReport('b')]);
  try {
    assert.notEqual(new URL(a.url).pathname, new URL(b.url).pathname);
    assert.equal((await get(b.port, new URL(a.url).pathname)).status, 404);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('inline scripts are read as a browser hashes them: up to the first </script, sources and empty ones apart', () => {
  const html = '<script>a()</script><SCRIPT type="module">b("</scr" + "ipt>")</SCRIPT ><script src="x.js"></script><script></script><p>x</p><script>tail(';
  assert.deepEqual(inlineScripts(html), ['a()', 'b("</scr" + "ipt>")', '', 'tail(']);
  assert.match(reportDocumentCsp('<p>no script</p>'), /script-src 'none';/);
  // Two identical scripts: one hash.
  assert.equal(reportDocumentCsp('<script>x</script><script>x</script>').match(/sha256-/g)!.length, 1);
});
