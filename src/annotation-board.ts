/**
 * The marks on the customer's camera picture, as one side holds them: its own and the other
 * person's, in drawing order, with undo and redo of its own actions. Local actions return the
 * messages to send; the other side's messages are applied with `apply`, which refuses what that
 * side may not do (clearing everyone's marks is the agent's, removing a mark is its author's).
 * Pure logic: the overlay controller draws what this holds.
 */
import { MAX_MARKS_PER_AUTHOR, type AnnotateMessage, type Mark } from './annotation-ops.js';
import { assertNever, type Refused } from './parse.js';

export type Author = 'agent' | 'customer';

/** A mark and who drew it. */
export interface BoardMark extends Mark {
  readonly author: Author;
}

type Action = { kind: 'add'; mark: Mark } | { kind: 'clear'; scope: 'own' | 'all'; marks: Mark[] };

export type ApplyResult = { ok: true } | Refused;

export class AnnotationBoard {
  private readonly byKey = new Map<string, BoardMark>();
  private readonly undoStack: Action[] = [];
  private readonly redoStack: Action[] = [];

  constructor(readonly self: Author) {}

  /** Every mark, oldest first (later marks are drawn on top). */
  marks(): BoardMark[] {
    return [...this.byKey.values()];
  }

  /** A mark by its author and id. */
  get(author: Author, id: string): BoardMark | undefined {
    return this.byKey.get(key(author, id));
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Adds an own mark; null when this side already has the most marks allowed. */
  add(mark: Mark): AnnotateMessage | null {
    if (this.count(this.self) >= MAX_MARKS_PER_AUTHOR) return null;
    this.put(this.self, mark);
    this.undoStack.push({ kind: 'add', mark });
    this.redoStack.length = 0;
    return { type: 'annotate', op: 'add', mark };
  }

  /** Clears own marks, or (`all`, the agent) everyone's. */
  clear(scope: 'own' | 'all'): AnnotateMessage {
    const removed = this.removeWhere((m) => scope === 'all' || m.author === this.self);
    const own = removed.filter((m) => m.author === this.self);
    this.undoStack.push({ kind: 'clear', scope, marks: own.map(strip) });
    this.redoStack.length = 0;
    return { type: 'annotate', op: 'clear', scope };
  }

  /** Undoes the last own action; returns the messages that do the same on the other side. */
  undo(): AnnotateMessage[] {
    const action = this.undoStack.pop();
    if (!action) return [];
    this.redoStack.push(action);
    return this.revert(action);
  }

  /** Redoes the last undone action. */
  redo(): AnnotateMessage[] {
    const action = this.redoStack.pop();
    if (!action) return [];
    this.undoStack.push(action);
    switch (action.kind) {
      case 'add':
        this.put(this.self, action.mark);
        return [{ type: 'annotate', op: 'add', mark: action.mark }];
      case 'clear':
        this.removeWhere((m) => action.scope === 'all' || m.author === this.self);
        return [{ type: 'annotate', op: 'clear', scope: action.scope }];
      default:
        return assertNever(action);
    }
  }

  /** Applies a message from the other side (`from`). */
  apply(message: AnnotateMessage, from: Author): ApplyResult {
    switch (message.op) {
      case 'add':
        if (
          !this.byKey.has(key(from, message.mark.id)) &&
          this.count(from) >= MAX_MARKS_PER_AUTHOR
        ) {
          return { ok: false, code: 'ERR_PEER_MESSAGE_INVALID', reason: 'too many marks' };
        }
        this.put(from, message.mark);
        return { ok: true };
      case 'remove':
        // Only the author's own mark; an unknown id was cleared meanwhile, which is fine.
        this.byKey.delete(key(from, message.id));
        return { ok: true };
      case 'clear':
        if (message.scope === 'all') {
          if (from !== 'agent') {
            return {
              ok: false,
              code: 'ERR_PEER_MESSAGE_INVALID',
              reason: 'only the agent clears all marks',
            };
          }
          this.removeWhere(() => true);
          // Our own history no longer matches what is on the picture.
          this.undoStack.length = 0;
          this.redoStack.length = 0;
        } else this.removeWhere((m) => m.author === from);
        return { ok: true };
      default:
        return assertNever(message);
    }
  }

  private revert(action: Action): AnnotateMessage[] {
    switch (action.kind) {
      case 'add':
        this.byKey.delete(key(this.self, action.mark.id));
        return [{ type: 'annotate', op: 'remove', id: action.mark.id }];
      case 'clear':
        // Own marks come back; the other person's (after a clear-all) are theirs to restore.
        return action.marks.map((mark) => {
          this.put(this.self, mark);
          return { type: 'annotate', op: 'add', mark };
        });
      default:
        return assertNever(action);
    }
  }

  private put(author: Author, mark: Mark): void {
    const k = key(author, mark.id);
    this.byKey.delete(k); // re-adding moves it to the top
    this.byKey.set(k, { ...strip(mark), author });
  }

  private removeWhere(test: (m: BoardMark) => boolean): BoardMark[] {
    const removed: BoardMark[] = [];
    for (const [k, m] of this.byKey) {
      if (!test(m)) continue;
      this.byKey.delete(k);
      removed.push(m);
    }
    return removed;
  }

  private count(author: Author): number {
    let n = 0;
    for (const m of this.byKey.values()) if (m.author === author) n++;
    return n;
  }
}

function key(author: Author, id: string): string {
  return `${author}:${id}`;
}

/** The wire form of a mark (without the author the board adds). */
function strip(mark: Mark | BoardMark): Mark {
  const { id, tool, color, width, points, text, anchor } = mark;
  return {
    id,
    tool,
    color,
    width,
    points,
    ...(text !== undefined ? { text } : {}),
    ...(anchor ? { anchor } : {}),
  };
}
