/**
 * `unknown -> Result` parsers for everything that arrives from outside: WebSocket frames at both
 * ends, data-channel messages, HTTP bodies. Nothing inbound is used before it passes here.
 */
import * as v from 'valibot';
import type { ErrorCode } from './errors.js';
import {
  ClientMessageSchema,
  MAX_FRAME_BYTES,
  ServerMessageSchema,
  type ClientMessage,
  type ServerMessage,
} from './protocol.js';

/**
 * A refusal: the code to refuse with (from the error table) and a short reason for the log. An
 * upload refused at the wrong offset also says where it stands (`offset`), for the client to
 * resume from.
 */
export type Refused = {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly reason: string;
  readonly offset?: number;
};

/**
 * The one result type of the project, at both ends: the value, or the refusal. Parsers return it,
 * and so does every service operation that can be refused (`signalling/`).
 */
export type Result<T> = { readonly ok: true; readonly value: T } | Refused;

/** Runs `schema` on an already-decoded value; the issue path goes into `reason`. */
export function parseWith<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  code: ErrorCode,
): Result<v.InferOutput<S>> {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, code, reason: `${path ? path + ': ' : ''}${issue.message}` };
}

/**
 * Decodes a JSON text frame of at most `maxBytes` and runs `schema` on it. Size is checked before
 * parsing, so an oversized frame costs nothing.
 */
export function parseJsonFrame<S extends v.GenericSchema>(
  schema: S,
  raw: unknown,
  code: ErrorCode,
  maxBytes: number = MAX_FRAME_BYTES,
): Result<v.InferOutput<S>> {
  if (typeof raw !== 'string') return { ok: false, code, reason: 'not a text frame' };
  // A UTF-16 length bounds the UTF-8 size to at most 3x; check the cheap bound first.
  if (raw.length > maxBytes || utf8Length(raw) > maxBytes) {
    return { ok: false, code: 'ERR_FRAME_TOO_LARGE', reason: `larger than ${maxBytes} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code, reason: 'not JSON' };
  }
  return parseWith(schema, json, code);
}

/** A frame from a widget, as the service receives it. */
export function parseClientMessage(raw: unknown): Result<ClientMessage> {
  return parseJsonFrame(ClientMessageSchema, raw, 'ERR_MESSAGE_INVALID');
}

/** A frame from the service, as the widget receives it. */
export function parseServerMessage(raw: unknown): Result<ServerMessage> {
  return parseJsonFrame(ServerMessageSchema, raw, 'ERR_MESSAGE_INVALID');
}

/** UTF-8 byte length of a string without allocating. */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Compile-time exhaustiveness: a `switch` over a union ends here, so a new member breaks the build. */
export function assertNever(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}
