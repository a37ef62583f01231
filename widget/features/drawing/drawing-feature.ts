/**
 * Drawing on the customer's camera picture, the agent's pointer, and marks that stay on the object
 * as the camera moves (tracking): the marks go over the customer's camera, which is the agent's
 * remote video and the customer's own preview.
 *
 * This front is in the main script, with the RTP tap the tracker needs on the customer's video
 * sender from the first frame on; the overlay and the tracker are a chunk (`drawing-chunk.ts`),
 * loaded when a call connects. The call works without it if it cannot be loaded. Marks that arrive
 * before it is there wait in the `Lazy` helper (poses do not: they are stale a frame later).
 */
import type { CSSResult, ReactiveController, ReactiveControllerHost } from 'lit';
import type { BoardMark } from '../../../src/annotation-board.js';
import type { ErrorCode, VideoSessionError } from '../../../src/errors.js';
import type { PeerMessage } from '../../../src/peer-messages.js';
import type { Role } from '../../../src/protocol.js';
import type { DrawingMessage } from '../../../src/tracking-messages.js';
import type { CallFeature } from '../../core/call/call-controller.js';
import { Lazy } from '../../core/lazy.js';
import type { TrackKind } from '../../core/peer/peer-link.js';
import type { MessageRouter, Sender } from '../../core/router.js';
import type { Messages } from '../../messages.js';
import { RtpTap } from '../tracking/rtp-tap.js';
import type * as DrawingChunk from './drawing-chunk.js';
import type { Drawing } from './drawing-chunk.js';
import type { AnnotationView } from './types.js';

type Chunk = typeof DrawingChunk;

export type { AnnotationView };

export interface DrawingFeatureOptions {
  router: MessageRouter;
  role(): Role;
  /** Sends to everyone in the call (reliable), or unreliable (the pointer, poses). */
  send(message: PeerMessage): boolean;
  sendUnreliable(message: PeerMessage): boolean;
  stats(): Promise<RTCStatsReport | null>;
  /**
   * Where the marks go, read after every render: the customer's picture (`video`), the canvas over
   * it, and for the customer their camera track (null while sharing a screen).
   */
  surfaces(): {
    video: HTMLVideoElement | null;
    canvas: HTMLCanvasElement | null;
    camera: MediaStreamTrack | null;
  };
  /** Adds the feature's styles to the element once its chunk is loaded. */
  adoptStyles(styles: CSSResult): void;
  /** Someone else drew on, or pointed at, this person's own camera picture. */
  onMarkedHere(): void;
  onError(code: ErrorCode, fatal: boolean): void;
  /** The feature's chunk could not be loaded. */
  onChunkError(error: VideoSessionError): void;
}

export class DrawingFeature implements ReactiveController, CallFeature {
  private readonly host: ReactiveControllerHost;
  private readonly options: DrawingFeatureOptions;
  private readonly lazy: Lazy<Chunk, Drawing, [DrawingMessage, Sender]>;
  /** The customer's camera frames' RTP timestamps, for the tracker. */
  private readonly tap = new RtpTap();
  private connected = false;

  constructor(host: ReactiveControllerHost, options: DrawingFeatureOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
    this.lazy = new Lazy({
      name: 'drawing tools',
      import: () => import('./drawing-chunk.js'),
      build: (chunk) => this.build(chunk),
      deliver: (drawing, [message, from]) => this.deliver(drawing, message, from),
      onFailed: (error) => options.onChunkError(error),
    });
    options.router.register(['annotate', 'pointer', 'pose'], (message, from) => {
      if (this.lazy.value) this.deliver(this.lazy.value, message, from);
      else if (message.type !== 'pose') this.lazy.handle([message, from]);
    });
  }

  hostUpdated(): void {
    const drawing = this.lazy.value;
    if (!drawing) return;
    const { video, canvas, camera } = this.options.surfaces();
    drawing.overlay.attach(video, canvas);
    drawing.tracker.attach(video, camera);
  }

  hostDisconnected(): void {
    this.tap.stop();
  }

  /** The marks on the customer's picture, everyone's, where they are drawn now. */
  get annotations(): AnnotationView[] {
    return this.lazy.value?.overlay.annotations() ?? [];
  }

  undo(): void {
    this.lazy.value?.overlay.undo();
  }

  redo(): void {
    this.lazy.value?.overlay.redo();
  }

  clear(scope: 'own' | 'all'): void {
    this.lazy.value?.overlay.clear(scope);
  }

  /** A key pressed in the element; true when it was a drawing shortcut (then it is used up). */
  handleKeydown(e: KeyboardEvent): boolean {
    return this.lazy.value?.overlay.handleKeydown(e) ?? false;
  }

  /** Paints the marks, as shown, onto a frame of the customer's picture (`width` x `height`). */
  paintOnto(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    this.lazy.value?.overlay.paintOnto(ctx, width, height);
  }

  /** The tool bar and whether a tool is in hand, once the feature is loaded and a call is on. */
  view(t: Messages): { tools: unknown; active: boolean } | null {
    const overlay = this.lazy.value?.overlay;
    return overlay?.role ? { tools: overlay.render(t), active: overlay.tool !== null } : null;
  }

  callWelcomed(): void {
    this.lazy.value?.overlay.begin(this.options.role());
  }

  /** The customer's video sender of a new connection, before it first sends. */
  senderCreated(sender: RTCRtpSender, kind: TrackKind): void {
    if (kind === 'video' && this.options.role() === 'customer') this.tap.adopt(sender);
  }

  personConnected(): void {
    this.connected = true;
    const drawing = this.lazy.value;
    if (!drawing) return; // loaded once the call is set up, or when a mark arrives
    drawing.overlay.resync();
    drawing.tracker.connected();
  }

  callSettled(): void {
    this.lazy.load().catch(() => undefined); // reported through onChunkError
  }

  personDisconnected(): void {
    this.connected = false;
  }

  callReleased(): void {
    const drawing = this.lazy.value;
    drawing?.overlay.end();
    drawing?.tracker.stop();
    this.tap.stop();
    this.lazy.clear();
  }

  private build(chunk: Chunk): Drawing {
    const o = this.options;
    this.options.adoptStyles(chunk.annotationStyles);
    const drawing = chunk.createDrawing(this.host, {
      role: o.role,
      tap: this.tap,
      send: (message) => o.send(message),
      sendUnreliable: (message) => o.sendUnreliable(message),
      stats: o.stats,
      onMarksChanged: (marks: BoardMark[]) => {
        // The customer sees what the agent draws on their own camera.
        if (o.role() === 'customer' && marks.some((m) => m.author === 'agent')) o.onMarkedHere();
      },
      onError: o.onError,
    });
    drawing.overlay.begin(o.role());
    if (this.connected) {
      drawing.overlay.resync();
      drawing.tracker.connected();
    }
    this.host.requestUpdate();
    return drawing;
  }

  private deliver(drawing: Drawing, message: DrawingMessage, from: Sender): void {
    drawing.handle(message, from.role);
    if (this.options.role() === 'customer' && message.type === 'pointer' && message.at) {
      this.options.onMarkedHere();
    }
  }
}
