/**
 * The session state machine, owned by the service and mirrored by the widget. Pure logic: which
 * status may follow which, and the code a refused transition answers with.
 *
 * ```
 *  requested ──> created ──> waiting <──> connected <──> reconnecting
 *      │            │           │  ^           │               │
 *      │            │           │  └───────────┴───────────────┘ (somebody left the call)
 *      ├─> declined └───────────┴────────────┴───────────────┴──> ended | expired | failed
 *      └─> expired | ended (cancelled)
 * ```
 *
 * - `requested`: a customer asked for a session (the help button); no agent has accepted yet.
 * - `created`: the session exists (made by the host, accepted from a request, or a direct call).
 * - `waiting`: somebody has joined; the call is not up (yet, or again after somebody left it).
 * - `connected`: the call is up (a widget reported its peer connection connected).
 * - `reconnecting`: the call was up and somebody dropped; it is being re-established.
 * - `ended`, `declined`, `expired`, `failed`: final. A final session never changes status again.
 */
import * as v from 'valibot';
import type { ErrorCode } from './errors.js';

export const SESSION_STATUSES = [
  'requested',
  'created',
  'waiting',
  'connected',
  'reconnecting',
  'ended',
  'declined',
  'expired',
  'failed',
] as const;

export const SessionStatusSchema = v.picklist(SESSION_STATUSES);
/** Where a session is in its life. */
export type SessionStatus = v.InferOutput<typeof SessionStatusSchema>;

/** The statuses a session ends in. */
export const FINAL_STATUSES = ['ended', 'declined', 'expired', 'failed'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/** How a session that exists (past `requested`) can end. */
const LIVE_ENDS = ['ended', 'expired', 'failed'] as const;

/** Every legal transition: `from -> [to...]`. Anything not listed is refused. */
export const TRANSITIONS: Readonly<Record<SessionStatus, readonly SessionStatus[]>> = {
  requested: ['created', 'declined', 'expired', 'ended'],
  created: ['waiting', ...LIVE_ENDS],
  waiting: ['connected', ...LIVE_ENDS],
  connected: ['reconnecting', 'waiting', ...LIVE_ENDS],
  reconnecting: ['connected', 'waiting', ...LIVE_ENDS],
  ended: [],
  declined: [],
  expired: [],
  failed: [],
};

/** True for `ended`, `declined`, `expired` and `failed`. */
export function isFinal(status: SessionStatus): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

/** A transition as a session records it. `at` is Unix milliseconds. */
export interface Transition {
  readonly from: SessionStatus;
  readonly to: SessionStatus;
  readonly at: number;
}

/**
 * Checks `from -> to`. A final session refuses everything with `ERR_SESSION_ENDED`; any other
 * transition not in the table (including `from === to`) with `ERR_TRANSITION_INVALID`.
 */
export function checkTransition(
  from: SessionStatus,
  to: SessionStatus,
): { ok: true } | { ok: false; code: ErrorCode; reason: string } {
  if (TRANSITIONS[from].includes(to)) return { ok: true };
  if (isFinal(from))
    return { ok: false, code: 'ERR_SESSION_ENDED', reason: `the session is ${from}` };
  return { ok: false, code: 'ERR_TRANSITION_INVALID', reason: `${from} cannot become ${to}` };
}
