/**
 * bench/team.ts's in-process rows: `core URL EXP PAGE [FILTER [ORDER]]` lists every run through
 * RestTrackingStore.searchRunPages (what the CLI prints from), counting and dropping each page (a
 * listing costs minutes at 100,000 runs: the harness leaves it out, the CLI row stands for it);
 * `floor URL EXP PAGE [FILTER [ORDER]]` asks the server for the same pages with a bare HTTP client
 * that never parses a run (only the token at the end of each answer): the server's own time.
 * stdout: {"seconds", "count"}.
 */
import { request } from 'node:http';
import { RestTrackingStore } from '../src/core/tracking/rest/restStore';

const [mode, url, experimentId, pageText, filter, orderBy] = process.argv.slice(2);
const pageSize = Number(pageText);

async function main(): Promise<void> {
  const started = performance.now();
  let count = 0;
  if (mode === 'core') {
    const store = new RestTrackingStore(url!);
    for await (const page of store.searchRunPages({ experimentIds: [experimentId!], pageSize, ...(filter ? { filter } : {}), ...(orderBy ? { orderBy: [orderBy] } : {}) })) count += page.items.length;
    store.dispose();
  } else {
    let token: string | undefined;
    do {
      const body = JSON.stringify({ experiment_ids: [experimentId], max_results: pageSize, page_token: token, filter, order_by: orderBy ? [orderBy] : undefined });
      const text = await post(`${url}/api/2.0/mlflow/runs/search`, body);
      count += text.split('"run_uuid"').length - 1;
      token = /"next_page_token"\s*:\s*"([^"]+)"/.exec(text.slice(-2000))?.[1];
    } while (token);
  }
  process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - started) / 1000, count })}\n`);
}

void main();

function post(target: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const outgoing = request(target, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
