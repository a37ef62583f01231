/**
 * Owns the annotation canvas over the customer's camera picture (the agent's remote video, the
 * customer's own preview): pointer input for the drawing tools and the "look here" pointer, the
 * marks of both people (an `AnnotationBoard`), undo/redo/clear, keyboard shortcuts, and drawing
 * them on the video *content* (object-fit, letterboxing, mirroring, resizes, fullscreen).
 *
 * Methods in (`attach`, `handleAnnotate`, `handlePointer`, `setPlacement`, the tool setters); out
 * through `onSend` (reliable), `onPointer` (unreliable) and `onMarksChanged`. Everything it
 * listens to is released in `detach`.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { AnnotationBoard, type Author, type BoardMark } from '../../../src/annotation-board.js';
import { onFrame, toFrame } from '../../../src/annotation-geometry.js';
import type { AnnotateMessage, Mark, PointerMessage, Tool } from '../../../src/annotation-ops.js';
import type { ErrorCode } from '../../../src/errors.js';
import type { Messages } from '../../messages.js';
import { drawMark, placePoints, type Placement, type Surface } from './draw-mark.js';
import { measureSurface, paint } from './painter.js';
import { runShortcut } from './shortcuts.js';
import { Stroke } from './stroke.js';
import { renderAnnotationTools, renderTextEntry } from './tools.js';
import {
  COLORS,
  WIDTHS,
  type AnnotationView,
  type DrawingTools,
  type ToolChoice,
  type TrackingState,
} from './types.js';

export type { AnnotationView, ToolChoice, TrackingState };

export interface OverlayOptions {
  onSend(message: AnnotateMessage): void;
  onPointer(message: PointerMessage): void;
  /** The frame the agent is looking at, for anchored marks (null when it cannot be named). */
  frameRef(): NonNullable<Mark['anchor']> | null;
  /** The set of marks changed (added, removed, cleared), on either side. */
  onMarksChanged(marks: BoardMark[]): void;
  onError(code: ErrorCode, fatal: boolean): void;
}

/** The pointer fades after this long without moving, over `POINTER_FADE_MS`. */
const POINTER_HOLD_MS = 1200;
const POINTER_FADE_MS = 600;

export class OverlayController implements ReactiveController, DrawingTools {
  private readonly host: ReactiveControllerHost;
  private readonly options: OverlayOptions;
  private board: AnnotationBoard | null = null;

  tool: ToolChoice = null;
  color: string = COLORS[0];
  width: number = WIDTHS[1];
  /** New marks stay on the object under them (agent). */
  anchored = false;
  /** A text mark waiting for its text: where it goes (frame) and where the input goes (stage px). */
  pendingText: { at: [number, number]; x: number; y: number } | null = null;

  private video: HTMLVideoElement | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private resize: ResizeObserver | null = null;
  private surfaceListeners: AbortController | null = null;
  private frame = 0;

  private stroke: Stroke | null = null;
  private remotePointer: { at: readonly [number, number]; time: number } | null = null;
  /** The pointer position to send with the next frame (undefined: nothing new). */
  private pointerOut: readonly [number, number] | null | undefined = undefined;
  private pointerSent: readonly [number, number] | null = null;
  private readonly placements = new Map<string, { h: number[] | null; state: TrackingState }>();

  constructor(host: ReactiveControllerHost, options: OverlayOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.detach();
    this.end();
  }

  /** Starts a call as `role`: the agent gets the pointer tool and a new board. */
  begin(role: Author): void {
    if (this.board?.self === role) return;
    this.board = new AnnotationBoard(role);
    this.tool = role === 'agent' ? 'pointer' : null;
    this.color = role === 'agent' ? COLORS[0] : COLORS[3];
    this.changed();
  }

  /** Forgets every mark (the call ended). */
  end(): void {
    this.board = null;
    this.stroke = null;
    this.pendingText = null;
    this.remotePointer = null;
    this.placements.clear();
    this.changed();
  }

  get role(): Author | null {
    return this.board?.self ?? null;
  }

  get canUndo(): boolean {
    return this.board?.canUndo ?? false;
  }

