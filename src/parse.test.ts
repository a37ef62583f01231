import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage, utf8Length } from './parse.js';
import { parsePeerMessage } from './peer-messages.js';

describe('parsers', () => {
  it('accept the protocol and strip unknown keys', () => {
    const parsed = parseClientMessage(
      JSON.stringify({
        type: 'signal',
        pairing: 1,
        data: { type: 'answer', sdp: 'v=0', extra: 1 },
        x: 2,
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: { type: 'signal', pairing: 1, data: { type: 'answer', sdp: 'v=0' } },
    });
  });

  it.each([
    ['not JSON', '{'],
    ['not text', new Uint8Array([1])],
    ['an unknown type', '{"type":"boom"}'],
    ['a bad signal', '{"type":"signal","pairing":1,"data":{"type":"candidate"}}'],
    ['a negative pairing', '{"type":"signal","pairing":-1,"data":{"type":"answer","sdp":""}}'],
    ['a resume key with spaces', '{"type":"hello","protocol":1,"resumeKey":"a b"}'],
  ])('refuse %s with ERR_MESSAGE_INVALID', (_name, raw) => {
    expect(parseClientMessage(raw)).toMatchObject({ ok: false, code: 'ERR_MESSAGE_INVALID' });
  });

  it('refuse frames over 64 KiB before parsing, counting UTF-8 bytes', () => {
    const big = JSON.stringify({ type: 'ping', t: 1, pad: 'é'.repeat(33_000) });
    expect(big.length).toBeLessThan(65_536);
    expect(utf8Length(big)).toBeGreaterThan(65_536);
    expect(parseClientMessage(big)).toMatchObject({ ok: false, code: 'ERR_FRAME_TOO_LARGE' });
    expect(utf8Length('a€😀')).toBe(1 + 3 + 4);
  });

  it('check server frames and data-channel messages too', () => {
    expect(parseServerMessage('{"type":"error","code":"ERR_NOPE"}')).toMatchObject({ ok: false });
    expect(parseServerMessage('{"type":"error","code":"ERR_SESSION_FULL"}')).toMatchObject({
      ok: true,
    });
    const state = {
      audio: true,
      video: false,
      screen: false,
      camera: 'denied',
      microphone: 'granted',
    };
    expect(parsePeerMessage(JSON.stringify({ type: 'media-state', ...state }))).toMatchObject({
      ok: true,
    });
    expect(parsePeerMessage('{"type":"mode","mode":"two-way","by":"agent"}')).toMatchObject({
      ok: true,
    });
    expect(parsePeerMessage('{"type":"mode","mode":"three-way","by":"agent"}')).toMatchObject({
      ok: false,
    });
    expect(parsePeerMessage('{"type":"media-state","audio":"yes"}')).toMatchObject({
      ok: false,
      code: 'ERR_PEER_MESSAGE_INVALID',
    });
  });
});
