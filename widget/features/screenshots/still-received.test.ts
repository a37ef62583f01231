import { expect } from 'chai';
import type { Transfer } from '../transfer/transfer-controller.js';
import type { Screenshot } from './screenshot.js';
import { StillController } from './still-controller.js';

/** Bytes that start like a PNG (signature, IHDR of 2 x 2) and go on as a page. */
function polyglot(): Uint8Array<ArrayBuffer> {
  const head = new Uint8Array(24);
  head.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(head.buffer).setUint32(16, 2);
  new DataView(head.buffer).setUint32(20, 2);
  const page = new TextEncoder().encode(
    '<!doctype html><script>parent.document.body.dataset.attack = "ran"</script>',
  );
  const bytes = new Uint8Array(head.byteLength + page.byteLength);
  bytes.set(head);
  bytes.set(page, head.byteLength);
  return bytes;
}

describe('a received still', () => {
  it('is an image/png whatever type its file arrived with', async () => {
    const waiting = new Map<string, (still: Screenshot) => void>();
    const stills = new StillController(
      { addController: () => undefined, removeController: () => undefined } as never,
      {
        role: () => 'agent',
        source: () => 'customer',
        capture: () => Promise.reject(new Error('not here')),
        send: () => true,
        sendFile: () => Promise.reject(new Error('not here')),
        persist: () => Promise.resolve(),
        keep: () => Promise.resolve(),
        forget: () => Promise.resolve(),
        onUpdate: (still) => {
          if (still.state === 'done') waiting.get(still.id)?.(still);
        },
      },
    );
    for (const type of ['text/html', 'image/svg+xml', 'application/octet-stream']) {
      const bytes = polyglot();
      const file: Transfer = {
        id: 1,
        direction: 'in',
        purpose: 'still',
        ref: `still-${type.replace(/\W/g, '')}`,
        name: 'still.png',
        mime: type,
        size: bytes.byteLength,
        at: Date.now(),
        loaded: bytes.byteLength,
        state: 'done',
        code: null,
        blob: new Blob([bytes], { type }),
      };
      const arrived = new Promise<Screenshot>((resolve) => waiting.set(file.ref!, resolve));
      stills.handleTransfer(file);
      const still = await arrived;
      expect(still.blob!.type, type).to.equal('image/png');
      expect(still.blob!.size).to.equal(bytes.byteLength);
      const url = stills.url(still!)!;
      expect((await fetch(url)).headers.get('content-type'), type).to.equal('image/png');
    }
    stills.clear();
  });
});
