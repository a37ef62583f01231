/**
 * Drawing on the customer's camera picture: the data-channel messages both widgets exchange.
 * Geometry is in normalised coordinates of the customer's camera frame (`[0, 1]²`, unmirrored), so
 * a mark lands on the same spot of the picture on both screens.
 *
 * - `annotate` (reliable, ordered): add a mark, remove one (undo), clear marks.
 * - `pointer` (unreliable, unordered): the agent's "look here" position, or null when it leaves.
 *
 * Who sent a message is known from the connection, never from the message: the receiver stamps
 * the author.
 */
import * as v from 'valibot';

/** Most points in one pen or highlighter stroke (4 bytes of JSON per coordinate at least). */
export const MAX_STROKE_POINTS = 2000;
export const MAX_TEXT_LENGTH = 280;
/** Marks one side may have at once; older ones must be cleared first. */
export const MAX_MARKS_PER_AUTHOR = 500;

export const TOOLS = ['pen', 'arrow', 'ellipse', 'rectangle', 'highlighter', 'text'] as const;
export type Tool = (typeof TOOLS)[number];

const Coordinate = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1));
const MarkId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,32}$/));
const Colour = v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/));

/**
 * The frame a mark was drawn on, as the agent saw it: its RTP timestamp (the customer's widget
 * knows the RTP timestamp of each of its camera frames), and how old that frame was when the mark
 * was made (ms, the measured video delay), for when the RTP timestamp cannot be used.
 */
const FrameRef = v.pipe(
  v.object({
    rtp: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1))),
    age: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(10_000))),
  }),
  v.check((f) => f.rtp !== undefined || f.age !== undefined, 'an rtp timestamp or an age'),
);

/** One mark: a tool, its style, and its points (interleaved `x, y`). */
export const MarkSchema = v.pipe(
  v.object({
    id: MarkId,
    tool: v.picklist(TOOLS),
    color: Colour,
    /** Stroke width as a fraction of the frame's height. */
    width: v.pipe(v.number(), v.minValue(0.001), v.maxValue(0.1)),
    points: v.pipe(v.array(Coordinate), v.minLength(2), v.maxLength(2 * MAX_STROKE_POINTS)),
    text: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TEXT_LENGTH))),
    /** Set when the mark should stay on the object under it as the camera moves. */
    anchor: v.optional(FrameRef),
  }),
  v.check((m) => m.points.length % 2 === 0, 'points must be x, y pairs'),
  v.check(
    (m) =>
      m.tool === 'arrow' || m.tool === 'ellipse' || m.tool === 'rectangle'
        ? m.points.length === 4
        : m.tool === 'text'
          ? m.points.length === 2 && m.text !== undefined
          : true,
    'wrong number of points for the tool',
  ),
  v.check((m) => m.tool === 'text' || m.text === undefined, 'only text marks carry text'),
);
export type Mark = v.InferOutput<typeof MarkSchema>;

export const AnnotateSchema = v.variant('op', [
  v.object({ type: v.literal('annotate'), op: v.literal('add'), mark: MarkSchema }),
  v.object({ type: v.literal('annotate'), op: v.literal('remove'), id: MarkId }),
  /** `own`: the sender's marks; `all`: everyone's (the agent only). */
  v.object({
    type: v.literal('annotate'),
    op: v.literal('clear'),
    scope: v.picklist(['own', 'all']),
  }),
]);
export type AnnotateMessage = v.InferOutput<typeof AnnotateSchema>;

export const PointerSchema = v.object({
  type: v.literal('pointer'),
  /** `[x, y]` on the frame, or null: the pointer left the picture. */
  at: v.nullable(v.tuple([Coordinate, Coordinate])),
});
export type PointerMessage = v.InferOutput<typeof PointerSchema>;
