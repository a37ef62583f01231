import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, encodeEvent, parseSessionEvent, type SessionEvent } from './events.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The example body under each `#### \`kind.x\`` heading of the README's catalogue. */
function examples(): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const m of readme.matchAll(/^#### `([a-z]+\.[a-z_]+)`\n[\s\S]*?```json\n([\s\S]*?)```/gm)) {
    found.set(m[1]!, JSON.parse(m[2]!));
  }
  return found;
}

describe('the webhook event catalogue', () => {
  it('documents every event type in the README with an example body that parses', () => {
    const docs = examples();
    expect([...docs.keys()].sort()).toEqual([...EVENT_TYPES].sort());
    for (const [type, body] of docs) {
      const parsed = parseSessionEvent(body);
      expect(parsed, type).toMatchObject({ ok: true });
      expect((body as { type: string }).type, type).toBe(type);
    }
  });

  it('encodes the envelope in a fixed key order, so stored bytes are stable', () => {
    const event: SessionEvent = {
      data: { role: 'agent', name: 'Sam', resumed: false },
      source: 'customer',
      metadata: null,
      visibility: 'public',
      sequence: 2,
      ticketId: 'T-1',
      sessionId: 'ses_1',
      occurredAt: '2026-11-23T10:00:00.000Z',
      type: 'session.participant_joined',
      id: 'msg_abcdefgh',
    };
    expect(Object.keys(JSON.parse(encodeEvent(event)) as object)).toEqual([
      'id',
      'type',
      'occurredAt',
      'sessionId',
      'ticketId',
      'sequence',
      'visibility',
      'metadata',
      'source',
      'data',
    ]);
    expect(parseSessionEvent(JSON.parse(encodeEvent(event)))).toEqual({ ok: true, value: event });
  });

  it('parses an event an older version wrote without its source (still queued at an upgrade)', () => {
    const body = JSON.parse(JSON.stringify(examples().get('session.rated'))) as {
      source?: string;
    };
    delete body.source;
    expect(parseSessionEvent(body)).toMatchObject({ ok: true });
    expect(parseSessionEvent({ ...body, source: 'someone' })).toMatchObject({ ok: false });
  });

  it('refuses a body whose data does not match its type', () => {
    const body = JSON.parse(JSON.stringify(examples().get('session.rated'))) as {
      data: { score: number };
    };
    body.data.score = 6;
    expect(parseSessionEvent(body)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('data.score'),
    });
    expect(parseSessionEvent({ ...body, type: 'session.unknown' })).toMatchObject({ ok: false });
  });
});
