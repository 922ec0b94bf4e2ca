import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import initSqlJs from 'sql.js';
import { bucketStarts } from '../../src/core/tracking/sqliteRuns.js';

test("bucketStarts gives the first row of each of SQLite's NTILE(n) groups", async () => {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE t (i INTEGER)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  for (let i = 0; i < 400; i++) insert.run([i]);
  insert.free();
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 120 }), (total, buckets) => {
      const [result] = db.exec(`SELECT MIN(i) FROM (SELECT i, NTILE(${buckets}) OVER (ORDER BY i) AS b FROM t WHERE i < ${total}) GROUP BY b ORDER BY 1`);
      const starts = (result?.values ?? []).map((row) => Number(row[0]));
      assert.deepEqual(bucketStarts(total, buckets), starts);
    }),
    { numRuns: 300 },
  );
  db.close();
});
