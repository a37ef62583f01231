/** Types and constants of the drawing feature shared by its controller and templates. */
import type { Author } from '../../../src/annotation-board.js';
import type { Tool } from '../../../src/annotation-ops.js';

/** The tool in hand: a drawing tool, the agent's pointer, or none. */
export type ToolChoice = Tool | 'pointer' | null;
/**
 * An anchored mark on the frame shown: `starting` (no pose for it yet: just drawn, or the tracker
 * is catching up), `tracking`, `lost` (faded at its last place), `refound` for a moment after a loss.
 */
export type TrackingState = 'starting' | 'tracking' | 'lost' | 'refound';

export const COLORS = ['#ff3b30', '#ffcc00', '#34c759', '#0a84ff', '#ffffff', '#111111'] as const;
/** Stroke widths as fractions of the frame's height: thin, medium, thick. */
export const WIDTHS = [0.004, 0.008, 0.016] as const;

/** A mark as the host sees it: where it is on the picture now. */
export interface AnnotationView {
  id: string;
  author: Author;
  tool: Tool;
  color: string;
  text?: string;
  anchored: boolean;
  /** `static` (not anchored), or the anchored mark's `TrackingState`. */
  state: TrackingState | 'static';
  /** Points in normalised coordinates of the frame it was drawn on. */
  points: number[];
  /** Where they are on the picture now (an anchored mark moves with the object). */
  placed: number[];
  /** The same, in CSS pixels of the element's stage: what is drawn. */
  drawn: number[];
}

/**
 * What the drawing tool bar and its keyboard shortcuts read and do; the overlay controller is one.
 * The templates are written against this, not against the controller.
 */
export interface DrawingTools {
  /** Who draws here (null before a call). */
  readonly role: Author | null;
  readonly tool: ToolChoice;
  readonly color: string;
  readonly width: number;
  /** New marks keep to the object (the agent's "keep on the object"). */
  readonly anchored: boolean;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly hasMarks: boolean;
  /** A stroke is under way. */
  readonly drawing: boolean;
  /** A text mark waits for its text, at this point of the picture and of the element. */
  readonly pendingText: { at: [number, number]; x: number; y: number } | null;
  setTool(tool: ToolChoice): void;
  setColor(color: string): void;
  setWidth(width: number): void;
  toggleAnchored(): void;
  undo(): void;
  redo(): void;
  clear(scope: 'own' | 'all'): void;
  commitText(text: string): void;
  cancelText(): void;
}
