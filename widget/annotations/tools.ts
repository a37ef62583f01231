/**
 * The drawing tool bar: tools, colour, line width, "keep on the object" (agent), undo, redo and
 * clear. A template the element renders over the stage; state and actions are the overlay
 * controller's. Every button says its shortcut (`aria-keyshortcuts`, and in its label).
 *
 * Inline styles go through `styleMap` (CSSOM), never a style attribute: pages with a strict
 * Content-Security-Policy (no 'unsafe-inline' styles) would drop the attribute.
 */
import { html, nothing } from 'lit';
import { ref } from 'lit/directives/ref.js';
import { styleMap } from 'lit/directives/style-map.js';
import { TOOLS } from '../../src/annotation-ops.js';
import type { OverlayController } from '../controllers/overlay-controller.js';
import { COLORS, WIDTHS, type ToolChoice } from './types.js';
import {
  arrowIcon,
  clearIcon,
  ellipseIcon,
  highlighterIcon,
  penIcon,
  pinIcon,
  pointerIcon,
  rectangleIcon,
  redoIcon,
  textIcon,
  undoIcon,
} from './icons.js';
import type { Messages } from '../messages.js';

const TOOL_ICONS = {
  pointer: pointerIcon,
  pen: penIcon,
  arrow: arrowIcon,
  ellipse: ellipseIcon,
  rectangle: rectangleIcon,
  highlighter: highlighterIcon,
  text: textIcon,
} as const;

const KEYS: Record<Exclude<ToolChoice, null>, string> = {
  pointer: 'P',
  pen: 'D',
  arrow: 'A',
  ellipse: 'O',
  rectangle: 'R',
  highlighter: 'H',
  text: 'T',
};

export function renderAnnotationTools(overlay: OverlayController, t: Messages) {
  const agent = overlay.role === 'agent';
  const tools: Exclude<ToolChoice, null>[] = agent ? ['pointer', ...TOOLS] : [...TOOLS];
  const widthIndex = Math.max(0, WIDTHS.indexOf(overlay.width as (typeof WIDTHS)[number]));
  const nextWidth = WIDTHS[(widthIndex + 1) % WIDTHS.length]!;
  return html`<div
    part="annotation-tools"
    class="annotation-tools"
    role="toolbar"
    aria-label=${t.annotationTools}
  >
    ${tools.map(
      (tool) =>
        html`<button
          class="tool"
          aria-pressed=${overlay.tool === tool ? 'true' : 'false'}
          aria-label=${t.tools[tool]}
          aria-keyshortcuts=${KEYS[tool]}
          title=${t.tools[tool]}
          data-tool=${tool}
          @click=${() => overlay.setTool(tool)}
        >
          ${TOOL_ICONS[tool]}
        </button>`,
    )}
    <span class="sep" aria-hidden="true"></span>
    ${COLORS.map(
      (color, i) =>
        html`<button
          class="swatch"
          style=${styleMap({ '--_swatch': color })}
          aria-pressed=${overlay.color === color ? 'true' : 'false'}
          aria-label=${t.colorLabel(t.colors[i]!, i + 1)}
          aria-keyshortcuts=${String(i + 1)}
          title=${t.colorLabel(t.colors[i]!, i + 1)}
          @click=${() => overlay.setColor(color)}
        ></button>`,
    )}
    <button
      class="tool width"
      aria-label=${t.widthLabel(t.widths[widthIndex]!)}
      aria-keyshortcuts="[ ]"
      title=${t.widthLabel(t.widths[widthIndex]!)}
      @click=${() => overlay.setWidth(nextWidth)}
    >
      <span class="line" style=${styleMap({ '--_w': `${2 + widthIndex * 3}px` })}></span>
    </button>
    ${
      agent
        ? html`<button
            class="tool"
            aria-pressed=${overlay.anchored ? 'true' : 'false'}
            aria-label=${t.anchor}
            aria-keyshortcuts="K"
            title=${t.anchor}
            data-action="anchor"
            @click=${() => overlay.toggleAnchored()}
          >
            ${pinIcon}
          </button>`
        : nothing
    }
    <span class="sep" aria-hidden="true"></span>
    <button
      class="tool"
      aria-label=${t.undo}
      aria-keyshortcuts="Control+Z Meta+Z"
      title=${t.undo}
      ?disabled=${!overlay.canUndo}
      data-action="undo"
      @click=${() => overlay.undo()}
    >
      ${undoIcon}
    </button>
    <button
      class="tool"
      aria-label=${t.redo}
      aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y"
      title=${t.redo}
      ?disabled=${!overlay.canRedo}
      data-action="redo"
      @click=${() => overlay.redo()}
    >
      ${redoIcon}
    </button>
    <button
      class="tool"
      aria-label=${agent ? t.clearAll : t.clearOwn}
      aria-keyshortcuts=${agent ? 'Shift+C' : 'C'}
      title=${agent ? t.clearAll : t.clearOwn}
      ?disabled=${!overlay.hasMarks}
      data-action="clear"
      @click=${() => overlay.clear(agent ? 'all' : 'own')}
    >
      ${clearIcon}
    </button>
  </div>`;
}

/** The text field for a text mark, where the person clicked; Enter places it, Escape drops it. */
export function renderTextEntry(overlay: OverlayController, t: Messages) {
  const pending = overlay.pendingText;
  if (!pending) return nothing;
  return html`<input
    class="text-entry"
    style=${styleMap({ left: `${pending.x}px`, top: `${pending.y}px` })}
    maxlength="280"
    placeholder=${t.textPlaceholder}
    aria-label=${t.textInput}
    ${ref((el) => (el as HTMLInputElement | undefined)?.focus())}
    @keydown=${(e: KeyboardEvent) => {
      const input = e.target as HTMLInputElement;
      if (e.key === 'Enter') overlay.commitText(input.value);
      else if (e.key === 'Escape') overlay.cancelText();
      e.stopPropagation();
    }}
    @blur=${(e: FocusEvent) => overlay.commitText((e.target as HTMLInputElement).value)}
  />`;
}
