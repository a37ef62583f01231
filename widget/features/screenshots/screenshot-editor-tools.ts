/**
 * The screenshot editor's tool bar: the call's drawing tools, then crop and the two masks, colour,
 * width, undo and redo. The buttons are the call's tool bar's (`annotations/tools.ts`).
 */
import { html } from 'lit';
import { TOOLS, type Tool } from '../../../src/annotation-ops.js';
import { drawingToolButtons, styleButtons, toolButton, undoButtons } from '../drawing/tools.js';
import { icon } from '../../icons.js';
import { svg } from 'lit';
import type { Messages } from '../../messages.js';

/** A tool of the editor: a drawing tool, crop, or a mask (pixelate, or cover with the colour). */
export type EditorTool = Tool | 'crop' | 'pixelate' | 'fill';

const cropIcon = icon(svg`<path d="M6 2v14a2 2 0 0 0 2 2h14M2 6h14a2 2 0 0 1 2 2v14"/>`);
const pixelateIcon = icon(
  svg`<rect x="3" y="3" width="18" height="18" rx="1"/><path d="M3 9h18M3 15h18M9 3v18M15 3v18"/><rect x="9" y="9" width="6" height="6" fill="currentColor"/>`,
);
const fillIcon = icon(
  svg`<rect x="3" y="6" width="18" height="12" rx="1" fill="currentColor" stroke="none"/>`,
);

const AREA_TOOLS = [
  { tool: 'crop', keys: 'X', icon: cropIcon },
  { tool: 'pixelate', keys: 'M', icon: pixelateIcon },
  { tool: 'fill', keys: 'B', icon: fillIcon },
] as const;

export interface EditorToolsView {
  t: Messages;
  tool: EditorTool;
  color: string;
  width: number;
  canUndo: boolean;
  canRedo: boolean;
  setTool(tool: EditorTool): void;
  setColor(color: string): void;
  setWidth(width: number): void;
  undo(): void;
  redo(): void;
}

export function renderEditorTools(v: EditorToolsView) {
  const { t } = v;
  return html`<div class="tools" part="tools" role="toolbar" aria-label=${t.stillEditor.tools}>
    ${drawingToolButtons(t, TOOLS, v.tool, (tool) => v.setTool(tool))}
    <span class="sep" aria-hidden="true"></span>
    ${AREA_TOOLS.map(({ tool, keys, icon }) =>
      toolButton({
        label: t.stillEditor[tool],
        keys,
        pressed: v.tool === tool,
        icon,
        data: tool,
        click: () => v.setTool(tool),
      }),
    )}
    <span class="sep" aria-hidden="true"></span>
    ${styleButtons(t, v.color, v.width, v)}
    <span class="sep" aria-hidden="true"></span>
    ${undoButtons(t, v.canUndo, v.canRedo, v)}
  </div>`;
}