  get canRedo(): boolean {
    return this.board?.canRedo ?? false;
  }

  get hasMarks(): boolean {
    return (this.board?.marks().length ?? 0) > 0;
  }

  /**
   * Puts the canvas over `video` (the picture being annotated). Call after every render: it
   * rebinds only when something changed.
   */
  attach(video: HTMLVideoElement | null, canvas: HTMLCanvasElement | null): void {
    if (video === this.video && canvas === this.canvas) return;
    this.detach();
    this.video = video;
    this.canvas = canvas;
    if (!video || !canvas) return;
    const { signal } = (this.surfaceListeners = new AbortController());
    canvas.addEventListener('pointerdown', (e) => this.handlePointerDown(e), { signal });
    canvas.addEventListener('pointermove', (e) => this.handlePointerMove(e), { signal });
    canvas.addEventListener('pointerup', (e) => this.handlePointerUp(e), { signal });
    canvas.addEventListener('pointercancel', () => this.cancelStroke(), { signal });
    canvas.addEventListener('pointerleave', () => this.queuePointer(null), { signal });
    video.addEventListener('resize', () => this.draw(), { signal });
    video.addEventListener('loadedmetadata', () => this.draw(), { signal });
    this.resize = new ResizeObserver(() => this.draw());
    this.resize.observe(canvas);
    this.resize.observe(video);
    this.draw();
  }

  /** Lets go of the canvas and the video: the one place input, observers and frames stop. */
  detach(): void {
    this.surfaceListeners?.abort();
    this.surfaceListeners = null;
    this.resize?.disconnect();
    this.resize = null;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.video = null;
    this.canvas = null;
    this.stroke = null;
  }

  /** The tool bar and, while a text mark waits for its text, the text field (strings from `t`). */
  render(t: Messages) {
    const states = this.trackingStates();
    const note = states.includes('lost')
      ? t.tracking.lost
      : states.includes('refound')
        ? t.tracking.refound
        : null;
    return html`${renderAnnotationTools(this, t)}${renderTextEntry(this, t)}
    ${note ? html`<p class="tracking-note" role="status">${note}</p>` : nothing}`;
  }

  // ---- Tools ------------------------------------------------------------------------------------

  /** Picks a tool (picking the current one again puts it down); the pointer is the agent's. */
  setTool(tool: ToolChoice): void {
    if (tool === 'pointer' && this.role !== 'agent') return;
    if (this.tool === 'pointer' && tool !== 'pointer') this.queuePointer(null);
    this.tool = this.tool === tool ? null : tool;
    this.cancelStroke();
    this.pendingText = null;
    this.changed();
  }

  setColor(color: string): void {
    this.color = color;
    this.changed();
  }

  setWidth(width: number): void {
    this.width = width;
    this.changed();
  }

  toggleAnchored(): void {
    if (this.role !== 'agent') return;
    this.anchored = !this.anchored;
    this.changed();
  }

  undo(): void {
    this.sendAll(this.board?.undo() ?? []);
  }

  redo(): void {
    this.sendAll(this.board?.redo() ?? []);
  }

  /** Clears own marks, or (the agent) everyone's. */
  clear(scope: 'own' | 'all'): void {
    if (!this.board || (scope === 'all' && this.role !== 'agent')) return;
    this.sendAll([this.board.clear(scope)]);
  }

  /** Places the text mark waiting in `pendingText` (nothing for empty text). */
  commitText(text: string): void {
    const pending = this.pendingText;
    this.pendingText = null;
    const trimmed = text.trim().slice(0, 280);
    if (pending && trimmed) this.commit({ tool: 'text', points: [...pending.at], text: trimmed });
    this.changed();
  }

  cancelText(): void {
    this.pendingText = null;
    this.changed();
  }

  /** The keyboard shortcuts (see `shortcuts.ts`); returns true when the key was one of them. */
  handleKeydown(e: KeyboardEvent): boolean {
    return this.board !== null && runShortcut(e, this);
  }

