/**
 * Files over the call's data channels: one `TransferController` per other person, made when they
 * first send or are sent a file, aborted when the connection to them goes. A file sent goes to
 * everyone connected. What a transfer is for (`purpose`: a chat file, a screenshot) decides who
 * hears of it: `onUpdate` is a table by purpose, so the chat and the screenshots never see each
 * other's files.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { VideoSessionError } from '../../../src/errors.js';
import { FILE_CHUNK_TAG, type FilePurpose } from '../../../src/file-transfer.js';
import type { CallFeature, Person } from '../../core/call/call-controller.js';
import type { MessageRouter, Sender } from '../../core/router.js';
import { TransferController, type Transfer } from './transfer-controller.js';

export type { Transfer };

export interface TransferFeatureOptions {
  router: MessageRouter;
  /** The other people of the call. */
  people(): Iterable<Person>;
  /** The largest file this side sends or accepts, in bytes. */
  maxBytes(): number;
  /** A transfer of that purpose started, moved on or ended (progress at most every 100 ms). */
  onUpdate: Record<FilePurpose, (transfer: Transfer, with_: Sender) => void>;
}

export class TransferFeature implements ReactiveController, CallFeature {
  private readonly options: TransferFeatureOptions;
  private readonly byPerson = new Map<string, TransferController>();

  constructor(host: ReactiveControllerHost, options: TransferFeatureOptions) {
    this.options = options;
    host.addController(this);
    options.router.register(['file-start', 'file-end', 'file-done', 'file-cancel'], (m, from) =>
      this.with(from).handle(m),
    );
    options.router.registerBinary(FILE_CHUNK_TAG, (frame, from) =>
      this.with(from).handleChunk(frame),
    );
  }

  hostDisconnected(): void {
    for (const transfers of this.byPerson.values()) transfers.abort();
  }

  /**
   * Sends `file` to everyone connected. Resolves with the transfer once they have it, complete and
   * checked; rejects with `ERR_FILE_TOO_LARGE` (this side's limit, or theirs), `ERR_NOT_CONNECTED`
   * or `ERR_FILE_TRANSFER_FAILED`.
   */
  async send(
    file: Blob,
    name: string,
    purpose: FilePurpose,
    ref: string | null = null,
  ): Promise<Transfer> {
    const to = [...this.options.people()].filter((p) => p.peer.connected);
    if (!to.length) throw new VideoSessionError('ERR_NOT_CONNECTED');
    const sent = await Promise.all(to.map((p) => this.with(p).send(file, name, purpose, ref)));
    return sent[0]!;
  }

  personDisconnected(person: Person): void {
    this.byPerson.get(person.id)?.abort();
  }

  /** The transfers with `person` (made on first use). */
  private with(person: Sender): TransferController {
    let transfers = this.byPerson.get(person.id);
    if (transfers) return transfers;
    const peer = () => [...this.options.people()].find((p) => p.id === person.id)?.peer;
    transfers = new TransferController({
      send: (message) => peer()?.send(message) ?? false,
      sendBinary: (frame) => peer()?.sendBinary(frame) ?? false,
      whenWritable: () => peer()?.whenWritable() ?? Promise.resolve(),
      bufferedAmount: () => peer()?.bufferedAmount ?? 0,
      maxBytes: () => this.options.maxBytes(),
      onUpdate: (transfer) => this.options.onUpdate[transfer.purpose](transfer, person),
    });
    this.byPerson.set(person.id, transfers);
    return transfers;
  }
}
