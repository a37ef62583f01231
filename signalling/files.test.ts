/**
 * Files on the service over real HTTP, real files on disk and a real webhook receiver: chunked
 * and resumed uploads, the checks at the last byte, signed links that fail closed, erasure and the
 * retention sweep.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionEventOf } from '../src/events.js';
import type { CreatedSession, FileInfo, FileList, UploadCreated } from '../src/rest.js';
import { createTokenService } from './auth.js';
import { TEST_API_KEY, startTestService, type TestService } from './testing.js';
import { startWebhookReceiver, type WebhookReceiver } from './testing-receiver.js';

const MiB = 1024 * 1024;
const SECRET = 's'.repeat(40);
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const EBML = [0x1a, 0x45, 0xdf, 0xa3];

/** Bytes that start like a file of that type, then random. */
const bytesOf = (magic: number[], size: number) =>
  Buffer.concat([Buffer.from(magic), randomBytes(size - magic.length)]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

interface Setup {
  service: TestService;
  receiver: WebhookReceiver;
  session: CreatedSession;
  clock: { now: number };
}

async function setup(options: Parameters<typeof startTestService>[0] = {}): Promise<Setup> {
  const receiver = await startWebhookReceiver();
  const clock = { now: Date.now() };
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

async function call(
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

const announce = (s: Setup, token: string, bytes: Buffer, extra: Record<string, unknown> = {}) =>
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

const patch = (s: Setup, token: string, uploadId: string, offset: number, chunk: Buffer) =>
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
async function sendFrom(s: Setup, token: string, up: UploadCreated, bytes: Buffer, offset: number) {
  let last = { status: 0, body: {} as Record<string, unknown> };
  for (let at = offset; at < bytes.length; at += up.chunkSize) {
    last = await patch(s, token, up.uploadId, at, bytes.subarray(at, at + up.chunkSize));
    expect(last.status, JSON.stringify(last.body)).toBe(200);
  }
  return last;
}

const onDisk = (s: Setup, f: FileInfo) =>
  readFileSync(join(s.service.dataDir, 'files', f.sessionId, f.id));

describe('uploads', () => {
  it('stores a recording sent in chunks, byte for byte, and tells the helpdesk', async () => {
    const s = await setup();
    const bytes = bytesOf(EBML, 2.5 * MiB);
    const created = await announce(s, s.session.agentToken, bytes);
    expect(created.status).toBe(201);
    const up = created.body as unknown as UploadCreated;
    expect(up).toMatchObject({ offset: 0, size: bytes.length, chunkSize: MiB });

    const last = await sendFrom(s, s.session.agentToken, up, bytes, 0);
    const file = (last.body as { file: FileInfo }).file;
    expect(last.body.offset).toBe(bytes.length);
    expect(file).toMatchObject({
      sessionId: s.session.id,
      ref: 'rec-1',
      kind: 'recording',
      name: 'call recording.webm',
      type: 'video/webm;codecs=vp8,opus',
      size: bytes.length,
      sha256: sha256(bytes),
      meta: { durationMs: 5000, takenBy: 'agent' },
    });
    expect(onDisk(s, file).equals(bytes)).toBe(true);
    expect(readdirSync(join(s.service.dataDir, 'uploads'))).toEqual([]);

    // The event arrives at the receiver with a link that downloads the same bytes.
    await s.receiver.until((r) => r.deliveries.some((d) => d.event.type === 'recording.available'));
    const event = s.receiver.deliveries.find((d) => d.event.type === 'recording.available')!
      .event as SessionEventOf<'recording.available'>;
    expect(event.data).toMatchObject({ fileId: file.id, by: 'agent', size: bytes.length });
    expect(Date.parse(event.data.urlExpiresAt) - s.clock.now).toBeGreaterThan(6 * 86_400_000);
    const link = new URL(event.data.url);
    const got = await fetch(`${s.service.url}${link.pathname}${link.search}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('video/webm;codecs=vp8,opus');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('cache-control')).toMatch(/^private/);
    expect(got.headers.get('content-disposition')).toContain('call recording.webm');
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

    // A range, as a <video> seeking asks for.
    const part = await fetch(`${s.service.url}${link.pathname}${link.search}`, {
      headers: { range: 'bytes=1000-1999' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
    const beyond = await fetch(`${s.service.url}${link.pathname}${link.search}`, {
      headers: { range: `bytes=${bytes.length}-` },
    });
    expect(beyond.status).toBe(416);
  });

  it('resumes after a dropped connection from the offset the service reports', async () => {
    const s = await setup();
    const bytes = bytesOf(PNG, 2 * MiB + 17);
    const shot = { kind: 'screenshot', ref: 'still-1', name: 'still.png', type: 'image/png' };
    const up = (await announce(s, s.session.customerToken, bytes, shot))
      .body as unknown as UploadCreated;
    expect(
      (await patch(s, s.session.customerToken, up.uploadId, 0, bytes.subarray(0, MiB))).body,
    ).toEqual({ offset: MiB });

    // The connection drops halfway through the second chunk.
    await new Promise<void>((resolve) => {
      const req = request(`${s.service.url}/v1/sessions/${s.session.id}/uploads/${up.uploadId}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${s.session.customerToken}`,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': String(MiB),
          'content-length': String(MiB),
        },
      });
      req.on('error', () => resolve());
      req.write(bytes.subarray(MiB, MiB + MiB / 2), () => setTimeout(() => req.destroy(), 100));
    });

    // After a reload the widget announces the same ref again and continues from the offset.
    const again = await announce(s, s.session.customerToken, bytes, shot);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ uploadId: up.uploadId, offset: MiB, size: bytes.length });
    const head = await call(
      s,
      'HEAD',
      `/v1/sessions/${s.session.id}/uploads/${up.uploadId}`,
      s.session.customerToken,
    );
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(MiB));
    expect(head.headers.get('upload-length')).toBe(String(bytes.length));

    const last = await sendFrom(s, s.session.customerToken, up, bytes, MiB);
    const file = (last.body as { file: FileInfo }).file;
    expect(onDisk(s, file).equals(bytes)).toBe(true);
    const status = await call(
      s,
      'GET',
      `/v1/sessions/${s.session.id}/uploads/${up.uploadId}`,
      s.session.customerToken,
    );
    expect(status.body).toEqual({ offset: bytes.length, size: bytes.length, complete: true });

    // The same ref once more (the answer to the last chunk was lost): complete, with the file.
    const done = await announce(s, s.session.customerToken, bytes, shot);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      uploadId: up.uploadId,
      offset: bytes.length,
      file: { id: file.id },
    });
    await s.receiver.until((r) => r.deliveries.some((d) => d.event.type === 'screenshot.created'));
    expect(s.receiver.distinct().filter((d) => d.event.type === 'screenshot.created')).toHaveLength(
      1,
    );
  });

  it('refuses a wrong offset, an oversized chunk, a bad type, a file too large, and corrupt bytes', async () => {
    const s = await setup({ maxScreenshotBytes: 1.5 * MiB });
    const token = s.session.agentToken;
    const bytes = bytesOf(EBML, MiB + 10);
    const up = (await announce(s, token, bytes)).body as unknown as UploadCreated;

    const wrong = await patch(s, token, up.uploadId, 5, bytes.subarray(5, 10));
    expect(wrong.status).toBe(409);
    expect(wrong.body).toMatchObject({ code: 'ERR_UPLOAD_OFFSET', offset: 0 });

    const tooBig = await patch(
      s,
      token,
      up.uploadId,
      0,
      Buffer.concat([bytes, bytes]).subarray(0, MiB + 1),
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.code).toBe('ERR_UPLOAD_TOO_LARGE');

    const shot = (type: string, size = 100) =>
      announce(s, token, bytesOf(PNG, size), {
        kind: 'screenshot',
        ref: `s-${size}`,
        type,
        name: 'a.png',
      });
    expect((await shot('text/html')).body).toMatchObject({ status: 415, code: 'ERR_UPLOAD_TYPE' });
    expect((await shot('video/webm')).body.code).toBe('ERR_UPLOAD_TYPE');
    expect((await shot('image/png', 2 * MiB)).body).toMatchObject({
      status: 413,
      code: 'ERR_UPLOAD_TOO_LARGE',
    });
    expect((await shot('image/png; codecs="x"')).status).toBe(201);

    // Bytes that are not what was announced: 422, and the upload starts again from 0.
    await patch(s, token, up.uploadId, 0, bytes.subarray(0, MiB));
    const corrupt = await patch(s, token, up.uploadId, MiB, Buffer.alloc(10));
    expect(corrupt.status).toBe(422);
    expect(corrupt.body).toMatchObject({ code: 'ERR_UPLOAD_CORRUPT', offset: 0 });
    const head = await call(s, 'GET', `/v1/sessions/${s.session.id}/uploads/${up.uploadId}`, token);
    expect(head.body).toEqual({ offset: 0, size: bytes.length, complete: false });
    // A file that does not start as its type says is refused the same way.
    const fake = Buffer.concat([Buffer.from('<html>'), randomBytes(94)]);
    const fakeUp = (await announce(s, token, fake, { ref: 'fake' }))
      .body as unknown as UploadCreated;
    expect((await patch(s, token, fakeUp.uploadId, 0, fake)).body.code).toBe('ERR_UPLOAD_CORRUPT');

    // The good bytes still make the file.
    const last = await sendFrom(s, token, up, bytes, 0);
    expect(onDisk(s, (last.body as { file: FileInfo }).file).equals(bytes)).toBe(true);
    const list = (await call(s, 'GET', `/v1/sessions/${s.session.id}/files`, TEST_API_KEY))
      .body as unknown as FileList;
    expect(list.files.map((f) => f.ref)).toEqual(['rec-1']);
  });

  it('accepts a join token expired within the grace period, and not after it', async () => {
    const s = await setup();
    const tokens = createTokenService(new TextEncoder().encode(SECRET));
    const bytes = bytesOf(EBML, 100);
    const late = await tokens.mint(s.session.id, 'agent', Date.now() - 23 * 3600_000);
    expect((await announce(s, late.token, bytes)).status).toBe(201);
    const tooLate = await tokens.mint(s.session.id, 'agent', Date.now() - 25 * 3600_000);
    expect((await announce(s, tooLate.token, bytes)).body.code).toBe('ERR_TOKEN_EXPIRED');
    // Reading the files is not part of the grace.
    expect((await call(s, 'GET', `/v1/sessions/${s.session.id}/files`, late.token)).body.code).toBe(
      'ERR_TOKEN_EXPIRED',
    );
    const other = await s.service.createSession();
    expect((await announce(s, other.agentToken, bytes)).body.code).toBe(
      'ERR_TOKEN_SESSION_MISMATCH',
    );
  });
});

/** Uploads `bytes` whole with `token`; the stored file. */
async function store(s: Setup, token: string, bytes: Buffer, extra: Record<string, unknown> = {}) {
  const up = (await announce(s, token, bytes, extra)).body as unknown as UploadCreated;
  const last = await sendFrom(s, token, up, bytes, 0);
  return (last.body as { file: FileInfo }).file;
}

const download = async (s: Setup, url: string) => {
  const u = new URL(url);
  const res = await fetch(`${s.service.url}${u.pathname}${u.search}`);
  return {
    status: res.status,
    body: res.ok ? Buffer.from(await res.arrayBuffer()) : await res.json(),
  };
};

describe('access to files', () => {
  it('gives a customer the files only while the session is public, links included', async () => {
    const s = await setup();
    const bytes = bytesOf(PNG, 5000);
    await store(s, s.session.agentToken, bytes, {
      kind: 'screenshot',
      ref: 'p1',
      type: 'image/png',
      name: 'p.png',
    });
    const path = `/v1/sessions/${s.session.id}/files`;
    const asCustomer = (await call(s, 'GET', path, s.session.customerToken))
      .body as unknown as FileList;
    expect(asCustomer.files).toHaveLength(1);
    const customerLink = asCustomer.files[0]!.url;
    expect(new URL(customerLink).searchParams.get('aud')).toBe('customer');
    expect((await download(s, customerLink)).body).toEqual(bytes);

    const hide = await call(s, 'PATCH', `/v1/sessions/${s.session.id}`, TEST_API_KEY, {
      visibility: 'internal',
    });
    expect(hide.status).toBe(200);
    // The customer's token is refused, and the link issued while public fails closed.
    expect((await call(s, 'GET', path, s.session.customerToken)).body).toMatchObject({
      status: 403,
      code: 'ERR_SESSION_INTERNAL',
    });
    expect(await download(s, customerLink)).toMatchObject({
      status: 403,
      body: { code: 'ERR_SESSION_INTERNAL' },
    });
    const more = bytesOf(PNG, 100);
    expect(
      (
        await announce(s, s.session.customerToken, more, {
          kind: 'screenshot',
          ref: 'p2',
          type: 'image/png',
        })
      ).body.code,
    ).toBe('ERR_SESSION_INTERNAL');
    // The agent and the host still get them.
    const asAgent = (await call(s, 'GET', path, s.session.agentToken)).body as unknown as FileList;
    expect((await download(s, asAgent.files[0]!.url)).body).toEqual(bytes);
    const asHost = (await call(s, 'GET', path, TEST_API_KEY)).body as unknown as FileList;
    expect(new URL(asHost.files[0]!.url).searchParams.get('aud')).toBe('host');
    expect((await download(s, asHost.files[0]!.url)).status).toBe(200);
  });

  it('refuses an expired link and a forged one', async () => {
    const s = await setup();
    await store(s, s.session.agentToken, bytesOf(EBML, 300));
    const list = (await call(s, 'GET', `/v1/sessions/${s.session.id}/files`, s.session.agentToken))
      .body as unknown as FileList;
    const url = new URL(list.files[0]!.url);
    expect(Date.parse(list.files[0]!.urlExpiresAt) - s.clock.now).toBeLessThanOrEqual(3600_000);
    expect((await download(s, url.href)).status).toBe(200);

    const forged = new URL(url);
    forged.searchParams.set('aud', 'host');
    expect((await download(s, forged.href)).body).toMatchObject({
      status: 403,
      code: 'ERR_LINK_INVALID',
    });
    const longer = new URL(url);
    longer.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 86_400));
    expect((await download(s, longer.href)).body).toMatchObject({ code: 'ERR_LINK_INVALID' });
    expect((await download(s, `${url.origin}${url.pathname}`)).body).toMatchObject({
      code: 'ERR_LINK_INVALID',
    });

    s.clock.now += 3601_000;
    expect((await download(s, url.href)).body).toMatchObject({
      status: 403,
      code: 'ERR_LINK_EXPIRED',
    });
  });
});

describe('erasure and retention', () => {
  it('DELETE removes every file and pending upload from disk and store, with file.deleted', async () => {
    const s = await setup();
    const a = await store(s, s.session.agentToken, bytesOf(EBML, 4000));
    const b = await store(s, s.session.customerToken, bytesOf(PNG, 3000), {
      kind: 'screenshot',
      ref: 'p1',
      type: 'image/png',
      name: 'p.png',
    });
    const pendingBytes = bytesOf(EBML, 2 * MiB);
    const pending = (await announce(s, s.session.agentToken, pendingBytes, { ref: 'rec-2' }))
      .body as unknown as UploadCreated;
    await patch(s, s.session.agentToken, pending.uploadId, 0, pendingBytes.subarray(0, MiB));
    expect(readdirSync(join(s.service.dataDir, 'uploads'))).toHaveLength(1);
    const path = `/v1/sessions/${s.session.id}/files`;

    expect((await call(s, 'DELETE', path, s.session.agentToken)).status).toBe(401);
    const erased = await call(s, 'DELETE', path, TEST_API_KEY);
    expect(erased).toMatchObject({ status: 200, body: { deleted: 2 } });

    expect(existsSync(join(s.service.dataDir, 'files', s.session.id))).toBe(false);
    expect(readdirSync(join(s.service.dataDir, 'uploads'))).toEqual([]);
    expect(((await call(s, 'GET', path, TEST_API_KEY)).body as unknown as FileList).files).toEqual(
      [],
    );
    expect(
      (
        await call(
          s,
          'GET',
          `/v1/sessions/${s.session.id}/uploads/${pending.uploadId}`,
          TEST_API_KEY,
        )
      ).body.code,
    ).toBe('ERR_UPLOAD_NOT_FOUND');
    expect((await download(s, a.url)).body).toMatchObject({
      status: 404,
      code: 'ERR_FILE_NOT_FOUND',
    });

    await s.receiver.until(
      (r) => r.distinct().filter((d) => d.event.type === 'file.deleted').length === 2,
    );
    const deleted = s.receiver
      .distinct()
      .filter((d) => d.event.type === 'file.deleted')
      .map((d) => (d.event as SessionEventOf<'file.deleted'>).data)
      .sort((x, y) => (x.kind < y.kind ? -1 : 1));
    expect(deleted).toEqual([
      { fileId: a.id, kind: 'recording', name: a.name, reason: 'erased' },
      { fileId: b.id, kind: 'screenshot', name: 'p.png', reason: 'erased' },
    ]);
    // The ref is free again: the same recording can be stored anew.
    expect((await announce(s, s.session.agentToken, bytesOf(EBML, 10))).status).toBe(201);
  });

  it('the sweep at start deletes files past VS_RETENTION_DAYS and abandoned uploads', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vs-retention-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // Begin 31 days ago (webhook deliveries are signed with the real time, so the clock only goes
    // back, never ahead of it).
    const s = await setup({ dataDir, retentionDays: 30 });
    s.clock.now = Date.now() - 31 * 86_400_000;
    const old = await store(s, s.session.agentToken, bytesOf(EBML, 1000));
    const stale = (await announce(s, s.session.agentToken, bytesOf(EBML, 10), { ref: 'stale' }))
      .body as unknown as UploadCreated;
    s.clock.now += 29 * 86_400_000;
    const young = await store(s, s.session.agentToken, bytesOf(EBML, 1000), { ref: 'young' });
    await s.service.stop();

    // Today, 31 days after the first file: the service starts and sweeps.
    s.clock.now = Date.now();
    const again = await startTestService({
      dataDir,
      webhookUrl: s.receiver.url,
      webhookSecrets: [s.receiver.secret],
      tokenSecret: SECRET,
      retentionDays: 30,
      now: () => s.clock.now,
    });
    cleanup.push(() => again.stop());
    await s.receiver.until((r) => r.deliveries.some((d) => d.event.type === 'file.deleted'));
    const gone = s.receiver.distinct().filter((d) => d.event.type === 'file.deleted');
    expect(gone.map((d) => (d.event as SessionEventOf<'file.deleted'>).data)).toEqual([
      { fileId: old.id, kind: 'recording', name: old.name, reason: 'retention' },
    ]);
    // The event is written with the rows; the bytes go right after.
    await vi.waitFor(() => {
      expect(existsSync(join(dataDir, 'files', s.session.id, old.id))).toBe(false);
      expect(existsSync(join(dataDir, 'uploads', stale.uploadId))).toBe(false);
    });
    expect(existsSync(join(dataDir, 'files', s.session.id, young.id))).toBe(true);
    const list = await fetch(`${again.url}/v1/sessions/${s.session.id}/files`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(((await list.json()) as FileList).files.map((f) => f.id)).toEqual([young.id]);
  });
});

describe('recording consent events', () => {
  it('are reported by the roles that may, and reach the helpdesk with who and when', async () => {
    const s = await setup();
    const report = (token: string, ref: string, event: Record<string, unknown>) =>
      call(s, 'POST', `/v1/sessions/${s.session.id}/events`, token, { ref, event });
    const at = '2026-11-22T08:00:00.000Z';
    expect(
      (
        await report(s.session.agentToken, 'rq-000001', {
          type: 'recording.requested',
          at,
          recordingRef: 'rec-1',
        })
      ).status,
    ).toBe(202);
    // The agent cannot consent for the customer.
    expect(
      (await report(s.session.agentToken, 'cs-000001', { type: 'recording.consented', at })).body
        .code,
    ).toBe('ERR_FORBIDDEN');
    expect(
      (
        await report(s.session.customerToken, 'cs-000002', {
          type: 'recording.consented',
          at,
          recordingRef: 'rec-1',
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await report(s.session.customerToken, 'wd-000001', {
          type: 'recording.consent_withdrawn',
          at,
          reason: 'changed-mind',
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await report(s.session.customerToken, 'bad-00001', {
          type: 'recording.stopped',
          at,
          reason: 'no spaces',
        })
      ).body.code,
    ).toBe('ERR_BODY_INVALID');
    await s.receiver.until(
      (r) => r.distinct().filter((d) => d.event.type.startsWith('recording.')).length === 3,
    );
    expect(
      s.receiver
        .distinct()
        .filter((d) => d.event.type.startsWith('recording.'))
        .map((d) => [d.event.type, d.event.data]),
    ).toEqual([
      ['recording.requested', { at, recordingRef: 'rec-1', by: 'agent' }],
      ['recording.consented', { at, recordingRef: 'rec-1', by: 'customer' }],
      ['recording.consent_withdrawn', { at, reason: 'changed-mind', by: 'customer' }],
    ]);
  });
});
