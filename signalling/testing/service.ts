/**
 * Test support (used by tests, e2e/ and bench/): the service under test, built by the one wiring
 * (`createServices`). In process, for `app.request()` tests (an in-memory store, a clock the test
 * moves, and the webhook events it recorded); or a real service on port 0 with its own temporary
 * data dir. `client.ts` speaks the protocol to it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { SessionEvent } from '../../src/events.js';
import type { CreatedSession } from '../../src/rest.js';
import { createApp } from '../app.js';
import { resolveConfig, type ServerOptions } from '../config.js';
import { startServer, type RunningServer, type StartOptions } from '../node.js';
import { createServices } from '../services.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { SessionStore } from '../store/store.js';

export const TEST_API_KEY = 'test-api-key-0123456789';

/** The logger of the test services: silent unless `VS_TEST_LOG` names a level. */
const testLogger = () => pino({ level: process.env.VS_TEST_LOG ?? 'silent' });

/**
 * The Hono app over the services `startServer` builds (`createServices`), with an in-memory store,
 * for `app.request()` tests. The services are not started (no sweeps: only `now`, which drives the
 * clock, moves time). Events are recorded (read them with `store.outbox.list`) but nothing delivers
 * them.
 */
export function createTestApp(options: ServerOptions & { now?: () => number } = {}) {
  const { now = Date.now, ...rest } = options;
  const config = resolveConfig({
    apiKey: TEST_API_KEY,
    dataDir: mkdtempSync(join(tmpdir(), 'vs-app-')),
    publicUrl: 'https://video.example.com',
    tokenSecret: 'x'.repeat(40),
    ...rest,
  });
  const services = createServices(config, {
    logger: testLogger(),
    now,
    store: openSqliteStore(':memory:'),
    recordEvents: true,
  });
  const app = createApp({
    ...services,
    // The widget script and one lazily loaded chunk; any other name is not there.
    sdkScript: async (name: string) =>
      name === 'video-session.js' || name === 'video-session-chunk-abc123.js'
        ? 'customElements.define("video-session", class extends HTMLElement {})'
        : null,
  });
  return { ...services, app };
}

/** The agent the REST tests make sessions for. */
export const TEST_AGENT = { id: 'agent-7', name: 'Sam' };

/** The public key the help button sends, accepted by `createRestTestApp`. */
export const TEST_PUBLIC_KEY = 'pk_test_0123456789abcdef';

/**
 * `createTestApp` accepting `TEST_PUBLIC_KEY`, on a clock that starts at 2026-11-23T10:00:00Z and
 * moves only by `tick(ms)`, with `call()`: one REST request under a bearer key (the API key unless
 * told, `null` for none) and a JSON body when given, answered as its status and parsed JSON body;
 * and `createSession()`: a session made with the API key (ticket T-1, `TEST_AGENT`).
 */
export function createRestTestApp(options: Parameters<typeof createTestApp>[0] = {}) {
  let clock = Date.parse('2026-11-23T10:00:00Z');
  const t = createTestApp({ publicKeys: [TEST_PUBLIC_KEY], now: () => clock, ...options });
  const call = async (
    method: string,
    path: string,
    key: string | null = TEST_API_KEY,
    body?: unknown,
  ) => {
    const res = await t.app.request(path, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { code?: string },
    };
  };
  const createSession = async () => {
    const res = await call('POST', '/v1/sessions', TEST_API_KEY, {
      ticketId: 'T-1',
      agent: TEST_AGENT,
    });
    if (res.status !== 201) throw new Error(`session not created: ${JSON.stringify(res.body)}`);
    return res.body as unknown as CreatedSession;
  };
  return { ...t, call, createSession, tick: (ms: number) => (clock += ms), now: () => clock };
}

/** The webhook events the store recorded for a session, oldest first. */
export async function recordedEvents(
  store: SessionStore,
  sessionId: string,
): Promise<SessionEvent[]> {
  const rows = await store.outbox.list({ sessionId, limit: 1000 });
  return rows.reverse().map((r) => JSON.parse(r.body) as SessionEvent);
}

/** The types of `recordedEvents`, oldest first. */
export async function recordedTypes(
  store: SessionStore,
  sessionId: string,
): Promise<Array<SessionEvent['type']>> {
  return (await recordedEvents(store, sessionId)).map((e) => e.type);
}

export interface TestService extends RunningServer {
  dataDir: string;
  createSession(body?: Record<string, unknown>): Promise<CreatedSession>;
  stop(): Promise<void>;
}

/** Starts the service on 127.0.0.1:0 with a fresh data dir; `stop()` removes the dir. */
export async function startTestService(options: StartOptions = {}): Promise<TestService> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vs-test-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    apiKey: TEST_API_KEY,
    dataDir,
    logger: testLogger(),
    ...options,
  });
  return Object.assign(server, {
    dataDir,
    async createSession(body: Record<string, unknown> = {}) {
      const res = await fetch(`${server.url}/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          ticketId: 'T-1',
          agent: { id: 'a1', name: 'Alice Agent' },
          ...body,
        }),
      });
      if (res.status !== 201) throw new Error(`createSession: ${res.status} ${await res.text()}`);
      return (await res.json()) as CreatedSession;
    },
    async stop() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
