/**
 * The session's chat over the call: text messages, files sent in the chat (through the transfer
 * feature, given as `sendFile`), and the transcript the agent's widget reports when the session
 * ends.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { MAX_CHAT_TEXT } from '../../../src/chat-messages.js';
import { VideoSessionError } from '../../../src/errors.js';
import type { ReportedEvent } from '../../../src/events.js';
import type { PeerMessage } from '../../../src/peer-messages.js';
import type { Role } from '../../../src/protocol.js';
import type { CallFeature } from '../../core/call/call-controller.js';
import type { MessageRouter, Sender } from '../../core/router.js';
import type { Transfer } from '../transfer/transfer-controller.js';
import { ChatLog, type ChatEntry } from './chat-log.js';

/** A chat transcript is reported in parts of at most this much JSON (webhooks stay small). */
const TRANSCRIPT_PART_BYTES = 12_000;

export interface ChatOptions {
  router: MessageRouter;
  role(): Role;
  /** Sends to everyone in the call; false when nobody got it. */
  send(message: PeerMessage): boolean;
  /** Sends a file to everyone; resolves once they have it. */
  sendFile(file: Blob, name: string): Promise<unknown>;
  /** Reports an event for the ticket (the agent's widget does). */
  report(event: ReportedEvent): void;
  /** A message was sent or received, or a chat file appeared, arrived or failed. */
  onEntry(entry: ChatEntry): void;
}

export class ChatController implements ReactiveController, CallFeature {
  private readonly host: ReactiveControllerHost;
  private readonly options: ChatOptions;
  /** The session's chat, as this widget saw it. */
  private readonly log = new ChatLog();
  private ids = 0;

  constructor(host: ReactiveControllerHost, options: ChatOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
    options.router.register(['chat'], (message, from) =>
      this.add(this.log.addText(from.role, message.text, message.at)),
    );
  }

  hostDisconnected(): void {
    this.log.clear(); // releases the files' object URLs
  }

  /** The chat so far, everyone's messages and files, oldest first. */
  get entries(): readonly ChatEntry[] {
    return this.log.entries;
  }

  /** Sends a chat message (at most 4000 characters); throws `ERR_NOT_CONNECTED` when nobody got it. */
  sendMessage(text: string): void {
    const body = text.trim().slice(0, MAX_CHAT_TEXT);
    if (!body) return;
    const at = Date.now();
    const id = `${at.toString(36)}-${++this.ids}`;
    if (!this.options.send({ type: 'chat', id, text: body, at })) {
      throw new VideoSessionError('ERR_NOT_CONNECTED');
    }
    this.add(this.log.addText(this.options.role(), body, at));
  }

  /** Sends a file or photo into the chat (see `VideoSession.sendFile`). */
  async sendFile(file: Blob, name: string): Promise<void> {
    await this.options.sendFile(file, name);
  }

  /** A chat file started, moved on or ended, on either side. */
  handleTransfer(transfer: Transfer, with_: Sender): void {
    const role = transfer.direction === 'out' ? this.options.role() : with_.role;
    const known = this.log.entries.some((e) => e.kind === 'file' && e.transfer === transfer);
    const entry = this.log.updateFile(role, transfer);
    if (!known || transfer.state === 'done' || transfer.state === 'failed') this.add(entry);
    else this.host.requestUpdate();
  }

  callStarting(): void {
    this.log.clear();
  }

  /** The agent's widget tells the ticket what the chat was. */
  sessionEnded(): void {
    if (this.options.role() !== 'agent') return;
    const parts = this.log.transcriptParts(TRANSCRIPT_PART_BYTES);
    parts.forEach((part, i) =>
      this.options.report({
        type: 'session.chat_transcript',
        part: i + 1,
        parts: parts.length,
        lines: part,
      }),
    );
  }

  private add(entry: ChatEntry): void {
    this.options.onEntry(entry);
    this.host.requestUpdate();
  }
}
