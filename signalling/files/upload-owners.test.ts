/**
 * An upload belongs to whoever announced it (issue 15): the customer learns the agent's still id
 * over the data channel; announcing that `ref` again must not take over the agent's upload, its
 * offset, or the file and event it becomes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEventOf } from '../../src/events.js';
import type { FileInfo, FileList, UploadCreated } from '../../src/rest.js';
import { TEST_API_KEY } from '../testing/service.js';
import {
  MiB,
  PNG,
  announce,
  bytesOf,
  call,
  onDisk,
  patch,
  runCleanup,
  sendFrom,
  setup,
  sha256,
} from '../testing/uploads.js';

afterEach(runCleanup);

const still = (ref: string, takenBy: 'agent' | 'customer') => ({
  kind: 'screenshot',
  ref,
  name: `${ref}.png`,
  type: 'image/png',
  meta: { width: 640, height: 480, takenBy },
});

describe('the owner of an upload', () => {
  it("is who announced it: the customer re-announcing the agent's ref gets an upload of its own", async () => {
    const s = await setup();
    const { agentToken, customerToken } = s.session;
    const agentBytes = bytesOf(PNG, 1.5 * MiB);
    const theirs = (await announce(s, agentToken, agentBytes, still('still-7', 'agent')))
      .body as unknown as UploadCreated;
    await patch(s, agentToken, theirs.uploadId, 0, agentBytes.subarray(0, MiB));

    // The customer announces the same ref with other bytes, claiming the agent took it.
    const fake = bytesOf(PNG, 2000);
    const mine = await announce(s, customerToken, fake, still('still-7', 'agent'));
    expect(mine.status).toBe(201);
    const up = mine.body as unknown as UploadCreated;
    expect(up.uploadId).not.toBe(theirs.uploadId);
    expect(up.offset).toBe(0);

    // The agent's upload is not the customer's to read or write.
    const path = `/v1/sessions/${s.session.id}/uploads/${theirs.uploadId}`;
    expect((await call(s, 'GET', path, customerToken)).body).toMatchObject({
      status: 404,
      code: 'ERR_UPLOAD_NOT_FOUND',
    });
    expect(
      (await patch(s, customerToken, theirs.uploadId, MiB, agentBytes.subarray(MiB, MiB + 10)))
        .body,
    ).toMatchObject({ status: 404, code: 'ERR_UPLOAD_NOT_FOUND' });

    // Both finish; the agent's upload went on where it was.
    const fakeFile = (await sendFrom(s, customerToken, up, fake, 0)).body.file as FileInfo;
    const last = await sendFrom(s, agentToken, theirs, agentBytes, MiB);
    const agentFile = (last.body as { file: FileInfo }).file;
    expect(onDisk(s, agentFile).equals(agentBytes)).toBe(true);
    expect(agentFile).toMatchObject({ ref: 'still-7', by: 'agent', sha256: sha256(agentBytes) });
    // Who took it is who uploaded it: the customer's claim is not taken.
    expect(fakeFile).toMatchObject({
      ref: 'still-7',
      by: 'customer',
      meta: { takenBy: 'customer' },
    });

    const list = (await call(s, 'GET', `/v1/sessions/${s.session.id}/files`, TEST_API_KEY))
      .body as unknown as FileList;
    expect(list.files.map((f) => [f.ref, f.by, f.sha256]).sort()).toEqual(
      [
        ['still-7', 'agent', sha256(agentBytes)],
        ['still-7', 'customer', sha256(fake)],
      ].sort(),
    );
    await s.receiver.until(
      (r) => r.distinct().filter((d) => d.event.type === 'screenshot.created').length === 2,
    );
    const events = s.receiver
      .distinct()
      .filter((d) => d.event.type === 'screenshot.created')
      .map((d) => (d.event as SessionEventOf<'screenshot.created'>).data);
    const agents = events.find((e) => e.by === 'agent')!;
    expect(agents).toMatchObject({ sha256: sha256(agentBytes), meta: { takenBy: 'agent' } });
    expect(events.find((e) => e.by === 'customer')).toMatchObject({
      sha256: sha256(fake),
      meta: { takenBy: 'customer' },
    });

    // Once stored, each side's ref answers with its own file.
    expect(
      (await announce(s, agentToken, agentBytes, still('still-7', 'agent'))).body,
    ).toMatchObject({
      offset: agentBytes.length,
      file: { id: agentFile.id },
    });
    expect(
      (await announce(s, customerToken, agentBytes, still('still-7', 'agent'))).body,
    ).toMatchObject({
      status: 409,
      code: 'ERR_UPLOAD_CONFLICT',
    });
  });

  it('keeps the host to its own uploads too, but lets it read every upload', async () => {
    const s = await setup();
    const bytes = bytesOf(PNG, 1.5 * MiB);
    const agents = (await announce(s, s.session.agentToken, bytes, still('s-1', 'agent')))
      .body as unknown as UploadCreated;
    const path = `/v1/sessions/${s.session.id}/uploads/${agents.uploadId}`;
    expect((await call(s, 'GET', path, TEST_API_KEY)).body).toEqual({
      offset: 0,
      size: bytes.length,
      complete: false,
    });
    expect(
      (await patch(s, TEST_API_KEY, agents.uploadId, 0, bytes.subarray(0, MiB))).body.code,
    ).toBe('ERR_UPLOAD_NOT_FOUND');
    const hosts = await announce(s, TEST_API_KEY, bytes, still('s-1', 'agent'));
    expect(hosts.status).toBe(201);
    expect((hosts.body as unknown as UploadCreated).uploadId).not.toBe(agents.uploadId);
  });
});
