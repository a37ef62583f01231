/**
 * Call modes: which of the two people send audio and video. The session (and the peer connection
 * with its data channel) outlives every mode; `chat` is the call ended but the session open.
 *
 * - `two-way`: both send audio and video;
 * - `one-way-agent`: the agent sends video and audio, the customer only audio (the customer watches);
 * - `one-way-customer`: the customer sends video and audio, the agent only audio;
 * - `voice`: both send audio only;
 * - `chat`: nobody sends media; chat and files go on over the data channel.
 */
import type { Role } from './protocol.js';

export const CALL_MODES = [
  'two-way',
  'one-way-agent',
  'one-way-customer',
  'voice',
  'chat',
] as const;
export type CallMode = (typeof CALL_MODES)[number];

/** How the person asked answers an offer that needs their media. */
export const MODE_ANSWERS = ['accept', 'one-way', 'decline'] as const;
export type ModeAnswer = (typeof MODE_ANSWERS)[number];

/** What one person sends (or has agreed to send). */
export interface Sends {
  readonly audio: boolean;
  readonly video: boolean;
}

export const NOTHING: Sends = { audio: false, video: false };
export const EVERYTHING: Sends = { audio: true, video: true };

export function isCallMode(value: unknown): value is CallMode {
  return typeof value === 'string' && (CALL_MODES as readonly string[]).includes(value);
}

/** What `role` sends in `mode`. */
export function sends(mode: CallMode, role: Role): Sends {
  switch (mode) {
    case 'two-way':
      return EVERYTHING;
    case 'one-way-agent':
      return { audio: true, video: role === 'agent' };
    case 'one-way-customer':
      return { audio: true, video: role === 'customer' };
    case 'voice':
      return { audio: true, video: false };
    case 'chat':
      return NOTHING;
  }
}

/** The mode in which the agent sends `agent` and the customer `customer` (video implies audio). */
export function modeOf(agent: Sends, customer: Sends): CallMode {
  const av = agent.video;
  const cv = customer.video;
  if (av && cv) return 'two-way';
  if (av) return 'one-way-agent';
  if (cv) return 'one-way-customer';
  return agent.audio || customer.audio ? 'voice' : 'chat';
}

/** `mode` without `role`'s camera (what "accept, but without my camera" gives). */
export function withoutVideoOf(mode: CallMode, role: Role): CallMode {
  const other: Role = role === 'agent' ? 'customer' : 'agent';
  const mine = sends(mode, role);
  const theirs = sends(mode, other);
  const next = { audio: mine.audio, video: false };
  return role === 'agent' ? modeOf(next, theirs) : modeOf(theirs, next);
}

/** True when `want` needs something from `role` that `have` does not include. */
export function exceeds(want: Sends, have: Sends): boolean {
  return (want.audio && !have.audio) || (want.video && !have.video);
}

/**
 * The mode an offer ends in: `accept` gives the offered mode, `one-way` the offered mode without
 * the answerer's camera (the offered mode itself when it did not include it), `decline` leaves the
 * current mode as it is.
 */
export function resolveAnswer(
  offered: CallMode,
  current: CallMode,
  answerer: Role,
  answer: ModeAnswer,
): CallMode {
  switch (answer) {
    case 'accept':
      return offered;
    case 'one-way':
      return withoutVideoOf(offered, answerer);
    case 'decline':
      return current;
  }
}
