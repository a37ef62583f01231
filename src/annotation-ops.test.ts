import { describe, expect, it } from 'vitest';
import { MAX_STROKE_POINTS } from './annotation-ops.js';
import { MAX_PEER_MESSAGE_BYTES, parsePeerMessage } from './peer-messages.js';

const arrow = {
  id: 'm1',
  tool: 'arrow',
  color: '#ff3b30',
  width: 0.008,
  points: [0.1, 0.2, 0.4, 0.5],
};
const wire = (o: unknown) => JSON.stringify(o);

describe('annotation and tracking messages', () => {
  it('accept the documented operations', () => {
    for (const message of [
      { type: 'annotate', op: 'add', mark: arrow },
      { type: 'annotate', op: 'add', mark: { ...arrow, anchor: { rtp: 4294967295, age: 120 } } },
      { type: 'annotate', op: 'add', mark: { ...arrow, anchor: { age: 80.5 } } },
      {
        type: 'annotate',
        op: 'add',
        mark: { ...arrow, tool: 'text', points: [0.5, 0.5], text: 'here' },
      },
      {
        type: 'annotate',
        op: 'add',
        mark: { ...arrow, tool: 'pen', points: [0, 0, 1, 1, 0.5, 0.5] },
      },
      { type: 'annotate', op: 'remove', id: 'm1' },
      { type: 'annotate', op: 'clear', scope: 'all' },
      { type: 'pointer', at: [0.25, 0.75] },
      { type: 'pointer', at: null },
      { type: 'pose', id: 'm1', rtp: 123456, h: [1, 0, 0, 0, 1, 0, 0, 0] },
      { type: 'pose', id: 'm1', rtp: null, h: null },
    ]) {
      expect(parsePeerMessage(wire(message)), JSON.stringify(message)).toEqual({
        ok: true,
        value: message,
      });
    }
  });

  it.each([
    ['an unknown op', { type: 'annotate', op: 'paint', mark: arrow }],
    ['an unknown tool', { type: 'annotate', op: 'add', mark: { ...arrow, tool: 'laser' } }],
    [
      'a coordinate off the frame',
      { type: 'annotate', op: 'add', mark: { ...arrow, points: [0, 0, 1.5, 0] } },
    ],
    [
      'NaN smuggled as a string',
      { type: 'annotate', op: 'add', mark: { ...arrow, points: [0, 0, 'NaN', 0] } },
    ],
    [
      'an arrow with three points',
      { type: 'annotate', op: 'add', mark: { ...arrow, points: [0, 0, 1, 1, 0.5, 0.5] } },
    ],
    [
      'an odd number of coordinates',
      { type: 'annotate', op: 'add', mark: { ...arrow, tool: 'pen', points: [0, 0, 1] } },
    ],
    [
      'text without text',
      { type: 'annotate', op: 'add', mark: { ...arrow, tool: 'text', points: [0, 0] } },
    ],
    ['text on an arrow', { type: 'annotate', op: 'add', mark: { ...arrow, text: 'x' } }],
    [
      'a colour that is not #rrggbb',
      { type: 'annotate', op: 'add', mark: { ...arrow, color: 'red;background:url(x)' } },
    ],
    ['a huge width', { type: 'annotate', op: 'add', mark: { ...arrow, width: 5 } }],
    ['an id with markup', { type: 'annotate', op: 'remove', id: '<img src=x>' }],
    ['a clear with another scope', { type: 'annotate', op: 'clear', scope: 'theirs' }],
    ['a pointer with one coordinate', { type: 'pointer', at: [0.5] }],
    ['an anchor naming no frame', { type: 'annotate', op: 'add', mark: { ...arrow, anchor: {} } }],
    [
      'an anchor beyond 32 bits',
      { type: 'annotate', op: 'add', mark: { ...arrow, anchor: { rtp: 2 ** 32 } } },
    ],
    ['a pose with 9 entries', { type: 'pose', id: 'm1', rtp: 1, h: [1, 0, 0, 0, 1, 0, 0, 0, 1] }],
    ['a pose with a huge entry', { type: 'pose', id: 'm1', rtp: 1, h: [1e7, 0, 0, 0, 1, 0, 0, 0] }],
    ['a pose with a fractional rtp', { type: 'pose', id: 'm1', rtp: 1.5, h: null }],
  ])('drop %s with ERR_PEER_MESSAGE_INVALID', (_name, message) => {
    expect(parsePeerMessage(wire(message))).toMatchObject({
      ok: false,
      code: 'ERR_PEER_MESSAGE_INVALID',
    });
  });

  it('bound strokes by points and by bytes', () => {
    const long = Array.from({ length: 2 * MAX_STROKE_POINTS + 2 }, () => 0.5);
    const tooLong = { type: 'annotate', op: 'add', mark: { ...arrow, tool: 'pen', points: long } };
    expect(parsePeerMessage(wire(tooLong))).toMatchObject({
      ok: false,
      code: 'ERR_PEER_MESSAGE_INVALID',
    });
    // The longest stroke allowed, with full-precision coordinates, still fits a message.
    const full = Array.from({ length: 2 * MAX_STROKE_POINTS }, () => 0.1234567);
    const ok = wire({ type: 'annotate', op: 'add', mark: { ...arrow, tool: 'pen', points: full } });
    expect(ok.length).toBeLessThan(MAX_PEER_MESSAGE_BYTES);
    expect(parsePeerMessage(ok).ok).toBe(true);
    const huge = wire({ type: 'annotate', op: 'add', mark: { ...arrow, pad: 'x'.repeat(70_000) } });
    expect(parsePeerMessage(huge)).toMatchObject({ ok: false, code: 'ERR_FRAME_TOO_LARGE' });
  });
});
