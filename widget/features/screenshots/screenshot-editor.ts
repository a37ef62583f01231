/**
 * `<video-session-screenshot-editor>`: edits a screenshot at its own resolution while showing it
 * scaled to fit. Registered when this module loads (a chunk of its own, loaded when an editor
 * opens: `loadStillEditor()` in the stills chunk).
 */
import { cssProps } from '../../views/css-props.js';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { ref } from 'lit/directives/ref.js';
import { MAX_TEXT_LENGTH } from '../../../src/annotation-ops.js';
import { VideoSessionError, type ErrorCode } from '../../../src/errors.js';
import { COLORS, WIDTHS } from '../drawing/types.js';
import { DRAWING_KEYS, shortcutFor } from '../drawing/shortcuts.js';
import { VsScreenshotDiscardEvent, VsScreenshotSaveEvent } from '../../events.js';
import { messages, type Messages } from '../../messages.js';
import { EditGesture, pointOnStill } from './edit-gesture.js';
import { renderEditorTools, type EditorTool } from './screenshot-editor-tools.js';
import { styles } from './screenshot-editor.styles.js';
import {
  cropRect,
  encodePng,
  outlineArea,
  paintEdit,
  paintEdits,
  pixelRect,
  type Edit,
  type PixelRect,
} from './still-edits.js';

/** The editor's tool keys: the call's drawing keys, and X crop, M pixelate, B cover. */
const EDITOR_KEYS: Readonly<Record<string, EditorTool>> = {
  ...DRAWING_KEYS,
  x: 'crop',
  m: 'pixelate',
  b: 'fill',
};

/** A text mark being typed: where (fractions of the still) and where its field is (CSS px). */
interface PendingText {
  at: readonly [number, number];
  left: number;
  top: number;
}

/**
 * Edits a screenshot: pen, arrow, rectangle, ellipse, highlighter, text, crop, and masks that
 * pixelate or cover an area (the saved PNG keeps none of the pixels under a mask), in a colour and
 * width, with undo and redo. The picture is edited at the still's own size (a 1920x1080 still
 * saves at 1920x1080, or at its crop's size) and shown scaled to fit; mouse, touch and pen draw.
 *
 * Keys (focus inside the editor): D A O R H T pick a drawing tool, X crop, M pixelate, B cover,
 * 1-6 a colour, [ and ] the width, Ctrl/⌘+Z undo, Ctrl/⌘+Shift+Z or Ctrl+Y redo, Escape drops
 * what is being drawn. `focus()` focuses the first tool.
 *
 * @fires vs-screenshot-save - `VsScreenshotSaveEvent` with `blob` (PNG) and `edited`; unedited, `blob` is `src`.
 * @fires vs-screenshot-discard - `VsScreenshotDiscardEvent`: the person does not want the still (in
 *   `<video-session>` it is then thrown away on both sides; nothing is stored).
 *
 * @csspart tools - the tool bar.
 * @csspart stage - the area the picture is fitted into.
 * @csspart canvas - the picture.
 * @csspart actions - the Save and Discard buttons' row.
 * @csspart save - the Save button.
 * @csspart discard - the Discard button.
 *
 * @cssproperty [--vs-accent=#2563eb] - the Save button and focus rings.
 * @cssproperty [--vs-background=#111] - behind the picture.
 * @cssproperty [--vs-foreground=#fff] - text and icons.
 * @cssproperty [--vs-toolbar-background=rgb(0 0 0 / 0.6)] - the tool bar.
 */
export class ScreenshotEditor extends LitElement {
  static override styles = styles;
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override properties = {
    src: { attribute: false },
    t: { attribute: false },
    _tool: { state: true },
    _color: { state: true },
    _width: { state: true },
    _edits: { state: true },
    _image: { state: true },
    _error: { state: true },
    _text: { state: true },
    _saving: { state: true },
  };

  /** The still's PNG (any image the browser decodes). */
  declare src: Blob | null;
  /** The strings to show (`widget/messages.ts` or a locale's table); English by default. */
  declare t: Messages;

  declare private _tool: EditorTool;
  declare private _color: string;
  declare private _width: number;
  /** The edits in force, oldest first; `redone` holds what undo took back. */
  declare private _edits: readonly Edit[];
  declare private _image: ImageBitmap | null;
  declare private _error: ErrorCode | null;
  declare private _text: PendingText | null;
  declare private _saving: boolean;

  private redone: Edit[] = [];
  /** The still with the edits in force painted on, at its own size (what Save crops and encodes). */
  private readonly base = document.createElement('canvas');
  private canvas: HTMLCanvasElement | null = null;
  /** The drag under the pointer, not yet an edit. */
  private gesture: EditGesture | null = null;
  private frame = 0;
  /** Counts `src` changes, so a slow decode of an older one is dropped. */
  private loads = 0;

  constructor() {
    super();
    this.src = null;
    this.t = messages;
    this._tool = 'pen';
    this._color = COLORS[0];
    this._width = WIDTHS[1];
    this._edits = [];
    this._image = null;
    this._error = null;
    this._text = null;
    this._saving = false;
    this.addEventListener('keydown', (e) => this.handleKey(e));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the page: the picture was let go on the way out.
    if (this.src && !this._image && !this._error && this.hasUpdated) void this.load(this.src);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.release();
  }

