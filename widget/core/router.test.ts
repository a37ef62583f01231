import { expect } from 'chai';
import { FILE_CHUNK_TAG } from '../../src/file-transfer.js';
import { MessageRouter, type Sender } from './router.js';

const agent: Sender = { id: 'agent', role: 'agent', name: 'Sam' };

describe('MessageRouter', () => {
  it('hands each message to the feature that registered its type, with who sent it', () => {
    const router = new MessageRouter();
    const chat: string[] = [];
    const modes: string[] = [];
    router.register(['chat'], (m, from) => chat.push(`${from.name}: ${m.text}`));
    router.register(['mode', 'mode-offer'], (m) => modes.push(m.type));
    expect(router.dispatch({ type: 'chat', id: 'a', text: 'hello', at: 1 }, agent)).to.equal(true);
    expect(router.dispatch({ type: 'mode', mode: 'voice', by: 'agent' }, agent)).to.equal(true);
    expect(chat).to.deep.equal(['Sam: hello']);
    expect(modes).to.deep.equal(['mode']);
  });

  it('refuses a second owner for a type, and drops (false) a message nobody owns', () => {
    const router = new MessageRouter();
    router.register(['chat'], () => undefined);
    expect(() => router.register(['chat'], () => undefined)).to.throw('chat');
    expect(router.dispatch({ type: 'still-request', id: 'x' }, agent)).to.equal(false);
  });

  it('routes binary frames by their first byte', () => {
    const router = new MessageRouter();
    const frames: number[] = [];
    router.registerBinary(FILE_CHUNK_TAG, (frame) => frames.push(frame.byteLength));
    expect(router.dispatchBinary(new Uint8Array([FILE_CHUNK_TAG, 1, 2]), agent)).to.equal(true);
    expect(router.dispatchBinary(new Uint8Array([0xee, 1]), agent)).to.equal(false);
    expect(() => router.registerBinary(FILE_CHUNK_TAG, () => undefined)).to.throw();
    expect(frames).to.deep.equal([3]);
  });

  it('lists the types nobody registered', () => {
    const router = new MessageRouter();
    router.register(['chat'], () => undefined);
    expect(router.unowned(['chat', 'pose'])).to.deep.equal(['pose']);
  });
});
