/**
 * The chat of a session as this widget saw it: text messages and files, both people's, in order.
 * Files that arrived (and files this side sent) get an object URL so they can be shown and
 * downloaded; `clear()` is the one place those URLs are released.
 */
import type { Role } from '../../../src/protocol.js';
import type { Transfer } from '../transfer/transfer-controller.js';

export type ChatEntry =
  | { readonly kind: 'text'; readonly role: Role; readonly text: string; readonly at: number }
  | {
      readonly kind: 'file';
      readonly role: Role;
      readonly transfer: Transfer;
      readonly at: number;
      url: string | null;
    };

/** A chat line for the ticket: text, or a file by name, size and type (never its bytes). */
export type TranscriptLine =
  | { role: Role; at: string; text: string }
  | {
      role: Role;
      at: string;
      file: { name: string; size: number; type: string; delivered: boolean };
    };

export class ChatLog {
  private readonly items: ChatEntry[] = [];
  private readonly files = new Map<Transfer, ChatEntry & { kind: 'file' }>();

  get entries(): readonly ChatEntry[] {
    return this.items;
  }

  addText(role: Role, text: string, at: number): ChatEntry {
    const entry: ChatEntry = { kind: 'text', role, text, at };
    this.items.push(entry);
    return entry;
  }

  /** Adds a transfer the first time, then keeps its entry in step (an object URL once it is whole). */
  updateFile(role: Role, transfer: Transfer): ChatEntry & { kind: 'file' } {
    let entry = this.files.get(transfer);
    if (!entry) {
      entry = { kind: 'file', role, transfer, at: transfer.at, url: null };
      this.files.set(transfer, entry);
      this.items.push(entry);
    }
    const whole = transfer.direction === 'out' || transfer.state === 'done';
    if (!entry.url && transfer.blob && whole && transfer.state !== 'failed') {
      entry.url = URL.createObjectURL(transfer.blob);
    }
    return entry;
  }

  /** The chat for the ticket, oldest first. */
  transcript(): TranscriptLine[] {
    return this.items.map((e) =>
      e.kind === 'text'
        ? { role: e.role, at: new Date(e.at).toISOString(), text: e.text }
        : {
            role: e.role,
            at: new Date(e.at).toISOString(),
            file: {
              name: e.transfer.name,
              size: e.transfer.size,
              type: e.transfer.mime,
              delivered: e.transfer.state === 'done',
            },
          },
    );
  }

  /**
   * The transcript in parts of at most `maxBytes` of JSON each, counted in UTF-8 as the service
   * counts a request body (a longer line is a part alone).
   */
  transcriptParts(maxBytes: number): TranscriptLine[][] {
    const parts: TranscriptLine[][] = [];
    const utf8 = new TextEncoder();
    let bytes = 0;
    for (const line of this.transcript()) {
      const size = utf8.encode(JSON.stringify(line)).byteLength;
      const last = parts.at(-1);
      if (last && bytes + size <= maxBytes) last.push(line);
      else parts.push([line]);
      bytes = last && bytes + size <= maxBytes ? bytes + size : size;
    }
    return parts;
  }

  /** Forgets everything and releases the object URLs. */
  clear(): void {
    for (const entry of this.files.values()) if (entry.url) URL.revokeObjectURL(entry.url);
    this.files.clear();
    this.items.length = 0;
  }
}
