/**
 * Uploads over real HTTP onto a real disk, with a real webhook receiver: chunked and resumed
 * uploads, the checks at the last byte, the grace for expired tokens, signed links that fail
 * closed, and the recording consent events.
 */
import { request } from 'node:http';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEventOf } from '../../src/events.js';
import type { FileInfo, FileList, UploadCreated } from '../../src/rest.js';
import { createTokenService } from '../sessions/tokens.js';
import { TEST_API_KEY } from '../testing/service.js';
import {
  EBML,
  MiB,
  PNG,
  SECRET,
  announce,
  bytesOf,
  call,
  download,
  onDisk,
  patch,
  runCleanup,
  sendFrom,
  setup,
  sha256,
  store,
} from '../testing/uploads.js';

afterEach(runCleanup);

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
    const s = await setup({ maxScreenshotBytes: 1.5 * MiB, maxSessionBytes: 4 * MiB });
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

    // Together with the session's other files (announced or stored), at most 4 MiB.
    const over = await announce(s, token, bytesOf(EBML, 3 * MiB), { ref: 'too-much' });
    expect(over.body).toMatchObject({ status: 413, code: 'ERR_UPLOAD_TOO_LARGE' });
    expect(over.body.detail).toContain('session');
    // The ref already counted announces itself again (a resume) without counting twice.
    expect((await announce(s, token, bytes)).status).toBe(200);

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

  it('takes uploads after the session ended, with a token expired within the grace period', async () => {
    const s = await setup();
    const ended = await call(s, 'POST', `/v1/sessions/${s.session.id}/end`, TEST_API_KEY);
    expect(ended.body.status).toBe('ended');
    const tokens = createTokenService(new TextEncoder().encode(SECRET));
    const bytes = bytesOf(EBML, 100);
    const stored = await store(s, s.session.customerToken, bytesOf(PNG, 200), {
      kind: 'screenshot',
      ref: 'after-the-call',
      type: 'image/png',
    });
    expect(stored.ref).toBe('after-the-call');
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
