import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupCommit, SqliteWriteError } from './sqlite-commit.js';

/** A parent table and a child whose reference is checked only when the transaction commits. */
const SCHEMA = `
CREATE TABLE parent (id TEXT PRIMARY KEY);
CREATE TABLE child (id TEXT PRIMARY KEY,
  parent_id TEXT NOT NULL REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
`;

const STATEMENTS = {
  parent: { sql: 'INSERT INTO parent (id) VALUES (?)', returning: false },
  child: { sql: 'INSERT INTO child (id, parent_id) VALUES (?, ?)', returning: false },
};

describe('group commit', () => {
  for (const where of [':memory:', 'a data dir (written by the writer thread)'] as const) {
    it(`fails every write of a batch whose transaction cannot commit, and goes on (${where})`, async () => {
      const file = where === ':memory:' ? null : join(mkdtempSync(join(tmpdir(), 'vs-gc-')), 'db');
      const db = new Database(file ?? ':memory:');
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.exec(SCHEMA);
      const commit = groupCommit(db, file, STATEMENTS);
      // One turn: a parent, and a child of a parent that does not exist (found out at COMMIT).
      const results = await Promise.allSettled([
        commit.run('parent', 'a'),
        commit.run('child', 'c1', 'nobody'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      for (const r of results) {
        const reason = (r as PromiseRejectedResult).reason as SqliteWriteError;
        expect(reason).toBeInstanceOf(SqliteWriteError);
        expect(reason.code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
        expect(reason.statement).toBe('COMMIT');
      }
      expect(db.prepare('SELECT count(*) AS n FROM parent').get()).toEqual({ n: 0 });
      // The next writes go through.
      await commit.run('parent', 'b');
      await commit.run('child', 'c2', 'b');
      expect(db.prepare('SELECT id, parent_id FROM child').all()).toEqual([
        { id: 'c2', parent_id: 'b' },
      ]);
      await commit.close();
      db.close();
    });
  }
});