  /** True when there is an edit to undo. */
  get canUndo(): boolean {
    return this._edits.length > 0;
  }

  /** True when undo took back an edit that can come back. */
  get canRedo(): boolean {
    return this.redone.length > 0;
  }

  /** Takes back the latest edit. */
  undo(): void {
    const last = this._edits.at(-1);
    if (!last) return;
    this.redone.push(last);
    this.setEdits(this._edits.slice(0, -1));
  }

  /** Brings back the edit undo took back last. */
  redo(): void {
    const next = this.redone.pop();
    if (next) this.setEdits([...this._edits, next]);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src')) void this.load(this.src);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if ((changed as Map<PropertyKey, unknown>).has('_text') && this._text) {
      this.renderRoot.querySelector<HTMLInputElement>('.text-entry')?.focus();
    }
    this.paintView();
  }

  protected override render() {
    const t = this.t;
    const crop = this.crop();
    return html`<section class="editor" aria-label=${t.stillEditor.title}>
      ${renderEditorTools({
        t,
        tool: this._tool,
        color: this._color,
        width: this._width,
        canUndo: this.canUndo,
        canRedo: this.canRedo,
        setTool: (tool) => this.setTool(tool),
        setColor: (color) => (this._color = color),
        setWidth: (width) => (this._width = width),
        undo: () => this.undo(),
        redo: () => this.redo(),
      })}
      <div class="stage" part="stage">
        ${
          this._image
            ? html`<canvas
                part="canvas"
                role="img"
                aria-label=${t.stillEditor.picture(crop.width, crop.height)}
                ${ref((el) => (this.canvas = (el as HTMLCanvasElement | undefined) ?? null))}
                @pointerdown=${(e: PointerEvent) => this.handleDown(e)}
                @pointermove=${(e: PointerEvent) => this.handleMove(e)}
                @pointerup=${(e: PointerEvent) => this.handleUp(e)}
                @pointercancel=${() => this.cancelGesture()}
              ></canvas>`
            : html`<p class="note" role=${this._error ? 'alert' : 'status'}>
                ${this._error ? t.errors[this._error] : t.stillEditor.loading}
              </p>`
        }
        ${this.renderText()}
      </div>
      <div class="actions" part="actions">
        <button class="discard" part="discard" @click=${() => this.discard()}>
          ${t.stillEditor.discard}
        </button>
        <button
          class="save"
          part="save"
          ?disabled=${!this._image || this._saving}
          @click=${() => void this.save()}
        >
          ${t.stillEditor.save}
        </button>
      </div>
    </section>`;
  }

  private renderText() {
    const pending = this._text;
    if (!pending) return nothing;
    return html`<input
      class="text-entry"
      ${cssProps({ left: `${pending.left}px`, top: `${pending.top}px` })}
      maxlength=${MAX_TEXT_LENGTH}
      placeholder=${this.t.textPlaceholder}
      aria-label=${this.t.textInput}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Enter') this.commitText((e.target as HTMLInputElement).value);
        else if (e.key === 'Escape') this.commitText('');
        e.stopPropagation();
      }}
      @blur=${(e: FocusEvent) => this.commitText((e.target as HTMLInputElement).value)}
    />`;
  }

  // ---- The still and its edits ------------------------------------------------------------------

  private async load(src: Blob | null): Promise<void> {
    const call = ++this.loads;
    this.release();
    this._edits = [];
    this.redone = [];
    this._error = null;
    if (!src) return;
    try {
      const image = await createImageBitmap(src).catch(() => {
        throw new VideoSessionError('ERR_STILL_INVALID');
      });
      if (call !== this.loads) return void image.close();
      this.base.width = image.width;
      this.base.height = image.height;
      this._image = image;
      this.repaintBase();
    } catch (err) {
      if (call !== this.loads) return;
      this._error = err instanceof VideoSessionError ? err.code : 'ERR_STILL_INVALID';
    }
  }

  private release(): void {
    this._image?.close();
    this._image = null;
    this.base.width = this.base.height = 0;
  }

  private setEdits(edits: readonly Edit[]): void {
    this._edits = edits;
    this.repaintBase();
  }

  private add(edit: Edit): void {
    this.redone = [];
    this._edits = [...this._edits, edit];
    // One more edit paints on top of the others: no need to start again from the still.
    const ctx = this.baseContext();
    if (ctx) paintEdit(ctx, edit, this.base.width, this.base.height);
  }

  private repaintBase(): void {
    const image = this._image,
      ctx = this.baseContext();
    if (image && ctx) paintEdits(ctx, image, image.width, image.height, this._edits);
  }

  /** Pixelation reads the picture back: keep it in memory the CPU reads, not on the GPU. */
  private baseContext(): CanvasRenderingContext2D | null {
    return this.base.getContext('2d', { willReadFrequently: true });
  }

  private crop(): PixelRect {
    const image = this._image;
    return image
      ? cropRect(this._edits, image.width, image.height)
      : { x: 0, y: 0, width: 0, height: 0 };
  }

  /** Shows the kept part of the still with the edits, and what is being drawn. */
  private paintView(): void {
    const canvas = this.canvas,
      image = this._image;
    if (!canvas || !image) return;
    const crop = this.crop();
    if (canvas.width !== crop.width || canvas.height !== crop.height) {
      canvas.width = crop.width;
      canvas.height = crop.height;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.base, -crop.x, -crop.y);
    const edit = this.gesture?.edit;
    if (!edit) return;
    ctx.translate(-crop.x, -crop.y);
    if (edit.kind === 'mark') paintEdit(ctx, edit, image.width, image.height);
    else outlineArea(ctx, pixelRect(edit.box, image.width, image.height), edit.kind === 'crop');
  }

  private schedulePaint(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paintView();
    });
  }

  // ---- Input ------------------------------------------------------------------------------------

  private setTool(tool: EditorTool): void {
    this.cancelGesture();
    this._tool = tool;
  }

  /** Where `e` is on the still (fractions of it); off the picture null, or with `clamp` its edge. */
  private toStill(e: PointerEvent, clamp = false): [number, number] | null {
    const canvas = this.canvas,
      image = this._image;
    return canvas && image
      ? pointOnStill(canvas, this.crop(), image, e.clientX, e.clientY, clamp)
      : null;
  }

  private handleDown(e: PointerEvent): void {
    const at = this.toStill(e);
    if (!at || e.button > 0 || this.gesture) return;
    e.preventDefault();
    const tool = this._tool;
    if (tool === 'text') return; // the field opens on pointerup, once the click has moved focus
    this.canvas!.setPointerCapture(e.pointerId);
    this.gesture = new EditGesture(tool, e.pointerId, at, {
      color: this._color,
      width: this._width,
    });
    this.schedulePaint();
  }

  private handleMove(e: PointerEvent): void {
    const gesture = this.gesture;
    if (!gesture || e.pointerId !== gesture.pointerId) return;
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const at = this.toStill(ev, true);
      if (at) gesture.extend(at);
    }
    this.schedulePaint();
  }

  private handleUp(e: PointerEvent): void {
    if (this._tool === 'text' && !this._text) {
      const at = this.toStill(e);
      const stage = this.canvas!.parentElement!.getBoundingClientRect();
      if (at) this._text = { at, left: e.clientX - stage.left, top: e.clientY - stage.top };
      return;
    }
    const gesture = this.gesture;
    if (!gesture || e.pointerId !== gesture.pointerId) return;
    this.gesture = null;
    const edit = gesture.finish();
    if (edit) this.add(edit);
    this.requestUpdate();
    this.schedulePaint();
  }

  private cancelGesture(): void {
    if (!this.gesture) return;
    this.gesture = null;
    this.schedulePaint();
  }

  private commitText(text: string): void {
    const pending = this._text;
    if (!pending) return;
    this._text = null;
    const value = text.trim().slice(0, MAX_TEXT_LENGTH);
    if (value) {
      this.add({
        kind: 'mark',
        mark: {
          tool: 'text',
          color: this._color,
          width: this._width,
          points: [...pending.at],
          text: value,
        },
      });
    }
    // The field goes: keep the keyboard in the editor, on the tool in hand.
    this.renderRoot.querySelector<HTMLElement>('[data-tool="text"]')?.focus();
  }

  private handleKey(e: KeyboardEvent): void {
    const action = shortcutFor(e, COLORS.length, EDITOR_KEYS);
    if (!action) return;
    switch (action.kind) {
      case 'tool':
        this.setTool(action.tool);
        break;
      case 'escape':
        if (!this.gesture) return;
        this.cancelGesture();
        break;
      case 'undo':
        this.undo();
        break;
      case 'redo':
        this.redo();
        break;
      case 'color':
        this._color = COLORS[action.index]!;
        break;
      case 'width': {
        const i = WIDTHS.indexOf(this._width as (typeof WIDTHS)[number]) + action.step;
        this._width = WIDTHS[Math.max(0, Math.min(WIDTHS.length - 1, i))]!;
        break;
      }
      case 'anchor':
      case 'clear':
        return; // call-only keys
    }
    e.preventDefault();
  }

  // ---- Save and discard -------------------------------------------------------------------------

  private async save(): Promise<void> {
    const src = this.src;
    if (!src || !this._image || this._saving) return;
    if (this._edits.length === 0) {
      this.dispatchEvent(new VsScreenshotSaveEvent(src, false));
      return;
    }
    this._saving = true;
    try {
      const blob = await encodePng(this.base, this.crop());
      this.dispatchEvent(new VsScreenshotSaveEvent(blob, true));
    } finally {
      this._saving = false;
    }
  }

  private discard(): void {
    this.cancelGesture();
    this._text = null;
    this.dispatchEvent(new VsScreenshotDiscardEvent());
  }
}

if (!customElements.get('video-session-screenshot-editor')) {
  customElements.define('video-session-screenshot-editor', ScreenshotEditor);
}

declare global {
  interface HTMLElementTagNameMap {
    'video-session-screenshot-editor': ScreenshotEditor;
  }
}
