import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuplicateEventError, type SessionRecord } from '../store.js';
import { SCHEMA_VERSION } from './sqlite-schema.js';
import { openSqliteStore } from './sqlite-store.js';

const FOUNDATION_SCHEMA = `
CREATE TABLE sessions (id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL, status TEXT NOT NULL,
  agent_id TEXT NOT NULL, agent_name TEXT NOT NULL, customer_name TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, ended_at INTEGER, ended_by TEXT,
  end_reason TEXT);
CREATE INDEX sessions_ticket ON sessions (ticket_id);
CREATE TABLE participants (session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  role TEXT NOT NULL, resume_key_hash TEXT NOT NULL, PRIMARY KEY (session_id, role));
`;

/** The least of a session record the store needs (it keeps the rest as given). */
const record = (id: string) =>
  ({
    id,
    status: 'created',
    ticketId: 'T',
    eventSeq: 0,
    createdAt: 1,
    transitions: [],
    expiresAt: 10,
    answerBy: null,
  }) as unknown as SessionRecord;

describe('the SQLite store', () => {
  it('upgrades a data dir written by the foundation, keeping sessions and resume keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vs-migrate-'));
    const old = new Database(join(dir, 'sessions.sqlite'));
    old.exec(FOUNDATION_SCHEMA);
    old
      .prepare(
        `INSERT INTO sessions VALUES ('ses_a', 'T-1', 'waiting', 'ag', 'Sam', 'Bob', 1000, 9000, NULL, NULL, NULL),
      ('ses_b', 'T-1', 'ended', 'ag', 'Sam', 'Eve', 2000, 9000, 3000, NULL, 'ended-by-host')`,
      )
      .run();
    old.prepare(`INSERT INTO participants VALUES ('ses_a', 'customer', 'hash-a')`).run();
    old.close();

    const store = openSqliteStore(dir);
    expect(await store.get('ses_a')).toMatchObject({
      ticketId: 'T-1',
      status: 'waiting',
      agent: { id: 'ag', name: 'Sam' },
      customerName: 'Bob',
      visibility: 'public',
      origin: 'api',
      expiresAt: 9000,
      eventSeq: 0,
    });
    expect(await store.get('ses_b')).toMatchObject({
      status: 'ended',
      endedAt: 3000,
      endedBy: 'host',
    });
    expect(await store.getResumeKeyHash('ses_a', 'customer')).toBe('hash-a');
    expect((await store.listByTicket('T-1', 10)).map((s) => s.id)).toEqual(['ses_b', 'ses_a']);
    expect(await store.due(10_000, 10)).toEqual(['ses_a']); // live and past its end; ses_b is final
    await store.close();
    const db = new Database(join(dir, 'sessions.sqlite'));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const fk = db.pragma('foreign_key_list(participants)') as Array<{ table: string }>;
    expect(fk.map((f) => f.table)).toEqual(['sessions']);
    db.close();
    // Opening again is a no-op.
    await openSqliteStore(dir).close();
  });

  it('upgrades a schema 2 data dir (the head-of-queue index goes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vs-migrate2-'));
    await openSqliteStore(dir).close();
    const db = new Database(join(dir, 'sessions.sqlite'));
    db.exec(`CREATE INDEX outbox_pending ON outbox (session_id, seq) WHERE status = 'pending'`);
    db.pragma('user_version = 2');
    db.close();
    await openSqliteStore(dir).close();
    const after = new Database(join(dir, 'sessions.sqlite'));
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const indexes = after
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'`)
      .all();
    expect(indexes.map((i) => (i as { name: string }).name)).not.toContain('outbox_pending');
    after.close();
  });

  it('upgrades a schema 3 data dir (files and uploads), keeping its sessions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vs-migrate3-'));
    await openSqliteStore(dir).close();
    const db = new Database(join(dir, 'sessions.sqlite'));
    db.exec('DROP TABLE uploads; DROP TABLE files;');
    db.prepare(
      `INSERT INTO sessions (id, ticket_id, status, created_at, doc) VALUES (?, ?, ?, ?, ?)`,
    ).run(
      'ses_v3',
      'T-3',
      'ended',
      1,
      JSON.stringify({ id: 'ses_v3', ticketId: 'T-3', status: 'ended' }),
    );
    db.pragma('user_version = 3');
    db.close();
    const store = openSqliteStore(dir);
    expect(await store.get('ses_v3')).toMatchObject({ ticketId: 'T-3' });
    expect(await store.files.filesOfSession('ses_v3')).toEqual([]);
    await store.close();
    const after = new Database(join(dir, 'sessions.sqlite'));
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    after.close();
  });

  it('upgrades a schema 4 data dir, keying files and uploads on session, uploader and ref', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vs-migrate4-'));
    await openSqliteStore(dir).close();
    const db = new Database(join(dir, 'sessions.sqlite'));
    db.exec(`DROP TABLE uploads; DROP TABLE files;
      CREATE TABLE uploads (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, ref TEXT NOT NULL,
        updated_at INTEGER NOT NULL, doc TEXT NOT NULL, UNIQUE (session_id, ref));
      CREATE TABLE files (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, ref TEXT NOT NULL,
        created_at INTEGER NOT NULL, doc TEXT NOT NULL, UNIQUE (session_id, ref));`);
    const described = { sessionId: 'ses_4', kind: 'screenshot', name: 'a.png', type: 'image/png' };
    const upload = { ...described, id: 'upl_a', ref: 'r1', size: 100, offset: 40, by: 'agent' };
    const file = {
      ...described,
      id: 'fil_b',
      uploadId: 'upl_b',
      ref: 'r2',
      size: 70,
      by: 'customer',
    };
    db.prepare('INSERT INTO uploads VALUES (?, ?, ?, ?, ?)').run(
      'upl_a',
      'ses_4',
      'r1',
      5,
      JSON.stringify(upload),
    );
    db.prepare('INSERT INTO files VALUES (?, ?, ?, ?, ?)').run(
      'fil_b',
      'ses_4',
      'r2',
      6,
      JSON.stringify(file),
    );
    db.pragma('user_version = 4');
    db.close();
    const store = openSqliteStore(dir);
    expect(await store.files.uploadByRef('ses_4', 'agent', 'r1')).toMatchObject({ id: 'upl_a' });
    expect(await store.files.uploadByRef('ses_4', 'customer', 'r1')).toBeNull();
    expect(await store.files.fileByRef('ses_4', 'customer', 'r2')).toMatchObject({ id: 'fil_b' });
    expect(await store.files.usage('ses_4', 'agent')).toEqual({
      sessionBytes: 170,
      uploads: 1,
      pendingBytes: 60,
    });
    await store.close();
    const after = new Database(join(dir, 'sessions.sqlite'));
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    after.close();
  });

  it('upgrades a schema 5 data dir with a table of short invite links', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vs-migrate5-'));
    await openSqliteStore(dir).close();
    const db = new Database(join(dir, 'sessions.sqlite'));
    db.exec('DROP TABLE invites');
    db.pragma('user_version = 5');
    db.close();
    const store = openSqliteStore(dir);
    await store.insert(record('ses_5'), []);
    const invite = {
      codeHash: 'h'.repeat(43),
      sessionId: 'ses_5',
      role: 'customer' as const,
      createdAt: 10,
      expiresAt: 2000,
    };
    await store.invites.insert(invite);
    expect(await store.invites.get(invite.codeHash)).toEqual(invite);
    expect(await store.invites.get('other')).toBeNull();
    expect(await store.invites.prune(2000)).toBe(0); // expired before 2000: none
    expect(await store.invites.prune(2001)).toBe(1);
    expect(await store.invites.get(invite.codeHash)).toBeNull();
    await store.close();
    const after = new Database(join(dir, 'sessions.sqlite'));
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const fk = after.pragma('foreign_key_list(invites)') as Array<{ table: string }>;
    expect(fk.map((f) => f.table)).toEqual(['sessions']);
    after.close();
  });

  for (const where of [':memory:', 'a data dir (written by the writer thread)'] as const) {
    it(`commits the writes of one turn together; a write that throws fails alone (${where})`, async () => {
      const dir = where === ':memory:' ? where : mkdtempSync(join(tmpdir(), 'vs-commit-'));
      const store = openSqliteStore(dir);
      const event = (id: string, sessionId: string) => ({
        id,
        sessionId,
        sequence: 1,
        type: 'session.created',
        body: '{}',
        createdAt: 1,
      });
      await Promise.all(['a', 'b', 'c'].map((s) => store.insert(record(s), [])));
      await store.insert(record('d'), [event('msg_taken', 'd')]);
      // Same turn: four changes, the second reusing an event id, the fourth changing the same
      // session after it (so it must be worked out again without the failed change).
      const results = await Promise.allSettled([
        store.update('a', (s) => ({
          session: { ...s, status: 'waiting' },
          events: [event('msg_a', 'a')],
        })),
        store.update('b', (s) => ({
          session: { ...s, status: 'waiting', eventSeq: s.eventSeq + 1 },
          events: [event('msg_taken', 'b')],
        })),
        store.update('c', (s) => ({
          session: { ...s, status: 'waiting' },
          events: [event('msg_c', 'c')],
        })),
        store.update('b', (s) => ({ session: { ...s, eventSeq: s.eventSeq + 1 }, events: [] })),
      ]);
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventError);
      expect((await store.get('a'))!.status).toBe('waiting');
      expect(await store.get('b')).toMatchObject({ status: 'created', eventSeq: 1 });
      expect((await store.get('c'))!.status).toBe('waiting');
      // The next change starts from the record as committed, never from the failed change.
      const next = await store.update('b', (s) => ({ session: s, events: [] }));
      expect(next.ok && next.value.before).toMatchObject({ status: 'created', eventSeq: 1 });
      expect((await store.outbox.list({ limit: 10 })).map((r) => r.id).sort()).toEqual([
        'msg_a',
        'msg_c',
        'msg_taken',
      ]);
      await store.close();
    });
  }

  for (const where of [':memory:', 'a data dir (written by the writer thread)'] as const) {
    it(`works a burst out in batches, each on the one before; a failed write has the writes worked out on it done again (${where})`, async () => {
      const dir = where === ':memory:' ? where : mkdtempSync(join(tmpdir(), 'vs-commit-'));
      const store = openSqliteStore(dir);
      const sessions = Array.from({ length: 10 }, (_, i) => `s${i}`);
      await Promise.all(sessions.map((s) => store.insert(record(s), [])));
      await store.insert(record('t'), [
        { id: 'msg_taken', sessionId: 't', sequence: 1, type: 'x', body: '{}', createdAt: 1 },
      ]);
      // 600 changes in one turn (more than one batch holds), each session's building on its
      // previous one; the sixth reuses an event id, so its whole batch is rolled back.
      const changes = Array.from({ length: 600 }, (_, i) =>
        store.update(sessions[i % 10]!, (s) => ({
          session: { ...s, eventSeq: s.eventSeq + 1 },
          events: [
            {
              id: i === 5 ? 'msg_taken' : `msg_${i}`,
              sessionId: s.id,
              sequence: s.eventSeq + 1,
              type: 'x',
              body: '{}',
              createdAt: 1,
            },
          ],
        })),
      );
      const results = await Promise.allSettled(changes);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([
        { status: 'rejected', reason: expect.any(DuplicateEventError) },
      ]);
      expect(results[5]!.status).toBe('rejected');
      for (const [n, s] of sessions.entries()) {
        // In the order asked, each change started from the one before (never the failed one).
        const befores = results
          .filter((r, i) => i % 10 === n && r.status === 'fulfilled')
          .map((r) => {
            const value = (r as PromiseFulfilledResult<Awaited<(typeof changes)[number]>>).value;
            return value.ok ? value.value.before.eventSeq : -1;
          });
        const made = n === 5 ? 59 : 60;
        expect(befores).toEqual(Array.from({ length: made }, (_, i) => i));
        expect((await store.get(s))!.eventSeq).toBe(made);
      }
      expect((await store.outbox.counts()).pending).toBe(600);
      await store.close();
    });
  }

  it('has a change on disk when its promise resolves (another connection reads it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vs-commit-'));
    const store = openSqliteStore(dir);
    const reader = new Database(join(dir, 'sessions.sqlite'), { readonly: true });
    const status = reader.prepare<[string], { status: string }>(
      'SELECT status FROM sessions WHERE id = ?',
    );
    const session = record('ses_d');
    const inserted = store.insert(session, []);
    expect(status.get('ses_d')).toBeUndefined();
    await inserted;
    expect(status.get('ses_d')).toEqual({ status: 'created' });
    const updated = store.update('ses_d', (s) => ({
      session: { ...s, status: 'waiting' },
      events: [],
    }));
    await updated;
    expect(status.get('ses_d')).toEqual({ status: 'waiting' });
    reader.close();
    await store.close();
  });

  it('writes a change and its events together, or neither', async () => {
    const store = openSqliteStore(':memory:');
    const base = record('ses_x');
    const event = (id: string, sequence: number) => ({
      id,
      sessionId: 'ses_x',
      sequence,
      type: 'session.created',
      body: '{}',
      createdAt: 1,
    });
    await store.insert(
      { ...base, transitions: [], expiresAt: 10, answerBy: null } as SessionRecord,
      [event('msg_one', 1)],
    );

    const refused = await store.update('ses_x', () => ({
      ok: false,
      code: 'ERR_TRANSITION_INVALID',
      reason: 'no',
    }));
    expect(refused).toEqual({ ok: false, code: 'ERR_TRANSITION_INVALID', reason: 'no' });

    // An event id that exists aborts the whole change: the session keeps its old status.
    await expect(
      store.update('ses_x', (s) => ({
        session: { ...s, status: 'waiting', eventSeq: 2 },
        events: [event('msg_two', 2), event('msg_one', 3)],
      })),
    ).rejects.toBeInstanceOf(DuplicateEventError);
    expect(await store.get('ses_x')).toMatchObject({ status: 'created', eventSeq: 0 });
    expect((await store.outbox.list({ limit: 10 })).map((r) => r.id)).toEqual(['msg_one']);

    expect(await store.update('nope', (s) => ({ session: s, events: [] }))).toMatchObject({
      code: 'ERR_SESSION_NOT_FOUND',
    });
    await store.close();
  });
});

describe('closing the store', () => {
  it('keeps the process alive until the writer thread has stopped', async () => {
    // A process whose only work left is closing the store must live to see the close resolve
    // (an unreferenced writer let Node end early with code 0, mid-close).
    const { execFile } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'vs-close-'));
    const store = new URL('./sqlite-store.ts', import.meta.url).href;
    const code = `const { openSqliteStore } = await import(${JSON.stringify(store)});
      const s = openSqliteStore(${JSON.stringify(dir)});
      await s.close();
      console.log('closed');`;
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', code],
        (err, stdout) => resolve({ code: err ? (err.code as number) : 0, stdout }),
      );
      child.stdin?.end();
    });
    expect(out.stdout.trim()).toBe('closed');
    expect(out.code).toBe(0);
  });
});
