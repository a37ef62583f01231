import { expect } from 'chai';
import { encodeChunk, type FileMessage } from '../../../src/file-transfer.js';
import {
  MAX_INCOMING_TRANSFERS,
  TransferController,
  type Transfer,
} from './transfer-controller.js';

const MiB = 1024 * 1024;

/**
 * Two controllers wired back to back, as two widgets are over a data channel: what one sends the
 * other handles. `received` are the receiver's updates.
 */
function pair(maxBytes = 25 * MiB) {
  const received: Transfer[] = [];
  const sent: FileMessage[] = [];
  const sender = new TransferController({
    send: (m) => (receiver.handle(m), true),
    sendBinary: (frame) => (receiver.handleChunk(frame), true),
    whenWritable: () => Promise.resolve(),
    bufferedAmount: () => 0,
    maxBytes: () => maxBytes,
    onUpdate: () => undefined,
  });
  const receiver: TransferController = new TransferController({
    send: (m) => (sent.push(m), sender.handle(m), true),
    sendBinary: () => true,
    whenWritable: () => Promise.resolve(),
    bufferedAmount: () => 0,
    maxBytes: () => maxBytes,
    onUpdate: (t) => received.push(t),
  });
  return { sender, receiver, received, sent };
}

/** A page that, rendered in this origin, would reach into it. */
const ATTACK = `<!doctype html><script>parent.document.body.dataset.attack = 'ran'</script>`;

describe('received files', () => {
  it('are application/octet-stream unless their type is inert, whatever the sender announces', async () => {
    const cases: Array<[string, string]> = [
      ['text/html', 'application/octet-stream'],
      ['image/svg+xml', 'application/octet-stream'],
      ['application/xhtml+xml', 'application/octet-stream'],
      ['text/xml', 'application/octet-stream'],
      ['application/pdf', 'application/octet-stream'],
      ['', 'application/octet-stream'],
      ['image/png', 'image/png'],
      ['image/jpeg', 'image/jpeg'],
      ['video/webm', 'video/webm'],
      ['text/plain', 'text/plain'],
    ];
    for (const [announced, kept] of cases) {
      const p = pair();
      await p.sender.send(new Blob([ATTACK], { type: announced }), 'x', 'chat');
      const done = p.received.find((t) => t.state === 'done')!;
      expect(done.blob!.type, announced).to.equal(kept);
      // What a browser makes of its object URL: the type a new tab would render it as.
      const url = URL.createObjectURL(done.blob!);
      try {
        expect((await fetch(url)).headers.get('content-type'), announced).to.equal(kept);
      } finally {
        URL.revokeObjectURL(url);
      }
    }
  });

  it('do not run as a page of this origin when their object URL is opened', async () => {
    const p = pair();
    await p.sender.send(new Blob([ATTACK], { type: 'text/html' }), 'invoice.html', 'chat');
    const done = p.received.find((t) => t.state === 'done')!;
    const url = URL.createObjectURL(done.blob!);
    // "Open in new tab" on the chat's link, as a frame: the same origin, the same rendering.
    const frame = document.createElement('iframe');
    try {
      const loaded = new Promise<boolean>((resolve) => {
        frame.addEventListener('load', () => resolve(true));
        // A download (what a page does with application/octet-stream) fires no event here:
        // a bounded wait stands for it.
        setTimeout(() => resolve(false), 2000);
      });
      frame.src = url;
      document.body.append(frame);
      const rendered = await loaded;
      expect(document.body.dataset.attack, 'the page ran').to.equal(undefined);
      expect(rendered && !!frame.contentDocument?.querySelector('script'), 'rendered').to.equal(
        false,
      );
    } finally {
      frame.remove();
      URL.revokeObjectURL(url);
      delete document.body.dataset.attack;
    }
  });
});

describe('incoming transfers', () => {
  /** A receiver, and what it answers a peer that only announces files. */
  function receiver(maxBytes: number) {
    const answers: FileMessage[] = [];
    const updates: Transfer[] = [];
    const controller = new TransferController({
      send: (m) => (answers.push(m), true),
      sendBinary: () => true,
      whenWritable: () => Promise.resolve(),
      bufferedAmount: () => 0,
      maxBytes: () => maxBytes,
      onUpdate: (t) => updates.push(t),
    });
    const announce = (id: number, size: number) =>
      controller.handle({
        type: 'file-start',
        id,
        purpose: 'chat',
        name: `f${id}`,
        size,
        mime: '',
        at: 0,
      });
    const state = (id: number) => updates.filter((t) => t.id === id).at(-1)?.state;
    return { controller, answers, updates, announce, state };
  }

  it(`are at most ${MAX_INCOMING_TRANSFERS} at once: one more is refused with a cancel and ERR_TOO_MANY_TRANSFERS`, () => {
    const r = receiver(25 * MiB);
    for (let id = 1; id <= MAX_INCOMING_TRANSFERS + 1; id++) r.announce(id, MiB);
    expect(r.answers).to.deep.equal([
      {
        type: 'file-cancel',
        id: MAX_INCOMING_TRANSFERS + 1,
        by: 'receiver',
        code: 'ERR_TOO_MANY_TRANSFERS',
      },
    ]);
    expect(r.updates.at(-1)).to.include({ state: 'failed', code: 'ERR_TOO_MANY_TRANSFERS' });
    // The files already on their way go on, and take their chunks.
    for (let id = 1; id <= MAX_INCOMING_TRANSFERS; id++) expect(r.state(id)).to.equal('receiving');
    r.controller.handleChunk(encodeChunk(1, 0, new Uint8Array(1000)));
    expect(r.updates.at(-1)).to.include({ id: 1, loaded: 1000 });
    // Once one of them ends, another may start.
    r.controller.handle({ type: 'file-cancel', id: 2, by: 'sender', code: 'ERR_NOT_CONNECTED' });
    r.announce(MAX_INCOMING_TRANSFERS + 2, MiB);
    expect(r.state(MAX_INCOMING_TRANSFERS + 2)).to.equal('receiving');
  });

  it('hold at most twice max-file-size at once: a file past that is refused with ERR_TOO_MANY_TRANSFERS', () => {
    const r = receiver(10 * MiB);
    r.announce(1, 10 * MiB);
    r.announce(2, 10 * MiB);
    r.announce(3, 1);
    expect(r.answers).to.deep.equal([
      { type: 'file-cancel', id: 3, by: 'receiver', code: 'ERR_TOO_MANY_TRANSFERS' },
    ]);
    expect([r.state(1), r.state(2), r.state(3)]).to.deep.equal([
      'receiving',
      'receiving',
      'failed',
    ]);
    // The same id announced again replaces its transfer rather than adding one.
    r.announce(2, 5 * MiB);
    r.announce(4, 5 * MiB);
    expect(r.state(4)).to.equal('receiving');
  });
});
