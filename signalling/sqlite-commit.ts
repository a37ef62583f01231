/**
 * Group commit for the SQLite store. Writes that arrive while a batch is being written (or in the
 * same turn of the event loop) go together into the next batch: one transaction, one disk flush
 * (`synchronous = FULL`) for all of them.
 *
 * A write's work runs on the main thread, against what is on disk plus the batch so far
 * (`Writer.local`), and names the statements to run; the statements run on the writer
 * (`sqlite-writer.mjs`): a worker thread that owns the file's writing connection, so the main
 * thread goes on serving while the disk flushes (for an in-memory database, the same writer runs
 * in this thread). A write's promise settles only after its batch is on disk, so whatever awaits
 * it sees it durable, and so does the main thread's reading connection. When a statement throws,
 * the batch is rolled back, that write rejects alone (`SqliteWriteError`), and the others are
 * worked out again into the next batch (so their work must be synchronous and pure).
 */
import type { Database } from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import {
  openWriter,
  type BatchOutcome,
  type Write,
  type WriteResult,
  type WriteStatement,
  type WriterData,
} from './sqlite-writer.mjs';

export type { WriteResult, WriteStatement };

/** What a write's work gets: the statements it runs, and the batch's scratch (see `local`). */
export interface Writer<N extends string = string> {
  /** Runs statement `name` with `params` in this write's transaction. */
  run(name: N, ...params: unknown[]): void;
  /**
   * Lives as long as the batch: what an earlier write of the batch wrote that a later one must
   * read (the reading connection sees only what is on disk).
   */
  readonly local: Map<string, unknown>;
}

export interface Commit<N extends string = string> {
  /** Works out a write now or soon, and resolves with what `work` returned once it is on disk. */
  <T>(work: (w: Writer<N>) => T): Promise<T>;
  /** One statement, on its own in the batch's transaction: resolves with what it did. */
  run(name: N, ...params: unknown[]): Promise<WriteResult>;
  /** Waits for what was asked to be written, then stops the writer. */
  close(): Promise<void>;
}

/** A statement of the batch threw; its write was not made (nor was the rest of the batch). */
export class SqliteWriteError extends Error {
  override readonly name = 'SqliteWriteError';
  /** SQLite's extended code, e.g. `SQLITE_CONSTRAINT_UNIQUE`. */
  readonly code: string | undefined;
  /** The statement that threw. */
  readonly statement: string;

  constructor(error: { message: string; code?: string; statement: string }) {
    super(`${error.statement}: ${error.message}`);
    this.code = error.code;
    this.statement = error.statement;
  }
}

interface Item {
  work: (w: Writer) => unknown;
  /** Maps the write's results to its value (`run`); otherwise the work's return value is it. */
  result?: (results: WriteResult[]) => unknown;
  value?: unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Writes a batch (one transaction) and tells how it went. */
type Send = (items: Write[][]) => Promise<BatchOutcome>;

/**
 * `file`: the database file, written by a worker thread; null for an in-memory database, written
 * through `db` in this thread. `statements`: every statement a write may name.
 */
export function groupCommit<N extends string>(
  db: Database,
  file: string | null,
  statements: Record<N, WriteStatement>,
): Commit<N> {
  const writer = file ? workerWriter(file, statements) : inThreadWriter(db, statements);
  let queue: Item[] = [];
  let writing = false;
  let scheduled = false;
  let drained: (() => void) | null = null;

  const schedule = () => {
    if (writing || scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void flush();
    });
  };

  async function flush(): Promise<void> {
    const batch = queue;
    queue = [];
    const local = new Map<string, unknown>();
    const sent: Item[] = [];
    const items: Write[][] = [];
    for (const item of batch) {
      const writes: Write[] = [];
      try {
        item.value = item.work({
          run: (name, ...params) => void writes.push([name, params]),
          local,
        });
      } catch (err) {
        item.reject(err);
        continue;
      }
      sent.push(item);
      items.push(writes);
    }
    let outcome: BatchOutcome;
    if (items.every((writes) => writes.length === 0)) {
      outcome = { results: items.map(() => []) };
    } else {
      writing = true;
      try {
        outcome = await writer.send(items);
      } catch (err) {
        outcome = { failedAt: -1, error: { message: String(err), statement: '(writer)' } };
      }
      writing = false;
    }
    if ('results' in outcome) {
      sent.forEach((item, i) =>
        item.resolve(item.result ? item.result(outcome.results[i]!) : item.value),
      );
    } else if (outcome.failedAt < 0) {
      for (const item of sent) item.reject(new SqliteWriteError(outcome.error));
    } else {
      const failed = sent[outcome.failedAt]!;
      failed.reject(new SqliteWriteError(outcome.error));
      queue = [...sent.filter((item) => item !== failed), ...queue];
    }
    if (queue.length > 0) schedule();
    else drained?.();
  }

  const enqueue = (item: Omit<Item, 'resolve' | 'reject'>) =>
    new Promise<unknown>((resolve, reject) => {
      queue.push({ ...item, resolve, reject });
      schedule();
    });

  const commit = (<T>(work: (w: Writer<N>) => T) =>
    enqueue({ work: work as (w: Writer) => unknown }) as Promise<T>) as Commit<N>;
  commit.run = (name, ...params) =>
    enqueue({
      work: (w) => w.run(name, ...params),
      result: (results) => results[0],
    }) as Promise<WriteResult>;
  commit.close = async () => {
    if (writing || scheduled || queue.length > 0) {
      await new Promise<void>((resolve) => (drained = resolve));
    }
    await writer.close();
  };
  return commit;
}

interface BatchWriter {
  send: Send;
  close(): Promise<void>;
}

function inThreadWriter(db: Database, statements: Record<string, WriteStatement>): BatchWriter {
  const run = openWriter(db, statements);
  return { send: async (items) => run(items), close: async () => undefined };
}

/** The writer in its own thread; it keeps the process alive only while it writes. */
function workerWriter(file: string, statements: Record<string, WriteStatement>): BatchWriter {
  const sqliteWriter: WriterData = { file, statements };
  const worker = new Worker(new URL('./sqlite-writer.mjs', import.meta.url), {
    workerData: { sqliteWriter },
  });
  worker.unref();
  const waiting = new Map<number, { resolve(o: BatchOutcome): void; reject(e: unknown): void }>();
  let failure: Error | null = null;
  let next = 0;
  const fail = (err: Error) => {
    failure = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (m: BatchOutcome & { batch: number }) => {
    const w = waiting.get(m.batch);
    waiting.delete(m.batch);
    if (waiting.size === 0) worker.unref();
    w?.resolve(m);
  });
  worker.on('error', fail);
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      fail(new Error(`the SQLite writer stopped (exit code ${code})`));
      resolve();
    }),
  );
  return {
    send(items) {
      if (failure) return Promise.reject(failure);
      const batch = next++;
      worker.ref();
      worker.postMessage({ batch, items });
      return new Promise((resolve, reject) => waiting.set(batch, { resolve, reject }));
    },
    async close() {
      // Held until it has exited: an unreferenced worker lets the process end (with code 0)
      // while its owner still awaits the close, which silently ended test runs as passed.
      worker.ref();
      worker.postMessage({ close: true });
      await exited;
    },
  };
}
