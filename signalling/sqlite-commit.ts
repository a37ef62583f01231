/**
 * Group commit for the SQLite store: writes that arrive in the same turn of the event loop share
 * one transaction, so one disk flush (`synchronous = FULL`) makes all of them durable. A write's
 * promise settles only after the commit, so whatever awaits it sees it durable. When a write
 * throws, the batch is rolled back and its writes run again one transaction each, so the one that
 * throws rejects alone and the others commit (a rare path: refusals return, they do not throw).
 */
import type { Database } from 'better-sqlite3';

export type Commit = <T>(work: () => T) => Promise<T>;

interface Pending {
  work: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

export function groupCommit(db: Database): Commit {
  let queue: Pending[] = [];
  const all = db.transaction((batch: Pending[]) => {
    for (const item of batch) item.outcome = { ok: true, value: item.work() };
  });
  const one = db.transaction((item: Pending) => {
    item.outcome = { ok: true, value: item.work() };
  });

  function flush(): void {
    const batch = queue;
    queue = [];
    try {
      // `immediate`: take the write lock before the first read.
      all.immediate(batch);
    } catch {
      for (const item of batch) {
        try {
          one.immediate(item);
        } catch (error) {
          item.outcome = { ok: false, error };
        }
      }
    }
    for (const item of batch) {
      const outcome = item.outcome!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    }
  }

  return <T>(work: () => T) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (queue.length === 1) setImmediate(flush);
    });
}
