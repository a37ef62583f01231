import type { Database } from 'better-sqlite3';

/** A named statement of the store; `returning`: its rows are wanted (it is run with `all`). */
export interface WriteStatement {
  sql: string;
  returning: boolean;
}

/** One statement to run: its name and its (positional or one named-object) parameters. */
export type Write = [name: string, params: unknown[]];

/** What a statement did: rows changed, and the rows it returned (when `returning`). */
export interface WriteResult {
  changes: number;
  rows: unknown[];
}

export type BatchOutcome =
  | { results: WriteResult[][] }
  | { failedAt: number; error: { message: string; code?: string; statement: string } };

/** What the worker is started with (`workerData.sqliteWriter`). */
export interface WriterData {
  file: string;
  statements: Record<string, WriteStatement>;
}

/** Prepares `statements` on `db`; the runner writes a batch of items in one transaction. */
export function openWriter(
  db: Database,
  statements: Record<string, WriteStatement>,
): (items: Write[][]) => BatchOutcome;
