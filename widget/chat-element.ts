/**
 * The session's chat over the call: text messages, files sent in the chat, and the transcript the
 * agent's widget reports when the session ends. Also owns the data channel's file transfers
 * (`TransferController`): the chat's files, and the screenshots of the layer above, which it hands
 * on through `onStillTransfer`. `VideoSession` puts a face on it.
 */
import type { PropertyDeclarations } from 'lit';
import { MAX_CHAT_TEXT, type ChatMessage } from '../src/chat-messages.js';
import { VideoSessionError } from '../src/errors.js';
import { FILE_CHUNK_TAG, type FileMessage } from '../src/file-transfer.js';
import { assertNever } from '../src/parse.js';
import { CallElement } from './call-element.js';
import { ChatLog, type ChatEntry } from './chat-log.js';
import { TransferController, type Transfer } from './controllers/transfer-controller.js';
import { VsChatEvent, VsFileProgressEvent } from './events.js';

/** Default `max-file-size`: 25 MiB. */
const DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024;
/** A chat transcript is reported in parts of at most this much JSON (webhooks stay small). */
const TRANSCRIPT_PART_BYTES = 12_000;

/** The chat and the file transfers over the call (see the module's comment). */
export abstract class ChatElement extends CallElement {
  static override properties: PropertyDeclarations = {
    maxFileSize: { type: Number, attribute: 'max-file-size' },
  };

  /** The largest file this person sends or accepts in the chat, in bytes (default 25 MiB). */
  declare maxFileSize: number;

  /** The session's chat, as this widget saw it. */
  protected readonly chat = new ChatLog();
  private chatIds = 0;

  protected readonly transfers = new TransferController(this, {
    send: (message) => this.peer.send(message),
    sendBinary: (frame) => this.peer.sendBinary(frame),
    whenWritable: () => this.peer.whenWritable(),
    bufferedAmount: () => this.peer.bufferedAmount,
    maxBytes: () => this.maxFileSize,
    onUpdate: (transfer) => this.handleTransfer(transfer),
  });

  constructor() {
    super();
    this.maxFileSize = DEFAULT_MAX_FILE_BYTES;
  }

  /** The chat so far, both people's messages and files, oldest first. */
  get chatHistory(): readonly ChatEntry[] {
    return this.chat.entries;
  }

  /** Sends a chat message (at most 4000 characters). */
  sendMessage(text: string): void {
    const body = text.trim().slice(0, MAX_CHAT_TEXT);
    if (!body) return;
    const at = Date.now();
    const id = `${at.toString(36)}-${++this.chatIds}`;
    if (!this.peer.send({ type: 'chat', id, text: body, at })) {
      throw new VideoSessionError('ERR_NOT_CONNECTED');
    }
    this.addChat(this.chat.addText(this.myRole, body, at));
  }

  /**
   * Sends a file or photo into the chat, in chunks with progress on both sides. Resolves once the
   * other person has it, complete and checked; rejects with `ERR_FILE_TOO_LARGE` (over this side's
   * `max-file-size` or the other side's), `ERR_NOT_CONNECTED` or `ERR_FILE_TRANSFER_FAILED`.
   */
  async sendFile(file: Blob, name = (file as File).name ?? 'file'): Promise<void> {
    if (!this.peer.connected) throw new VideoSessionError('ERR_NOT_CONNECTED');
    await this.transfers.send(file, name, 'chat');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chat.clear(); // releases the files' object URLs
  }

  protected override sessionStarting(): void {
    super.sessionStarting();
    this.chat.clear();
  }

  protected override onDisconnected(): void {
    super.onDisconnected();
    this.transfers.abort();
  }

  protected override onChatMessage(message: ChatMessage | FileMessage): void {
    switch (message.type) {
      case 'chat':
        this.addChat(this.chat.addText(this.otherRole, message.text, message.at));
        return;
      case 'file-start':
      case 'file-end':
      case 'file-done':
      case 'file-cancel':
        this.transfers.handle(message);
        return;
      default:
        assertNever(message);
    }
  }

  protected override onBinary(frame: Uint8Array): void {
    if (frame[0] === FILE_CHUNK_TAG) this.transfers.handleChunk(frame);
  }

  /** The agent's widget tells the ticket what the chat was. */
  protected override sessionEnded(): void {
    super.sessionEnded();
    if (this.myRole !== 'agent') return;
    const parts = this.chat.transcriptParts(TRANSCRIPT_PART_BYTES);
    parts.forEach((part, i) =>
      this.report({
        type: 'session.chat_transcript',
        part: i + 1,
        parts: parts.length,
        lines: part,
      }),
    );
  }

  /** A screenshot's file moved on, in either direction (the files layer handles them). */
  protected abstract onStillTransfer(transfer: Transfer): void;

  private get otherRole() {
    return this.myRole === 'agent' ? 'customer' : 'agent';
  }

  private addChat(entry: ChatEntry): void {
    this.dispatchEvent(new VsChatEvent(entry));
    this.requestUpdate();
  }

  /** A file of the chat or a screenshot started, moved on or ended, on either side. */
  private handleTransfer(transfer: Transfer): void {
    if (transfer.purpose === 'still') {
      this.dispatchEvent(new VsFileProgressEvent(transfer));
      this.onStillTransfer(transfer);
      return;
    }
    const role = transfer.direction === 'out' ? this.myRole : this.otherRole;
    const known = this.chat.entries.some((e) => e.kind === 'file' && e.transfer === transfer);
    const entry = this.chat.updateFile(role, transfer);
    this.dispatchEvent(new VsFileProgressEvent(transfer));
    if (!known || transfer.state === 'done' || transfer.state === 'failed') this.addChat(entry);
    else this.requestUpdate();
  }
}
