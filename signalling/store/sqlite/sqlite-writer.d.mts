import type { Database } from 'better-sqlite3';

/** A named statement of the store; `returning`: its rows are wanted (it is run with `all`). */
export interface WriteStatement {
  sql: string;
  returning: boolean;
}

/** What a statement did: rows changed, and the rows it returned (when `returning`). */
export interface WriteResult {
  changes: number;
  rows: unknown[];
}

/**
 * A batch, flat: for each item, its number of statements, then for each statement its index in
 * the statement table, its number of parameters and the parameters. `want`: the items (indices,
 * ascending) whose results are wanted. `epoch`: the failures its sender had heard of.
 */
export interface Batch {
  epoch: number;
  writes: unknown[];
  want: number[];
}

export type BatchOutcome =
  | { results: WriteResult[][] }
  | { failedAt: number; error: { message: string; code?: string; statement: string } }
  | { skipped: true };

/** What the worker is started with (`workerData.sqliteWriter`). */
export interface WriterData {
  file: string;
  statements: Record<string, WriteStatement>;
}

/** Prepares `statements` on `db`; the runner writes a batch of items in one transaction. */
export function openWriter(
  db: Database,
  statements: Record<string, WriteStatement>,
): (batch: Batch) => BatchOutcome;
