/**
 * Drawing on the customer's camera picture, and marks that stay on the object as the camera
 * moves: the drawing feature (overlay, tools, tracker) is a separate chunk, loaded when a call
 * starts; the call works without it if it cannot be loaded. `VideoSession` puts a face on it.
 */
import { adoptStyles, type CSSResult, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { DrawingMessage } from '../src/tracking-messages.js';
import type { Drawing } from './annotations/drawing.js';
import type { AnnotationView, OverlayController } from './controllers/overlay-controller.js';
import type { TrackKind } from './controllers/peer-link.js';
import type { TrackerController } from './controllers/tracker-controller.js';
import { FilesElement } from './files-element.js';

/** The drawing feature over the call (see the module's comment). */
export abstract class DrawingElement extends FilesElement {
  static override properties: PropertyDeclarations = {
    _ownLarge: { state: true },
  };

  /** The customer shows their own camera large: the picture the agent draws on. */
  declare protected _ownLarge: boolean;

  /** The drawing feature's overlay (null until its chunk is loaded). */
  protected overlay: OverlayController | null = null;
  private tracker: TrackerController | null = null;
  private drawing: Drawing | null = null;
  private overlayLoading: Promise<void> | null = null;
  /** Drawing messages that arrived before the drawing feature was loaded. */
  private readonly earlyMarks: DrawingMessage[] = [];
  /** The customer's view was switched to their own camera once this call (by them or by a mark). */
  private ownLargeShown = false;
  /** Styles of the features loaded later (drawing, screenshots). */
  private readonly extraStyles: CSSResult[] = [];

  constructor() {
    super();
    this._ownLarge = false;
    this.addEventListener('keydown', (e) => {
      if (this.overlay?.handleKeydown(e)) e.preventDefault();
    });
  }

  override start(media?: { audio?: boolean; video?: boolean }): Promise<void> {
    void this.loadOverlay();
    return super.start(media);
  }

  /**
   * The customer joins once the drawing feature is there (or after 3 s without it): its tracker
   * must see the video sender of the first connection before that sends.
   */
  protected override beforeJoin(): Promise<unknown> {
    if (this.myRole !== 'customer') return Promise.resolve();
    return Promise.race([this.loadOverlay(), new Promise((done) => setTimeout(done, 3000))]);
  }

  /** The drawings on the customer's camera picture, both people's, where they are drawn now. */
  get annotations(): AnnotationView[] {
    return this.overlay?.annotations() ?? [];
  }

  /** Undoes your last drawing action (on both screens). */
  undoAnnotation(): void {
    this.overlay?.undo();
  }

  /** Redoes the drawing action you last undid. */
  redoAnnotation(): void {
    this.overlay?.redo();
  }

  /** Clears your marks, or (`all`, the agent only) everyone's. */
  clearAnnotations(scope: 'own' | 'all' = 'own'): void {
    this.overlay?.clear(scope);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The drawings go over the customer's camera: the agent's remote video, the customer's own.
    const root = this.renderRoot;
    const surface = root.querySelector<HTMLVideoElement>(
      this.myRole === 'agent' ? 'video.remote' : 'video.local',
    );
    this.overlay?.attach(surface, root.querySelector<HTMLCanvasElement>('canvas.annotations'));
    // Anchored marks follow the customer's camera (not a shared screen).
    const camera = this.myRole === 'customer' && !this.screen.track ? this.media.videoTrack : null;
    this.tracker?.attach(surface, camera);
  }

  protected override welcomed(): void {
    super.welcomed();
    this.overlay?.begin(this.myRole);
  }

  protected override onConnected(): void {
    super.onConnected();
    this.overlay?.resync();
    this.tracker?.connected();
  }

  protected override released(): void {
    super.released();
    this.overlay?.end();
    this.tracker?.stop();
    this.earlyMarks.length = 0;
    this._ownLarge = false;
    this.ownLargeShown = false;
  }

  protected override paintMarks(
    ctx: CanvasRenderingContext2D,
    width: number,
    height: number,
  ): void {
    this.overlay?.paintOnto(ctx, width, height);
  }

  /** The customer's camera frames get their RTP timestamps noted, to name them for tracking. */
  protected override senderCreated(sender: RTCRtpSender, kind: TrackKind): void {
    if (kind === 'video' && this.myRole === 'customer') this.tracker?.adoptSender(sender);
  }

  protected override onDrawing(message: DrawingMessage): void {
    if (!this.drawing) {
      if (this.earlyMarks.length < 1000 && message.type !== 'pose') this.earlyMarks.push(message);
      return;
    }
    this.drawing.handle(message, this.myRole === 'agent' ? 'customer' : 'agent');
    if (this.myRole === 'customer' && message.type === 'pointer' && message.at) this.showOwnLarge();
  }

  /** Adds the styles of a feature loaded later to the element's own. */
  protected adopt(styles: CSSResult): void {
    this.extraStyles.push(styles);
    if (this.renderRoot instanceof ShadowRoot) {
      const own = (this.constructor as typeof DrawingElement).elementStyles;
      adoptStyles(this.renderRoot, [...own, ...this.extraStyles]);
    }
  }

  /** Loads the drawing feature once; the call works without it if it cannot be loaded. */
  private loadOverlay(): Promise<void> {
    this.overlayLoading ??= import('./annotations/drawing.js').then(
      ({ createDrawing, annotationStyles }) => {
        this.adopt(annotationStyles);
        this.drawing = createDrawing(this, {
          role: () => this.myRole,
          send: (message) => this.peer.send(message),
          sendUnreliable: (message) => this.peer.sendUnreliable(message),
          stats: () => this.peer.stats(),
          onMarksChanged: (marks) => {
            // The customer sees what the agent draws on their own camera: show it large, once.
            if (this.myRole === 'customer' && marks.some((m) => m.author === 'agent')) {
              this.showOwnLarge();
            }
          },
          onError: (code, fatal) => this.fail(code, fatal),
        });
        ({ overlay: this.overlay, tracker: this.tracker } = this.drawing);
        this.overlay.begin(this.myRole);
        if (this.peer.connected) this.tracker.connected();
        for (const message of this.earlyMarks.splice(0)) this.onDrawing(message);
        this.requestUpdate();
      },
      (err: unknown) => console.warn('[video-session] drawing tools unavailable:', err),
    );
    return this.overlayLoading;
  }

  /** The person swaps the large and the small video; their choice stands for the rest of the call. */
  protected swapVideos(): void {
    this.ownLargeShown = true;
    this._ownLarge = !this._ownLarge;
  }

  /** The customer's view switches to their own camera (where the agent draws), once a call. */
  private showOwnLarge(): void {
    if (this.ownLargeShown) return;
    this.ownLargeShown = true;
    this._ownLarge = true;
  }
}
