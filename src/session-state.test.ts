import { describe, expect, it } from 'vitest';
import {
  FINAL_STATUSES,
  SESSION_STATUSES,
  TRANSITIONS,
  checkTransition,
  isFinal,
  type SessionStatus,
} from './session-state.js';

const legal: Array<[SessionStatus, SessionStatus]> = [
  ['requested', 'created'],
  ['requested', 'declined'],
  ['requested', 'expired'],
  ['requested', 'ended'],
  ['created', 'waiting'],
  ['waiting', 'connected'],
  ['connected', 'reconnecting'],
  ['reconnecting', 'connected'],
  ['connected', 'waiting'],
  ['reconnecting', 'waiting'],
  ...(['created', 'waiting', 'connected', 'reconnecting'] as const).flatMap((from) =>
    (['ended', 'expired', 'failed'] as const).map((to): [SessionStatus, SessionStatus] => [
      from,
      to,
    ]),
  ),
];

describe('the session state machine', () => {
  it('allows exactly the documented transitions', () => {
    const table = SESSION_STATUSES.flatMap((from) =>
      TRANSITIONS[from].map((to) => `${from}->${to}`),
    );
    expect(table.sort()).toEqual(legal.map(([f, t]) => `${f}->${t}`).sort());
    for (const [from, to] of legal)
      expect(checkTransition(from, to), `${from}->${to}`).toEqual({ ok: true });
  });

  it('refuses every other transition with a clear code', () => {
    const allowed = new Set(legal.map(([f, t]) => `${f}->${t}`));
    let refused = 0;
    for (const from of SESSION_STATUSES) {
      for (const to of SESSION_STATUSES) {
        if (allowed.has(`${from}->${to}`)) continue;
        const result = checkTransition(from, to);
        expect(result.ok, `${from}->${to}`).toBe(false);
        if (!result.ok) {
          expect(result.code).toBe(isFinal(from) ? 'ERR_SESSION_ENDED' : 'ERR_TRANSITION_INVALID');
          expect(result.reason).toContain(from);
        }
        refused++;
      }
    }
    expect(refused).toBe(SESSION_STATUSES.length ** 2 - legal.length);
  });

  it('never leaves a final status', () => {
    for (const status of FINAL_STATUSES) {
      expect(isFinal(status)).toBe(true);
      expect(TRANSITIONS[status]).toEqual([]);
    }
    expect(SESSION_STATUSES.filter((s) => !isFinal(s))).toEqual([
      'requested',
      'created',
      'waiting',
      'connected',
      'reconnecting',
    ]);
  });
});
