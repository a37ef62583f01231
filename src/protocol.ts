/**
 * The client <-> service protocol on `/v1/signal`, typed once. The schemas are the source of truth:
 * the types are inferred from them, and `parse.ts` runs them on every frame at both ends.
 *
 * A connection opens with the join token in the WebSocket subprotocol list
 * (`[SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX + token]`), so it never appears in a URL or a log. The
 * client's first frame is `hello`; the service answers `welcome` (or `error` and a close).
 */
import * as v from 'valibot';
import { errors } from './errors.js';
import { FINAL_STATUSES, SessionStatusSchema } from './session-state.js';

/** Bumped when a message changes shape incompatibly. */
export const PROTOCOL_VERSION = 1;
/** The subprotocol the service selects. */
export const SUBPROTOCOL = 'video-session.v1';
/** The join token travels as a second subprotocol: this prefix, then the JWT. */
export const TOKEN_PROTOCOL_PREFIX = 'vs-token.';
/** The largest frame either side accepts, in bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** The service pings and expects a pong (and the client pings the service) at this interval. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** The two people in a one-on-one session. */
export const RoleSchema = v.picklist(['agent', 'customer']);
export type Role = v.InferOutput<typeof RoleSchema>;

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(128), v.regex(/^[\w.:-]+$/));

/** A participant as the other side and the service see them. */
export const ParticipantSchema = v.object({ role: RoleSchema, name: text(120) });
export type Participant = v.InferOutput<typeof ParticipantSchema>;

/** An ICE server handed to the browser (STUN, or TURN with ephemeral credentials). */
export const IceServerSchema = v.object({
  urls: v.union([text(512), v.pipe(v.array(text(512)), v.maxLength(8))]),
  username: v.optional(text(512)),
  credential: v.optional(text(512)),
});
export type IceServer = v.InferOutput<typeof IceServerSchema>;

/** Which ICE candidates browsers may use: every kind, or TURN relays only. */
export const IceTransportPolicySchema = v.picklist(['all', 'relay']);
export type IceTransportPolicy = v.InferOutput<typeof IceTransportPolicySchema>;

/**
 * WebRTC signalling data: a session description, an ICE candidate, or the answerer's request for an
 * ICE restart (only the initiator makes offers). Bounded so one frame stays under 64 KiB.
 */
export const SignalDataSchema = v.variant('type', [
  v.object({ type: v.picklist(['offer', 'answer']), sdp: text(60_000) }),
  v.object({
    type: v.literal('candidate'),
    candidate: v.object({
      candidate: text(1024),
      sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0)))),
      sdpMid: v.optional(v.nullable(text(64))),
      usernameFragment: v.optional(v.nullable(text(256))),
    }),
  }),
  v.object({ type: v.literal('renegotiate'), renegotiate: v.literal(true) }),
]);
export type SignalData = v.InferOutput<typeof SignalDataSchema>;

/** Why a participant left the call. */
export const LeaveReasonSchema = v.picklist(['hang-up', 'disconnected', 'replaced']);
export type LeaveReason = v.InferOutput<typeof LeaveReasonSchema>;

/** Which peer connection of a session a signal belongs to; the service counts them up. */
const Pairing = v.pipe(v.number(), v.integer(), v.minValue(0));

const codes = Object.keys(errors) as [keyof typeof errors, ...(keyof typeof errors)[]];
const ErrorCodeSchema = v.picklist(codes);

/** Frames from a widget to the service. */
export const ClientMessageSchema = v.variant('type', [
  /**
   * First frame: the protocol spoken; on a reconnect, the resume key, and whether this widget's
   * peer connection is still up (then the call is not rebuilt: media never stopped flowing).
   */
  v.object({
    type: v.literal('hello'),
    protocol: v.pipe(v.number(), v.integer()),
    resumeKey: v.optional(id),
    peerConnected: v.optional(v.boolean()),
  }),
  /** Signalling data for the other participant, for the pairing it belongs to. */
  v.object({ type: v.literal('signal'), pairing: Pairing, data: SignalDataSchema }),
  /** Application heartbeat (browsers cannot send WebSocket pings). */
  v.object({ type: v.literal('ping'), t: v.number() }),
  /** This widget's peer connection of `pairing` is up: the session is `connected`. */
  v.object({ type: v.literal('call-connected'), pairing: Pairing }),
  /**
   * The agent ends the session for both; the customer leaves it (the session stays open until the
   * agent ends it or it expires, and the same invite brings the customer back). With `error`, the
   * widget could not go on (the session ends as `failed` with that code as the reason).
   */
  v.object({ type: v.literal('hang-up'), error: v.optional(ErrorCodeSchema) }),
  /**
   * The peer connection of `pairing` is beyond repair (ICE restarts failed): build a fresh one. The
   * service answers both sides with `peer-joined` only while `pairing` is the current one, so both
   * sides asking at once make one rebuild.
   */
  v.object({ type: v.literal('repair'), pairing: Pairing }),
]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;

/** Frames from the service to a widget. */
export const ServerMessageSchema = v.variant('type', [
  /** The connection is admitted. `peer` is the other participant when already connected. */
  v.object({
    type: v.literal('welcome'),
    protocol: v.pipe(v.number(), v.integer()),
    sessionId: id,
    ticketId: text(200),
    /** The session's status (see `session-state.ts`); later changes arrive as `session-status`. */
    status: SessionStatusSchema,
    you: ParticipantSchema,
    peer: v.nullable(ParticipantSchema),
    resumeKey: id,
    iceServers: v.pipe(v.array(IceServerSchema), v.maxLength(8)),
    /** `relay`: use TURN only, so neither person learns the other's IP address. Default `all`. */
    iceTransportPolicy: v.optional(IceTransportPolicySchema),
    heartbeatMs: v.pipe(v.number(), v.integer(), v.minValue(1000)),
  }),
  /**
   * Both participants are here: build a fresh peer connection for this `pairing` (signals of older
   * pairings are stale and dropped). The agent initiates.
   */
  v.object({
    type: v.literal('peer-joined'),
    peer: ParticipantSchema,
    initiator: v.boolean(),
    pairing: Pairing,
  }),
  /** The other participant left (hung up, dropped, or was replaced by their own new connection). */
  v.object({ type: v.literal('peer-left'), role: RoleSchema, reason: LeaveReasonSchema }),
  /** Signalling data from the other participant. */
  v.object({
    type: v.literal('signal'),
    from: RoleSchema,
    pairing: Pairing,
    data: SignalDataSchema,
  }),
  /** Answer to `ping`. */
  v.object({ type: v.literal('pong'), t: v.number() }),
  /**
   * To the agent: someone tried to join with `role`'s invitation while that place was taken by a
   * live connection (a forwarded link, or the link opened on a second device), and was refused
   * with `ERR_SESSION_FULL`. At most one every 10 s per role.
   */
  v.object({ type: v.literal('invite-in-use'), role: RoleSchema }),
  /** The session moved to another status (every transition, while connected). */
  v.object({ type: v.literal('session-status'), status: SessionStatusSchema }),
  /**
   * The session is over (`status` is the final one); the widget shows its ended state. `by` is the
   * participant who ended it, null for the host or the service.
   */
  v.object({
    type: v.literal('session-ended'),
    status: v.picklist(FINAL_STATUSES),
    by: v.nullable(RoleSchema),
    reason: text(64),
  }),
  /** A refusal. Fatal ones are followed by a close with the code's close code. */
  v.object({ type: v.literal('error'), code: ErrorCodeSchema, message: v.optional(text(500)) }),
]);
export type ServerMessage = v.InferOutput<typeof ServerMessageSchema>;