  /**
   * A (new) connection to the other widget: it may have reloaded, so it gets our marks again and
   * replaces whatever it had from us. The same runs on its side.
   */
  resync(): void {
    const board = this.board;
    if (!board) return;
    this.options.onSend({ type: 'annotate', op: 'clear', scope: 'own' });
    for (const { author, ...mark } of board.marks()) {
      if (author === board.self) this.options.onSend({ type: 'annotate', op: 'add', mark });
    }
  }

  // ---- From the other side and the tracker ------------------------------------------------------

  handleAnnotate(message: AnnotateMessage, from: Author): void {
    if (!this.board) return;
    const result = this.board.apply(message, from);
    if (!result.ok) {
      console.warn(`[video-session] ${result.code}: ${result.reason}`);
      this.options.onError(result.code, false);
      return;
    }
    this.marksChanged();
  }

  handlePointer(message: PointerMessage, from: Author): void {
    if (from !== 'agent' || !this.board) return;
    this.remotePointer = message.at ? { at: message.at, time: performance.now() } : null;
    this.scheduleDraw();
  }

  /** The pose of an anchored mark of `author` on the frame shown now (null: keep the last one). */
  setPlacement(author: Author, id: string, h: number[] | null, state: TrackingState): void {
    const key = `${author}:${id}`;
    const before = this.placements.get(key);
    this.placements.set(key, { h: h ?? before?.h ?? null, state });
    if (before?.state !== state) this.host.requestUpdate();
  }

  /** The tracking states of the anchored marks. */
  private trackingStates(): TrackingState[] {
    return [...this.placements.values()].map((p) => p.state);
  }

  /** Every mark, where it is drawn now. */
  annotations(): AnnotationView[] {
    const surface = this.surface();
    return (this.board?.marks() ?? []).map((m) => {
      const placement = this.placements.get(`${m.author}:${m.id}`);
      const h = m.anchor ? (placement?.h ?? null) : null;
      const unit: Surface = { rect: { x: 0, y: 0, width: 1, height: 1 }, mirrored: false };
      return {
        id: m.id,
        author: m.author,
        tool: m.tool,
        color: m.color,
        ...(m.text !== undefined ? { text: m.text } : {}),
        anchored: m.anchor !== undefined,
        state: m.anchor ? (placement?.state ?? 'starting') : 'static',
        points: [...m.points],
        placed: placePoints(m.points, unit, h),
        drawn: surface ? placePoints(m.points, surface, h) : [],
      };
    });
  }

  // ---- Input ------------------------------------------------------------------------------------

  private handlePointerDown(e: PointerEvent): void {
    const tool = this.tool;
    const at = this.eventToFrame(e);
    if (!tool || !at || !onFrame(at[0], at[1]) || e.button > 0) return;
    e.preventDefault();
    if (tool === 'pointer') {
      this.queuePointer(at);
    } else if (tool === 'text') {
      const box = this.canvas!.getBoundingClientRect();
      this.pendingText = { at, x: e.clientX - box.left, y: e.clientY - box.top };
      this.changed();
    } else {
      this.canvas!.setPointerCapture(e.pointerId);
      this.stroke = new Stroke(tool, e.pointerId, at);
      this.scheduleDraw();
    }
  }

