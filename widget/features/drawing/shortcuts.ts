/**
 * The drawing keyboard shortcuts, as actions: P D A O R H T pick a tool, Escape puts it down,
 * K toggles "keep on the object", C clears own marks (Shift+C all), 1-6 pick a colour, [ and ]
 * the line width, Ctrl/⌘+Z undo, Ctrl/⌘+Shift+Z or Ctrl+Y redo. Keys typed into a text field,
 * and Alt combinations, are not shortcuts. The screenshot editor reads the same keys with its own
 * tools (`shortcutFor` with another tool table).
 */
import type { Tool } from '../../../src/annotation-ops.js';
import { COLORS, WIDTHS, type DrawingTools } from './types.js';

export type ShortcutAction<T extends string = Tool | 'pointer'> =
  | { kind: 'tool'; tool: T }
  | { kind: 'escape' | 'anchor' | 'undo' | 'redo' }
  | { kind: 'clear'; scope: 'own' | 'all' }
  | { kind: 'color'; index: number }
  | { kind: 'width'; step: 1 | -1 };

/** The drawing tools' keys (lower case), in the call and in the screenshot editor. */
export const DRAWING_KEYS: Readonly<Record<string, Tool>> = {
  d: 'pen',
  a: 'arrow',
  o: 'ellipse',
  r: 'rectangle',
  h: 'highlighter',
  t: 'text',
};

/** The call's tool keys: the drawing keys and P for the pointer. */
export const TOOL_KEYS: Readonly<Record<string, Tool | 'pointer'>> = {
  p: 'pointer',
  ...DRAWING_KEYS,
};

/** The action `e` stands for, with `tools` (key -> tool) for the tool keys. */
export function shortcutFor<T extends string = Tool | 'pointer'>(
  e: KeyboardEvent,
  colors: number,
  tools: Readonly<Record<string, T>> = TOOL_KEYS as Readonly<Record<string, T>>,
): ShortcutAction<T> | null {
  if (e.altKey || e.defaultPrevented) return null;
  const target = e.composedPath()[0];
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return null;
  if (target instanceof HTMLElement && target.isContentEditable) return null;
  const key = e.key.toLowerCase();
  if (e.ctrlKey || e.metaKey) {
    if (key === 'z') return { kind: e.shiftKey ? 'redo' : 'undo' };
    if (key === 'y') return { kind: 'redo' };
    return null;
  }
  const tool = tools[key];
  if (tool) return { kind: 'tool', tool };
  if (key === 'escape') return { kind: 'escape' };
  if (key === 'k') return { kind: 'anchor' };
  if (key === 'c') return { kind: 'clear', scope: e.shiftKey ? 'all' : 'own' };
  if (key === '[' || key === ']') return { kind: 'width', step: key === ']' ? 1 : -1 };
  const n = Number(key);
  if (Number.isInteger(n) && n >= 1 && n <= colors) return { kind: 'color', index: n - 1 };
  return null;
}

/** Runs the shortcut `e` stands for on `overlay`; false when it is none (or nothing to do). */
export function runShortcut(e: KeyboardEvent, overlay: DrawingTools): boolean {
  const action = shortcutFor(e, COLORS.length);
  if (!action) return false;
  switch (action.kind) {
    case 'tool':
      overlay.setTool(action.tool);
      break;
    case 'escape':
      if (!overlay.tool && !overlay.drawing) return false;
      overlay.setTool(null);
      break;
    case 'anchor':
      overlay.toggleAnchored();
      break;
    case 'undo':
      overlay.undo();
      break;
    case 'redo':
      overlay.redo();
      break;
    case 'clear':
      overlay.clear(action.scope);
      break;
    case 'color':
      overlay.setColor(COLORS[action.index]!);
      break;
    case 'width': {
      const i = WIDTHS.indexOf(overlay.width as (typeof WIDTHS)[number]) + action.step;
      overlay.setWidth(WIDTHS[Math.max(0, Math.min(WIDTHS.length - 1, i))]!);
      break;
    }
  }
  return true;
}
