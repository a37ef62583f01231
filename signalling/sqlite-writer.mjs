/**
 * The writing side of the SQLite store (plain JavaScript: it is also a worker thread's entry, and
 * a worker thread loads no TypeScript). It runs batches of writes, one transaction per batch;
 * what to write was decided on the main thread (`sqlite-commit.ts`), as named statements with
 * their parameters.
 *
 * Run as a worker (`workerData.sqliteWriter`), it owns the database file's writing connection, so
 * the main thread never waits for a disk flush: it posts `{batch, items}` and hears
 * `{batch, results}` once the transaction is on disk, or `{batch, failedAt, error}` when item
 * `failedAt` threw (the whole batch rolled back). Types: `sqlite-writer.d.mts`.
 */
import Database from 'better-sqlite3';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Prepares `statements` ({name: {sql, returning}}) on `db`; returns the batch runner. */
export function openWriter(db, statements) {
  const prepared = new Map();
  for (const [name, { sql, returning }] of Object.entries(statements)) {
    prepared.set(name, { statement: db.prepare(sql), returning });
  }
  let at = 0;
  let statementName = '';
  const all = db.transaction((items) => {
    const results = [];
    for (at = 0; at < items.length; at++) {
      const itemResults = [];
      for (const [name, params] of items[at]) {
        statementName = name;
        const { statement, returning } = prepared.get(name);
        itemResults.push(
          returning
            ? { changes: 0, rows: statement.all(...params) }
            : { changes: statement.run(...params).changes, rows: [] },
        );
      }
      results.push(itemResults);
    }
    return results;
  });
  return (items) => {
    try {
      // `immediate`: take the write lock before the first statement.
      return { results: all.immediate(items) };
    } catch (err) {
      return {
        failedAt: at,
        error: { message: String(err?.message ?? err), code: err?.code, statement: statementName },
      };
    }
  };
}

if (!isMainThread && workerData?.sqliteWriter) {
  const { file, statements } = workerData.sqliteWriter;
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const run = openWriter(db, statements);
  parentPort.on('message', (message) => {
    if (message.close) {
      db.close();
      parentPort.close();
      return;
    }
    parentPort.postMessage({ batch: message.batch, ...run(message.items) });
  });
}
