import { describe, expect, it } from 'vitest';
import { parsePeerMessage } from './peer-messages.js';
import { pngSize } from './still-messages.js';

const id = 'Zk3_abc-12345678';
const wire = (o: unknown) => JSON.stringify(o);

describe('still messages', () => {
  it('accept the documented messages', () => {
    for (const message of [
      { type: 'still-request', id },
      { type: 'still-failed', id, code: 'ERR_STILL_UNAVAILABLE' },
      { type: 'still-saved', id, edited: false },
      { type: 'still-saved', id, edited: true },
      { type: 'still-discarded', id },
      { type: 'still-upload', id, state: 'uploading', loaded: 65_536, size: 2_000_000 },
      { type: 'still-upload', id, state: 'saved', loaded: 2_000_000, size: 2_000_000 },
      { type: 'still-upload', id, state: 'failed', loaded: 0, size: 10, code: 'ERR_UPLOAD_TYPE' },
    ]) {
      expect(parsePeerMessage(wire(message)), wire(message)).toEqual({ ok: true, value: message });
    }
  });

  it('refuse malformed ones with the peer-message code', () => {
    for (const message of [
      { type: 'still-saved', id },
      { type: 'still-saved', id, edited: 'yes' },
      { type: 'still-saved', id: 'short', edited: false },
      { type: 'still-saved', id: '../../etc/passwd', edited: false },
      { type: 'still-discarded' },
      { type: 'still-upload', id, state: 'done', loaded: 1, size: 1 },
      { type: 'still-upload', id, state: 'uploading', loaded: -1, size: 1 },
      { type: 'still-upload', id, state: 'uploading', loaded: 1.5, size: 2 },
      { type: 'still-upload', id, state: 'uploading', loaded: 1, size: 2 ** 40 },
      { type: 'still-upload', id, state: 'failed', loaded: 0, size: 1, code: 'ERR_MADE_UP' },
    ]) {
      expect(parsePeerMessage(wire(message)), wire(message)).toMatchObject({
        ok: false,
        code: 'ERR_PEER_MESSAGE_INVALID',
      });
    }
  });

  it('read a PNG’s size from its header, and nothing from other bytes', () => {
    const header = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0,
      0x07, 0x80, 0, 0, 0x04, 0x38,
    ]);
    expect(pngSize(header)).toEqual({ width: 1920, height: 1080 });
    expect(pngSize(header.slice(0, 20))).toBeNull();
    expect(pngSize(new TextEncoder().encode('GIF89a, not a PNG at all.'))).toBeNull();
  });
});
