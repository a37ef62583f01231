/**
 * The writing side of the SQLite store (plain JavaScript: it is also a worker thread's entry, and
 * a worker thread loads no TypeScript). It runs batches of writes, one transaction per batch;
 * what to write was decided on the main thread (`sqlite-commit.ts`), as statements (by their index
 * in the statement table) with their parameters.
 *
 * A batch comes flat, as it is cheapest to copy between threads: for each item (a write), the
 * number of its statements, then for each statement its index, the number of its parameters and
 * the parameters. `want` lists the items whose statement results are wanted, in order.
 *
 * Batches are worked out ahead, each on top of the ones before it: a batch sent before its sender
 * heard of a failed one (its `epoch` is older than the number of failures) was worked out on writes
 * that were rolled back, so it is skipped, not written. Types: `sqlite-writer.d.mts`.
 *
 * Run as a worker (`workerData.sqliteWriter`), it owns the database file's writing connection, so
 * the main thread never waits for a disk flush: it posts `{batch, epoch, writes, want}` and hears
 * `{batch, results}` once the transaction is on disk, `{batch, failedAt, error}` when item
 * `failedAt` threw, or the transaction itself (`failedAt` -1: it could not begin or commit; a
 * deferred constraint, a full disk), the whole batch rolled back either way, or
 * `{batch, skipped: true}`.
 */
import Database from 'better-sqlite3';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Prepares `statements` ({name: {sql, returning}}, in table order) on `db`; returns the batch runner. */
export function openWriter(db, statements) {
  const names = Object.keys(statements);
  const prepared = names.map((name) => ({
    statement: db.prepare(statements[name].sql),
    returning: statements[name].returning,
  }));
  let failures = 0;
  /** The item being written; -1 outside them (beginning or committing the transaction). */
  let at = -1;
  let statementName = '';
  const all = db.transaction((writes, want) => {
    const results = [];
    let next = 0;
    let wanted = want.length > 0 ? want[0] : -1;
    at = 0;
    for (let i = 0; i < writes.length; at++) {
      const keep = at === wanted ? [] : null;
      for (let n = writes[i++]; n > 0; n--) {
        const index = writes[i++];
        const count = writes[i++];
        const params = writes.slice(i, i + count);
        i += count;
        statementName = names[index];
        const { statement, returning } = prepared[index];
        if (returning) {
          const rows = statement.all(...params);
          keep?.push({ changes: 0, rows });
        } else {
          const { changes } = statement.run(...params);
          keep?.push({ changes, rows: [] });
        }
      }
      if (keep) {
        results.push(keep);
        wanted = ++next < want.length ? want[next] : -1;
      }
    }
    at = -1;
    statementName = 'COMMIT';
    return results;
  });
  return ({ epoch, writes, want }) => {
    if (epoch < failures) return { skipped: true };
    at = -1;
    statementName = 'BEGIN';
    try {
      // `immediate`: take the write lock before the first statement.
      return { results: all.immediate(writes, want) };
    } catch (err) {
      failures++;
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
    parentPort.postMessage({ batch: message.batch, ...run(message) });
  });
}
