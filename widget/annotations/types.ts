/** Types and constants of the drawing feature shared by its controller and templates. */
import type { Author } from '../../src/annotation-board.js';
import type { Tool } from '../../src/annotation-ops.js';

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
