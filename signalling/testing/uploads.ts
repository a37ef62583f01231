/**
 * Test support for the files tests (used by tests only): a real service with a real webhook
 * receiver and a clock, and the upload steps a widget takes over real HTTP.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CreatedSession, FileInfo, UploadCreated } from '../../src/rest.js';
import { startTestService, type TestService } from './service.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/** What each test stops when it ends (run them in an `afterEach`). */
export const cleanup: Array<() => Promise<unknown>> = [];

export async function runCleanup(): Promise<void> {
  for (const fn of cleanup.splice(0).reverse()) await fn();
}

export const MiB = 1024 * 1024;
export const SECRET = 's'.repeat(40);
export const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
export const EBML = [0x1a, 0x45, 0xdf, 0xa3];

/** Bytes that start like a file of that type, then random. */
export const bytesOf = (magic: number[], size: number) =>
  Buffer.concat([Buffer.from(magic), randomBytes(size - magic.length)]);
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export interface Setup {
  service: TestService;
  receiver: WebhookReceiver;
  session: CreatedSession;
  clock: { now: number };
}

/**
 * A service with a receiver and one session, on a clock that starts at `startAt` (Unix ms; the
 * session and its tokens are made then). Move `clock.now` to let time pass.
 */
export async function setup(
  options: Parameters<typeof startTestService>[0] = {},
  startAt = Date.now(),
): Promise<Setup> {
  const receiver = await startWebhookReceiver();
  const clock = { now: startAt };
  const service = await startTestService({
    webhookUrl: receiver.url,
    webhookSecrets: [receiver.secret],
    tokenSecret: SECRET,
    now: () => clock.now,
    ...options,
  });
  cleanup.push(
    () => receiver.close(),
    () => service.stop(),
  );
  const session = await service.createSession();
  return { service, receiver, session, clock };
}

export async function call(
  s: Setup,
  method: string,
  path: string,
  auth: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${s.service.url}${path}`, {
    method,
    headers: {
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
      ...(body === undefined || body instanceof Uint8Array
        ? {}
        : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined
      ? {}
      : {
          body:
            body instanceof Uint8Array
              ? new Blob([body as Uint8Array<ArrayBuffer>])
              : JSON.stringify(body),
        }),
  });
  const text = method === 'HEAD' ? '' : await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text && res.headers.get('content-type')?.includes('json')
      ? JSON.parse(text)
      : {}) as Record<string, unknown> & { code?: string; offset?: number },
  };
}

export const announce = (
  s: Setup,
  token: string,
  bytes: Buffer,
  extra: Record<string, unknown> = {},
) =>
  call(s, 'POST', `/v1/sessions/${s.session.id}/uploads`, token, {
    kind: 'recording',
    ref: 'rec-1',
    name: 'call recording.webm',
    type: 'video/webm;codecs=vp8,opus',
    size: bytes.length,
    sha256: sha256(bytes),
    meta: { durationMs: 5000, takenBy: 'agent', startedAt: '2026-11-22T08:00:00.000Z' },
    ...extra,
  });

export const patch = (s: Setup, token: string, uploadId: string, offset: number, chunk: Buffer) =>
  call(
    s,
    'PATCH',
    `/v1/sessions/${s.session.id}/uploads/${uploadId}`,
    token,
    new Uint8Array(chunk),
    {
      'content-type': 'application/offset+octet-stream',
      'upload-offset': String(offset),
    },
  );

/** Sends `bytes` from `offset` in chunks of `chunkSize`; the last answer. */
export async function sendFrom(
  s: Setup,
  token: string,
  up: UploadCreated,
  bytes: Buffer,
  offset: number,
) {
  let last = { status: 0, body: {} as Record<string, unknown> };
  for (let at = offset; at < bytes.length; at += up.chunkSize) {
    last = await patch(s, token, up.uploadId, at, bytes.subarray(at, at + up.chunkSize));
    expect(last.status, JSON.stringify(last.body)).toBe(200);
  }
  return last;
}

export const onDisk = (s: Setup, f: FileInfo) =>
  readFileSync(join(s.service.dataDir, 'files', f.sessionId, f.id));

/** Uploads `bytes` whole with `token`; the stored file. */
export async function store(
  s: Setup,
  token: string,
  bytes: Buffer,
  extra: Record<string, unknown> = {},
) {
  const up = (await announce(s, token, bytes, extra)).body as unknown as UploadCreated;
  const last = await sendFrom(s, token, up, bytes, 0);
  return (last.body as { file: FileInfo }).file;
}

export const download = async (s: Setup, url: string) => {
  const u = new URL(url);
  const res = await fetch(`${s.service.url}${u.pathname}${u.search}`);
  return {
    status: res.status,
    body: res.ok ? Buffer.from(await res.arrayBuffer()) : await res.json(),
  };
};
