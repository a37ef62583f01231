/**
 * The data channel's messages, each to the one feature that owns its type. A feature registers the
 * types it owns once, when the element creates it; the call controller hands every parsed message
 * here with who sent it. Binary frames go by their first byte (`BINARY_TAGS` in
 * `src/peer-messages.ts`) the same way.
 *
 * Every message type of `src/peer-messages.ts` must have an owner: `unowned()` lists those without,
 * and the element's test fails while the list is not empty, so a new message type breaks the suite
 * until a feature takes it. A type registered twice is a programming error and throws.
 */
import type { PeerMessage } from '../../src/peer-messages.js';
import type { Role } from '../../src/protocol.js';

/** A data-channel message for a feature (pings and `bye` are the call controller's own). */
export type CallMessage = Exclude<PeerMessage, { type: 'ping' | 'pong' | 'bye' }>;
export type CallMessageType = CallMessage['type'];
export type MessageOf<T extends CallMessageType> = Extract<CallMessage, { type: T }>;

/** Who sent a message: a person in the call. */
export interface Sender {
  /** The person's id in the call (the key of the call controller's `people`). */
  readonly id: string;
  readonly role: Role;
  readonly name: string;
}

export type MessageHandler<T extends CallMessageType> = (
  message: MessageOf<T>,
  from: Sender,
) => void;
export type BinaryHandler = (frame: Uint8Array, from: Sender) => void;

export class MessageRouter {
  private readonly routes = new Map<string, (message: CallMessage, from: Sender) => void>();
  private readonly binaryRoutes = new Map<number, BinaryHandler>();

  /** Hands every message of `types` to `handler`. */
  register<const T extends CallMessageType>(types: readonly T[], handler: MessageHandler<T>): void {
    for (const type of types) {
      if (this.routes.has(type)) throw new Error(`data-channel message ${type} has an owner`);
      this.routes.set(type, handler as (message: CallMessage, from: Sender) => void);
    }
  }

  /** Hands every binary frame whose first byte is `tag` to `handler`. */
  registerBinary(tag: number, handler: BinaryHandler): void {
    if (this.binaryRoutes.has(tag)) throw new Error(`binary frame tag ${tag} has an owner`);
    this.binaryRoutes.set(tag, handler);
  }

  /** Delivers `message` to its owner; false (and a warning) when it has none. */
  dispatch(message: CallMessage, from: Sender): boolean {
    const handler = this.routes.get(message.type);
    if (!handler) {
      console.warn(`[video-session] no feature takes ${message.type} messages`);
      return false;
    }
    handler(message, from);
    return true;
  }

  /** Delivers a binary frame to the owner of its first byte; false when it has none. */
  dispatchBinary(frame: Uint8Array, from: Sender): boolean {
    const handler = this.binaryRoutes.get(frame[0] ?? -1);
    if (!handler) return false;
    handler(frame, from);
    return true;
  }

  /** Which of `types` no feature registered. */
  unowned(types: readonly string[]): string[] {
    return types.filter((type) => !this.routes.has(type));
  }
}