  private handlePointerMove(e: PointerEvent): void {
    if (this.tool === 'pointer') {
      const at = this.eventToFrame(e);
      this.queuePointer(at && onFrame(at[0], at[1]) ? at : null);
      return;
    }
    const stroke = this.stroke;
    if (!stroke || e.pointerId !== stroke.pointerId) return;
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const at = this.eventToFrame(ev);
      if (at) stroke.extend(at);
    }
    this.scheduleDraw();
  }

  private handlePointerUp(e: PointerEvent): void {
    if (this.tool === 'pointer' && e.pointerType === 'touch') this.queuePointer(null);
    const stroke = this.stroke;
    if (!stroke || e.pointerId !== stroke.pointerId) return;
    this.stroke = null;
    const shape = stroke.finish();
    if (shape) this.commit(shape);
    this.draw();
  }

  /** True while a stroke is under the person's finger. */
  get drawing(): boolean {
    return this.stroke !== null;
  }

  private cancelStroke(): void {
    if (!this.stroke) return;
    this.stroke = null;
    this.scheduleDraw();
  }

  private commit(shape: { tool: Tool; points: number[]; text?: string }): void {
    if (!this.board) return;
    const frame = this.anchored && this.role === 'agent' ? this.options.frameRef() : null;
    const mark: Mark = {
      id: markId(),
      tool: shape.tool,
      color: this.color,
      width: this.width,
      points: shape.points,
      ...(shape.text !== undefined ? { text: shape.text } : {}),
      ...(frame ? { anchor: frame } : {}),
    };
    const message = this.board.add(mark);
    if (!message) {
      this.options.onError('ERR_PEER_MESSAGE_INVALID', false);
      return;
    }
    this.options.onSend(message);
    this.marksChanged();
  }

  /** The pointer goes out once per displayed frame, with the latest position. */
  private queuePointer(at: readonly [number, number] | null): void {
    if (this.role !== 'agent') return;
    this.pointerOut = at;
    this.scheduleDraw();
  }

  private flushPointer(): void {
    const at = this.pointerOut;
    if (at === undefined) return;
    this.pointerOut = undefined;
    if (at === this.pointerSent) return;
    this.pointerSent = at;
    const round = (v: number) => Math.round(v * 1e5) / 1e5;
    this.options.onPointer({ type: 'pointer', at: at ? [round(at[0]), round(at[1])] : null });
  }

  private sendAll(messages: AnnotateMessage[]): void {
    for (const m of messages) this.options.onSend(m);
    if (messages.length) this.marksChanged();
  }

  private marksChanged(): void {
    const marks = this.board?.marks() ?? [];
    const alive = new Set(marks.map((m) => `${m.author}:${m.id}`));
    for (const key of this.placements.keys()) if (!alive.has(key)) this.placements.delete(key);
    this.options.onMarksChanged(marks);
    this.changed();
  }

  private changed(): void {
    this.scheduleDraw();
    this.host.requestUpdate();
  }

  private eventToFrame(e: PointerEvent): [number, number] | null {
    const surface = this.surface();
    if (!surface || !this.canvas) return null;
    const box = this.canvas.getBoundingClientRect();
    return toFrame(e.clientX - box.left, e.clientY - box.top, surface.rect, surface.mirrored);
  }

  // ---- Drawing ----------------------------------------------------------------------------------

  private surface(): Surface | null {
    return this.video && this.canvas ? measureSurface(this.video, this.canvas) : null;
  }

  scheduleDraw(): void {
    if (this.frame || !this.canvas) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /**
   * Paints every mark, placed as it is shown now, onto a picture of the whole camera frame
   * (`width` x `height` pixels: a screenshot), so the still shows what the people saw.
   */
  paintOnto(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    const surface: Surface = { rect: { x: 0, y: 0, width, height }, mirrored: false };
    for (const mark of this.board?.marks() ?? []) drawMark(ctx, mark, surface, this.placed(mark));
  }

  private placed(mark: BoardMark): Placement {
    const placement = mark.anchor ? this.placements.get(`${mark.author}:${mark.id}`) : undefined;
    return { h: placement?.h ?? null, alpha: placement?.state === 'lost' ? 0.35 : 1 };
  }

  /** Redraws everything now (also from a video-frame callback, with that frame's poses). */
  draw(): void {
    this.flushPointer();
    const canvas = this.canvas;
    if (!canvas) return;
    let pointer = null;
    const p = this.remotePointer;
    if (p) {
      const idle = performance.now() - p.time - POINTER_HOLD_MS;
      const alpha = idle <= 0 ? 1 : 1 - idle / POINTER_FADE_MS;
      if (alpha > 0) {
        pointer = { at: p.at, alpha };
        this.scheduleDraw(); // keep fading
      } else this.remotePointer = null;
    }
    const board = this.board;
    const stroke = this.stroke;
    paint(canvas, this.surface(), {
      marks: board?.marks() ?? [],
      placement: (mark) => this.placed(mark),
      drawing:
        stroke && board
          ? {
              id: 'drawing',
              tool: stroke.tool,
              color: this.color,
              width: this.width,
              points: stroke.points,
              author: board.self,
            }
          : null,
      pointer,
    });
  }
}

function markId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}
