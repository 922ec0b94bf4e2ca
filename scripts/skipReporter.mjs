// A node:test reporter that writes one JSON line per skipped or todo test (file, name, reason):
// scripts/run-tests.mjs lists them after the run and fails on a skip without a reason.
export default async function* skipReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { skip, todo, name, file } = event.data;
    if (skip === undefined && todo === undefined) continue;
    yield `${JSON.stringify({ kind: skip !== undefined ? 'skip' : 'todo', reason: skip ?? todo, name, file, failed: event.type === 'test:fail' })}\n`;
  }
}
