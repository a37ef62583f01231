/**
 * The drawing feature's chunk, loaded when a call connects (so the script a page loads first stays
 * small, and no connection waits for it): the overlay (marks, the pointer, the tool bar) and the
 * tracker, wired together so anchored marks follow the object, and their styles. The tracker's
 * worker is a file of its own, loaded when the customer's camera is there.
 */
import type { Author, BoardMark } from '../../../src/annotation-board.js';
import type { ErrorCode } from '../../../src/errors.js';
import { assertNever } from '../../../src/parse.js';
import type { PeerMessage } from '../../../src/peer-messages.js';
import type { Role } from '../../../src/protocol.js';
import type { DrawingMessage } from '../../../src/tracking-messages.js';
import type { ReactiveControllerHost } from 'lit';
import { OverlayController } from './overlay-controller.js';
import type { RtpTap } from '../tracking/rtp-tap.js';
import { TrackerController } from '../tracking/tracker-controller.js';

export { annotationStyles } from './styles.js';

export interface DrawingOptions {
  role(): Role;
  /** The RTP timestamps of the customer's camera frames (the tap is in the main script). */
  tap: RtpTap;
  /** Sends on the reliable data channel (marks) or the unreliable one (pointer, poses). */
  send(message: PeerMessage): void;
  sendUnreliable(message: PeerMessage): void;
  stats(): Promise<RTCStatsReport | null>;
  onMarksChanged(marks: BoardMark[]): void;
  onError(code: ErrorCode, fatal: boolean): void;
}

export interface Drawing {
  overlay: OverlayController;
  tracker: TrackerController;
  /** A drawing message from the other person. */
  handle(message: DrawingMessage, from: Author): void;
}

export function createDrawing(host: ReactiveControllerHost, o: DrawingOptions): Drawing {
  const overlay: OverlayController = new OverlayController(host, {
    onSend: o.send,
    onPointer: o.sendUnreliable,
    frameRef: () => tracker.frameRef(),
    onMarksChanged: (marks) => {
      tracker.syncMarks(marks);
      o.onMarksChanged(marks);
    },
    onError: o.onError,
  });
  const tracker: TrackerController = new TrackerController(host, {
    role: o.role,
    tap: o.tap,
    onPose: o.sendUnreliable,
    stats: o.stats,
    onFrame: (placements) => {
      for (const [id, p] of placements) overlay.setPlacement('agent', id, p.h, p.state);
      overlay.draw();
    },
  });
  return {
    overlay,
    tracker,
    handle(message, from) {
      switch (message.type) {
        case 'annotate':
          overlay.handleAnnotate(message, from);
          return;
        case 'pointer':
          overlay.handlePointer(message, from);
          return;
        case 'pose':
          tracker.handlePose(message);
          return;
        default:
          assertNever(message);
      }
    },
  };
}
