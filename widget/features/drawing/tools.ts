/**
 * The drawing tool bar: tools, colour, line width, "keep on the object" (agent), undo, redo and
 * clear. A template the element renders over the stage; state and actions are the overlay
 * controller's. Every button says its shortcut (`aria-keyshortcuts`, and in its label). The tool,
 * style and undo buttons are shared with the screenshot editor's tool bar.
 *
 * Inline styles go through `cssProps` (the CSSOM), never a style attribute: pages with a strict
 * Content-Security-Policy (no 'unsafe-inline' styles) refuse the attribute.
 */
import { cssProps } from '../../views/css-props.js';
import { html, nothing } from 'lit';
import { ref } from 'lit/directives/ref.js';
import { TOOLS } from '../../../src/annotation-ops.js';
import { COLORS, WIDTHS, type DrawingTools, type ToolChoice } from './types.js';
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
import type { Messages } from '../../messages.js';

/** The drawing tools' icons. */
const TOOL_ICONS = {
  pointer: pointerIcon,
  pen: penIcon,
  arrow: arrowIcon,
  ellipse: ellipseIcon,
  rectangle: rectangleIcon,
  highlighter: highlighterIcon,
  text: textIcon,
} as const;

/** The drawing tools' keys as `aria-keyshortcuts` names them. */
const KEYS: Record<Exclude<ToolChoice, null>, string> = {
  pointer: 'P',
  pen: 'D',
  arrow: 'A',
  ellipse: 'O',
  rectangle: 'R',
  highlighter: 'H',
  text: 'T',
};

export function renderAnnotationTools(overlay: DrawingTools, t: Messages) {
  const agent = overlay.role === 'agent';
  const tools: Exclude<ToolChoice, null>[] = agent ? ['pointer', ...TOOLS] : [...TOOLS];
  return html`<div
    part="annotation-tools"
    class="annotation-tools"
    role="toolbar"
    aria-label=${t.annotationTools}
  >
    ${drawingToolButtons(t, tools, overlay.tool, (tool) => overlay.setTool(tool))}
    <span class="sep" aria-hidden="true"></span>
    ${styleButtons(t, overlay.color, overlay.width, {
      setColor: (color) => overlay.setColor(color),
      setWidth: (width) => overlay.setWidth(width),
    })}
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
    ${undoButtons(t, overlay.canUndo, overlay.canRedo, {
      undo: () => overlay.undo(),
      redo: () => overlay.redo(),
    })}
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

/** A button for each drawing tool of `tools`, pressed while it is `current`. */
export function drawingToolButtons<T extends Exclude<ToolChoice, null>>(
  t: Messages,
  tools: readonly T[],
  current: string | null,
  setTool: (tool: T) => void,
) {
  return tools.map((tool) =>
    toolButton({
      label: t.tools[tool],
      keys: KEYS[tool],
      pressed: current === tool,
      icon: TOOL_ICONS[tool],
      data: tool,
      click: () => setTool(tool),
    }),
  );
}

/** A tool button: pressed while its tool is in hand, its shortcut in `aria-keyshortcuts`. */
export function toolButton(b: {
  label: string;
  keys: string;
  pressed: boolean;
  icon: unknown;
  data: string;
  click: () => void;
}) {
  return html`<button
    class="tool"
    aria-pressed=${b.pressed ? 'true' : 'false'}
    aria-label=${b.label}
    aria-keyshortcuts=${b.keys}
    title=${b.label}
    data-tool=${b.data}
    @click=${b.click}
  >
    ${b.icon}
  </button>`;
}

/** The colour swatches (keys 1-6) and the line width button (cycles; [ and ]). */
export function styleButtons(
  t: Messages,
  color: string,
  width: number,
  on: { setColor(color: string): void; setWidth(width: number): void },
) {
  const widthIndex = Math.max(0, WIDTHS.indexOf(width as (typeof WIDTHS)[number]));
  const nextWidth = WIDTHS[(widthIndex + 1) % WIDTHS.length]!;
  return html`${COLORS.map(
      (c, i) =>
        html`<button
          class="swatch"
          ${cssProps({ '--_swatch': c })}
          aria-pressed=${color === c ? 'true' : 'false'}
          aria-label=${t.colorLabel(t.colors[i]!, i + 1)}
          aria-keyshortcuts=${String(i + 1)}
          title=${t.colorLabel(t.colors[i]!, i + 1)}
          data-color=${c}
          @click=${() => on.setColor(c)}
        ></button>`,
    )}
    <button
      class="tool width"
      aria-label=${t.widthLabel(t.widths[widthIndex]!)}
      aria-keyshortcuts="[ ]"
      title=${t.widthLabel(t.widths[widthIndex]!)}
      data-action="width"
      @click=${() => on.setWidth(nextWidth)}
    >
      <span class="line" ${cssProps({ '--_w': `${2 + widthIndex * 3}px` })}></span>
    </button>`;
}

/** Undo and redo (Ctrl/⌘+Z, Ctrl/⌘+Shift+Z, Ctrl+Y). */
export function undoButtons(
  t: Messages,
  canUndo: boolean,
  canRedo: boolean,
  on: { undo(): void; redo(): void },
) {
  return html`<button
      class="tool"
      aria-label=${t.undo}
      aria-keyshortcuts="Control+Z Meta+Z"
      title=${t.undo}
      ?disabled=${!canUndo}
      data-action="undo"
      @click=${() => on.undo()}
    >
      ${undoIcon}
    </button>
    <button
      class="tool"
      aria-label=${t.redo}
      aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y"
      title=${t.redo}
      ?disabled=${!canRedo}
      data-action="redo"
      @click=${() => on.redo()}
    >
      ${redoIcon}
    </button>`;
}

/** The text field for a text mark, where the person clicked; Enter places it, Escape drops it. */
export function renderTextEntry(overlay: DrawingTools, t: Messages) {
  const pending = overlay.pendingText;
  if (!pending) return nothing;
  return html`<input
    class="text-entry"
    ${cssProps({ left: `${pending.x}px`, top: `${pending.y}px` })}
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
