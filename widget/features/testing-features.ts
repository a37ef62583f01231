/**
 * Helpers for the feature controllers' unit tests (imported by tests only; the minimal Lit host to
 * build a controller on is `core/testing-host.ts`): the two people's sides of a call wired to each other in the page, so
 * what one side's controller sends reaches the other side's router as the call would deliver it.
 */
import { parsePeerMessage, type PeerMessage } from '../../src/peer-messages.js';
import type { Role } from '../../src/protocol.js';
import type { Person } from '../core/call/call-controller.js';
import type { PeerController } from '../core/peer/peer-controller.js';
import type { MessageRouter, Sender } from '../core/router.js';

/** The two people of a call as the router names them. */
export const PEOPLE: Readonly<Record<Role, Sender>> = {
  agent: { id: 'agent', role: 'agent', name: 'Alice' },
  customer: { id: 'customer', role: 'customer', name: 'Bob' },
};

export const otherRole = (role: Role): Role => (role === 'agent' ? 'customer' : 'agent');

export interface WaterMarks {
  /** `whenWritable` waits while this much is queued... */
  high: number;
  /** ...until the queue is below this. */
  low: number;
}

/**
 * One side's end of an in-page data channel to the other side: what is sent here is delivered, in
 * order and one frame per task, into the other side's router with this side as the sender. Text
 * messages go through JSON and the protocol's parser as on a real channel (a message the other
 * side would refuse throws here, at the sender). Binary frames are copied when sent. Optionally
 * paced (`bytesPerMs`), so a transfer takes long enough for progress to be seen.
 */
export class PeerEnd {
  /** False once closed: sending fails, as on a closed channel. */
  connected = true;
  /** Bytes sent and not yet delivered. */
  bufferedAmount = 0;
  /** The most that was ever queued. */
  maxBuffered = 0;
  /** Every text message sent, parsed, in order. */
  readonly sent: PeerMessage[] = [];
  /** Frames queued, not yet delivered. */
  private readonly queue: (PeerMessage | Uint8Array)[] = [];
  private pumping = false;
  private writable: (() => void)[] = [];

  constructor(
    private readonly from: Sender,
    private readonly to: MessageRouter,
    private readonly water: WaterMarks = { high: 1024 * 1024, low: 256 * 1024 },
    private readonly bytesPerMs = 0,
  ) {}

  send(message: PeerMessage): boolean {
    if (!this.connected) return false;
    const parsed = parsePeerMessage(JSON.stringify(message));
    if (!parsed.ok)
      throw new Error(`the other side would refuse ${message.type}: ${parsed.reason}`);
    this.sent.push(parsed.value);
    this.enqueue(parsed.value);
    return true;
  }

  sendBinary(frame: Uint8Array): boolean {
    if (!this.connected) return false;
    const copy = frame.slice();
    this.bufferedAmount += copy.byteLength;
    this.maxBuffered = Math.max(this.maxBuffered, this.bufferedAmount);
    this.enqueue(copy);
    return true;
  }

  /** Resolves when the channel can take more (as the peer controller's: below the low mark). */
  whenWritable(): Promise<void> {
    if (!this.connected || this.bufferedAmount < this.water.high) return Promise.resolve();
    return new Promise((resolve) => this.writable.push(resolve));
  }

  /** The channel closes: nothing more is sent or delivered. */
  close(): void {
    this.connected = false;
    this.queue.length = 0;
    this.bufferedAmount = 0;
    this.release();
  }

  private enqueue(frame: PeerMessage | Uint8Array): void {
    this.queue.push(frame);
    if (!this.pumping) {
      this.pumping = true;
      setTimeout(() => this.pump(), 0);
    }
  }

  private pump(): void {
    const frame = this.queue.shift();
    if (!frame || !this.connected) {
      this.pumping = false;
      return;
    }
    let delay = 0;
    if (frame instanceof Uint8Array) {
      this.bufferedAmount -= frame.byteLength;
      if (this.bufferedAmount < this.water.low) this.release();
      this.to.dispatchBinary(frame, this.from);
      if (this.bytesPerMs > 0) delay = Math.ceil(frame.byteLength / this.bytesPerMs);
    } else if (frame.type !== 'ping' && frame.type !== 'pong' && frame.type !== 'bye') {
      this.to.dispatch(frame, this.from);
    }
    setTimeout(() => this.pump(), delay);
  }

  private release(): void {
    const waiting = this.writable;
    this.writable = [];
    for (const resolve of waiting) resolve();
  }
}

/** Both ends of a channel between the agent's side and the customer's (`ends.agent` is the agent's). */
export function channel(
  routers: Record<Role, MessageRouter>,
  options: { water?: WaterMarks; bytesPerMs?: number } = {},
): Record<Role, PeerEnd> {
  return {
    agent: new PeerEnd(PEOPLE.agent, routers.customer, options.water, options.bytesPerMs),
    customer: new PeerEnd(PEOPLE.customer, routers.agent, options.water, options.bytesPerMs),
  };
}

/**
 * The other person of a call as the call controller hands them to features, with `end` (this
 * side's end of the channel to them) standing in for the peer connection.
 */
export function person(who: Sender, end: PeerEnd): Person {
  return {
    ...who,
    participant: { role: who.role, name: who.name },
    peer: end as unknown as PeerController,
    remoteStream: null,
    pairing: 1,
    present: true,
    rebuilds: 0,
    rebuildTimer: undefined,
  };
}

/** `size` random bytes (not compressible, not repetitive). */
export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

/** A PNG of `width` x `height`, all one colour. */
export async function plainPng(width: number, height: number, colour: string): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/png' });
}
