/**
 * Group commit for the SQLite store. Writes that arrive while a batch is being written (or in the
 * same turn of the event loop) go together into a later batch: one transaction, one disk flush
 * (`synchronous = FULL`) for all of them.
 *
 * A write's work runs on the main thread, against what is on disk plus the batches not yet on
 * disk (`Writer.local`), and names the statements to run; the statements run on the writer
 * (`sqlite-writer.mjs`): a worker thread that owns the file's writing connection, so the main
 * thread goes on serving while the disk flushes (for an in-memory database, the same writer runs
 * in this thread). The next batch is worked out while one is being flushed (`MAX_IN_FLIGHT`), and
 * a batch holds `MAX_BATCH` writes at most, so a burst of writes never holds the main thread for
 * long. A write's promise settles only after its batch is on disk, so whatever awaits it sees it
 * durable, and so does the main thread's reading connection. When a statement throws, the batch
 * is rolled back, that write rejects alone (`SqliteWriteError`), and the others, with those of the
 * batches worked out on top of it, are worked out again (so their work must be synchronous and
 * pure).
 */
import type { Database } from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import {
  openWriter,
  type Batch,
  type BatchOutcome,
  type WriteResult,
  type WriteStatement,
  type WriterData,
} from './sqlite-writer.mjs';

export type { WriteResult, WriteStatement };

/** Writes in one batch at most: bounds the main thread's turn working them out, and the transaction. */
const MAX_BATCH = 256;

/** Batches handed to the writer at once: the next is worked out while the one before is flushed. */
const MAX_IN_FLIGHT = 2;

/** What a write's work gets: the statements it runs, and the scratch of batches not yet on disk. */
export interface Writer<N extends string = string> {
  /** Runs statement `name` with `params` in this write's transaction. */
  run(name: N, ...params: unknown[]): void;
  /**
   * What the writes not yet on disk (this batch's, and those of the batches being written) left
   * that a later write must read: the reading connection sees only what is on disk. Forgotten
   * once on disk, or rolled back.
   */
  readonly local: Scratch;
}

export interface Scratch {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
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

/** A batch handed to the writer: its writes, and what they left for later writes to read. */
interface Sent {
  items: Item[];
  scratch: Map<string, unknown>;
}

/** Writes a batch (one transaction) and tells how it went. */
type Send = (batch: Batch) => Promise<BatchOutcome>;

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
  const index = new Map(Object.keys(statements).map((name, i) => [name, i]));
  let queue: Item[] = [];
  /** Batches handed to the writer, oldest first; their outcomes come back in this order. */
  const inFlight: Sent[] = [];
  /** Failures heard of (the writer skips batches worked out before the last one). */
  let epoch = 0;
  /** After a failure: the writes to work out again once the batches in flight are back. */
  let redo: Item[] | null = null;
  let scheduled = false;
  let drained: (() => void) | null = null;

  const schedule = () => {
    if (scheduled || redo || inFlight.length >= MAX_IN_FLIGHT || queue.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      send();
    });
  };

  /** Newest first: this batch's scratch, then those of the batches in flight. */
  const scratchOf = (own: Map<string, unknown>): Scratch => ({
    get(key) {
      if (own.has(key)) return own.get(key);
      for (let i = inFlight.length - 1; i >= 0; i--) {
        if (inFlight[i]!.scratch.has(key)) return inFlight[i]!.scratch.get(key);
      }
      return undefined;
    },
    set: (key, value) => void own.set(key, value),
  });

  /** Works out the next batch and hands it to the writer. */
  function send(): void {
    const items = queue.length > MAX_BATCH ? queue.splice(0, MAX_BATCH) : queue;
    if (items === queue) queue = [];
    const scratch = new Map<string, unknown>();
    const local = scratchOf(scratch);
    const sent: Item[] = [];
    const writes: unknown[] = [];
    const want: number[] = [];
    for (const item of items) {
      const start = writes.length;
      let count = 0;
      writes.push(0);
      try {
        item.value = item.work({
          run(name, ...params) {
            writes.push(index.get(name), params.length, ...params);
            count++;
          },
          local,
        });
      } catch (err) {
        writes.length = start;
        item.reject(err);
        continue;
      }
      writes[start] = count;
      if (item.result) want.push(sent.length);
      sent.push(item);
    }
    if (sent.length === 0) return settled();
    if (writes.length === sent.length && inFlight.length === 0) {
      // Nothing to write, and nothing it was worked out on is still to be written.
      for (const item of sent) item.resolve(item.result ? item.result([]) : item.value);
      return settled();
    }
    const batch: Sent = { items: sent, scratch };
    inFlight.push(batch);
    writer.send({ epoch, writes, want }).then(
      (outcome) => heard(batch, outcome),
      (err: unknown) =>
        heard(batch, { failedAt: -1, error: { message: String(err), statement: '(writer)' } }),
    );
    schedule();
  }

  /** A batch's outcome (they come back in the order they were sent). */
  function heard(batch: Sent, outcome: BatchOutcome): void {
    inFlight.shift();
    if ('results' in outcome) {
      let r = 0;
      for (const item of batch.items) {
        item.resolve(item.result ? item.result(outcome.results[r++]!) : item.value);
      }
    } else if ('skipped' in outcome) {
      (redo ??= []).push(...batch.items);
    } else {
      // One write failed (the others are worked out again), or the whole transaction did (a
      // deferred constraint or a full disk at commit, or no writer): then all of them fail.
      const failed = outcome.failedAt < 0 ? batch.items : [batch.items[outcome.failedAt]!];
      for (const item of failed) item.reject(new SqliteWriteError(outcome.error));
      // The batches in flight were worked out on top of this one: the writer skips them.
      epoch++;
      redo = batch.items.filter((item) => !failed.includes(item));
    }
    if (redo && inFlight.length === 0) {
      queue = [...redo, ...queue];
      redo = null;
    }
    settled();
  }

  function settled(): void {
    schedule();
    if (!scheduled && inFlight.length === 0 && queue.length === 0) drained?.();
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
    if (scheduled || inFlight.length > 0 || queue.length > 0) {
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
  return { send: async (batch) => run(batch), close: async () => undefined };
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
    send({ epoch, writes, want }) {
      if (failure) return Promise.reject(failure);
      const batch = next++;
      worker.ref();
      worker.postMessage({ batch, epoch, writes, want });
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
