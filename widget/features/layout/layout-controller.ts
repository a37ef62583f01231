/**
 * Owns how the element sits on the page: fullscreen, picture-in-picture of the other person's
 * video, and the minimised window a customer can drag around the host page (pointer or arrow keys),
 * kept inside the viewport when the window resizes. The position lives in two custom properties on
 * the host (`--vs-minimized-x`, `--vs-minimized-y`, in px from the top left), which the styles use.
 * It also watches the element's own width (not the viewport's): `fit` says how much of the tool bar
 * fits in it, so a phone, a sidebar or a 648 px card each get every control within reach.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The element: its shadow root hears the video's picture-in-picture events (they stay inside). */
type Host = ReactiveControllerHost &
  HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

export interface LayoutOptions {
  /** The other person's video element (for picture-in-picture). */
  video(): HTMLVideoElement | null;
}

/** Distance kept from the viewport's edges, px. */
const MARGIN = 8;

/**
 * How much of the tool bar fits the element's width: `wide` holds every control (the widest set,
 * an agent's with the mode list, needs about 740 px), `medium` keeps the screenshot and recording
 * controls out and moves the mode, screen and settings into the More menu (about 470 px), `narrow`
 * keeps the microphone, camera, chat, More and hang-up (about 300 px).
 */
export type Fit = 'wide' | 'medium' | 'narrow';
export const FIT_WIDTHS = { wide: 760, medium: 500 } as const;

export function fitFor(width: number): Fit {
  return width >= FIT_WIDTHS.wide ? 'wide' : width >= FIT_WIDTHS.medium ? 'medium' : 'narrow';
}

export class LayoutController implements ReactiveController {
  private readonly host: Host;
  private readonly options: LayoutOptions;
  private x = -1;
  private y = -1;
  private drag: { id: number; dx: number; dy: number; target: HTMLElement } | null = null;
  private sizes: ResizeObserver | null = null;
  private _fit: Fit = 'wide';

  constructor(host: Host, options: LayoutOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('fullscreenchange', this.handleChange);
    this.host.renderRoot.addEventListener('enterpictureinpicture', this.handleChange, true);
    this.host.renderRoot.addEventListener('leavepictureinpicture', this.handleChange, true);
    window.addEventListener('resize', this.handleResize);
    this.sizes = new ResizeObserver(([entry]) => {
      // The border box: what the page gave the element, whatever is inside it.
      const width = entry?.borderBoxSize[0]?.inlineSize ?? this.host.offsetWidth;
      const fit = fitFor(width);
      if (fit === this._fit) return;
      this._fit = fit;
      this.host.requestUpdate();
    });
    this.sizes.observe(this.host);
  }

  hostDisconnected(): void {
    document.removeEventListener('fullscreenchange', this.handleChange);
    this.host.renderRoot.removeEventListener('enterpictureinpicture', this.handleChange, true);
    this.host.renderRoot.removeEventListener('leavepictureinpicture', this.handleChange, true);
    window.removeEventListener('resize', this.handleResize);
    this.sizes?.disconnect();
    this.sizes = null;
    this.stopDrag();
    if (document.fullscreenElement === this.host) void document.exitFullscreen().catch(() => {});
    const video = this.options.video();
    if (video && pipElement(video) === video) void document.exitPictureInPicture().catch(() => {});
  }

  /** How much of the tool bar fits the element's width now. */
  get fit(): Fit {
    return this._fit;
  }

  get fullscreenSupported(): boolean {
    return document.fullscreenEnabled === true;
  }

  get fullscreen(): boolean {
    return document.fullscreenElement === this.host;
  }

  get pipSupported(): boolean {
    return document.pictureInPictureEnabled === true;
  }

  get pip(): boolean {
    const video = this.options.video();
    // The document only sees the host (retargeted); the shadow root knows the video itself.
    return video !== null && pipElement(video) === video;
  }

  /** Enters or leaves fullscreen (needs a click or key press from the person). */
  async toggleFullscreen(): Promise<void> {
    if (this.fullscreen) await document.exitFullscreen();
    else await this.host.requestFullscreen();
  }

  /** Shows the other person's video in a floating window, or takes it back. */
  async togglePip(): Promise<void> {
    const video = this.options.video();
    if (!video) return;
    if (this.pip) await document.exitPictureInPicture();
    else await video.requestPictureInPicture();
  }

  /** Places the minimised window (bottom right at first) and keeps it in the viewport. */
  place(): void {
    const { width, height } = this.host.getBoundingClientRect();
    if (this.x < 0) {
      this.x = window.innerWidth - width - MARGIN * 2;
      this.y = window.innerHeight - height - MARGIN * 2;
    }
    this.moveTo(this.x, this.y);
  }

  /** Starts dragging the minimised window by its handle. */
  startDrag(event: PointerEvent): void {
    if (event.button !== 0) return;
    const target = event.currentTarget as HTMLElement;
    target.setPointerCapture(event.pointerId);
    this.drag = {
      id: event.pointerId,
      dx: event.clientX - this.x,
      dy: event.clientY - this.y,
      target,
    };
    target.addEventListener('pointermove', this.handleMove);
    target.addEventListener('pointerup', this.handleUp);
    target.addEventListener('pointercancel', this.handleUp);
    event.preventDefault();
  }

  /** Moves the minimised window by the arrow keys (10 px, 50 with Shift). */
  nudge(event: KeyboardEvent): void {
    const step = event.shiftKey ? 50 : 10;
    const d = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    }[event.key];
    if (!d) return;
    event.preventDefault();
    this.moveTo(this.x + d[0]!, this.y + d[1]!);
  }

  private moveTo(x: number, y: number): void {
    const { width, height } = this.host.getBoundingClientRect();
    this.x = Math.round(Math.max(MARGIN, Math.min(x, window.innerWidth - width - MARGIN)));
    this.y = Math.round(Math.max(MARGIN, Math.min(y, window.innerHeight - height - MARGIN)));
    this.host.style.setProperty('--vs-minimized-x', `${this.x}px`);
    this.host.style.setProperty('--vs-minimized-y', `${this.y}px`);
  }

  private readonly handleMove = (event: PointerEvent) => {
    if (!this.drag || event.pointerId !== this.drag.id) return;
    this.moveTo(event.clientX - this.drag.dx, event.clientY - this.drag.dy);
  };

  private readonly handleUp = (event: PointerEvent) => {
    if (this.drag && event.pointerId === this.drag.id) this.stopDrag();
  };

  private stopDrag(): void {
    const target = this.drag?.target;
    this.drag = null;
    target?.removeEventListener('pointermove', this.handleMove);
    target?.removeEventListener('pointerup', this.handleUp);
    target?.removeEventListener('pointercancel', this.handleUp);
  }

  private readonly handleChange = () => this.host.requestUpdate();

  private readonly handleResize = () => {
    if (this.host.hasAttribute('minimized') && this.x >= 0) this.moveTo(this.x, this.y);
  };
}

function pipElement(video: HTMLVideoElement): Element | null {
  return (video.getRootNode() as Document | ShadowRoot).pictureInPictureElement ?? null;
}
