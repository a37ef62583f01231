import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import { VideoSessionError } from '../../../src/errors.js';
import type { VsChatEvent, VsFileProgressEvent } from '../../events.js';
import { button, call, part, reach, until, sha256 } from '../../testing.js';
import type { VideoSession } from '../../video-session.js';

afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
});

async function connected(media?: { audio: boolean; video: boolean }) {
  const { agent, customer } = await call();
  await Promise.all([agent.start(), customer.start(media)]);
  await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
  return { agent, customer };
}

const log = (el: VideoSession) => part(el, 'chat')?.querySelector('[role="log"]') ?? null;

/** Opens the chat as a person does: a click, then the panel shows (its chunk may still load). */
async function openChat(el: VideoSession) {
  await el.updateComplete;
  if (!part(el, 'chat')) (part(el, 'chat-button') as HTMLButtonElement).click();
  await until(() => part(el, 'chat') !== null, 5000, 'no chat panel');
}

/** `size` random bytes (not compressible, not repetitive: a real test of the chunking). */
function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

describe('chat and files over the data channel', () => {
  it('chats both ways with emoji, typed and sent with Enter, shown on both sides', async () => {
    const { agent, customer } = await connected();
    const heard: string[] = [];
    customer.addEventListener('vs-chat', (e: VsChatEvent) => {
      if (e.entry.kind === 'text') heard.push(`${e.entry.role}: ${e.entry.text}`);
    });
    agent.sendMessage('Hello Bob 👋 can you show me the router?');
    await until(() => heard.length === 1);
    expect(heard[0]).to.equal('agent: Hello Bob 👋 can you show me the router?');
    // Closed chat: the customer's chat button counts it as unread.
    await customer.updateComplete;
    expect(part(customer, 'chat-button')!.getAttribute('aria-label')).to.equal('Chat, 1 unread');

    await openChat(customer);
    expect(log(customer)!.textContent).to.contain('Hello Bob 👋');
    const field = part(customer, 'chat')!.querySelector('textarea')!;
    field.focus();
    await sendKeys({ type: 'Sure, one moment ' });
    button(customer, 'Emoji').click();
    await customer.updateComplete;
    [...part(customer, 'chat')!.querySelectorAll<HTMLButtonElement>('.emoji button')]
      .find((b) => b.textContent === '👍')!
      .click();
    field.focus();
    await sendKeys({ press: 'Enter' });
    await until(() =>
      agent.chatHistory.some((e) => e.kind === 'text' && e.text === 'Sure, one moment 👍'),
    );
    expect(field.value).to.equal('');
    await openChat(agent);
    expect(log(agent)!.textContent).to.contain('Sure, one moment 👍');
    expect(log(agent)!.getAttribute('aria-live')).to.equal('polite');
  });

  it('sends a 5 MB file that arrives byte-identical, with progress on both sides', async () => {
    const { agent, customer } = await connected();
    const bytes = randomBytes(5 * 1024 * 1024);
    const file = new File([bytes], 'router-log.bin', { type: 'application/octet-stream' });
    const progress = { agent: [] as VsFileProgressEvent[], customer: [] as VsFileProgressEvent[] };
    agent.addEventListener('vs-file-progress', (e) => progress.agent.push(e));
    customer.addEventListener('vs-file-progress', (e) => progress.customer.push(e));

    await agent.sendFile(file); // resolves once the customer has it, checked
    const entry = customer.chatHistory.find((e) => e.kind === 'file');
    expect(entry?.kind === 'file' && entry.transfer.state).to.equal('done');
    const received = await (await fetch(entry!.kind === 'file' ? entry!.url! : '')).arrayBuffer();
    expect(received.byteLength).to.equal(bytes.byteLength);
    expect(await sha256(received)).to.equal(await sha256(bytes));

    for (const side of ['agent', 'customer'] as const) {
      const seen = progress[side];
      // Progress is told at most every 100 ms, and 5 MB cross loopback in a few hundred: how many
      // reports fall in between depends on the machine, but some do.
      const middle = seen.filter((e) => e.loaded > 0 && e.loaded < e.size);
      expect(middle.length, `${side} progress events`).to.be.greaterThan(0);
      const loaded = seen.map((e) => e.loaded);
      expect(loaded, `${side} never goes back`).to.deep.equal([...loaded].sort((a, b) => a - b));
      expect(seen.at(-1)!.state, side).to.equal('done');
    }
    // The customer can download it under its name, from the chat.
    await openChat(customer);
    const link = part(customer, 'chat')!.querySelector<HTMLAnchorElement>('a[download]')!;
    expect(link.download).to.equal('router-log.bin');
    expect(link.href).to.match(/^blob:/);
    expect(part(customer, 'chat')!.textContent).to.contain('Received');
  });

  it('shows a photo as a picture on both sides', async () => {
    const { agent, customer } = await connected();
    const canvas = new OffscreenCanvas(40, 30);
    canvas.getContext('2d')!.fillRect(0, 0, 40, 30);
    const png = await canvas.convertToBlob({ type: 'image/png' });
    await customer.sendFile(new File([png], 'label.png', { type: 'image/png' }));
    for (const el of [agent, customer]) {
      await openChat(el);
      const img = part(el, 'chat')!.querySelector<HTMLImageElement>('img.thumb')!;
      await until(() => img.complete && img.naturalWidth === 40);
      expect(img.alt).to.equal('label.png');
    }
  });

  it('refuses a file over the limit with a code, on either side, and nothing else changes', async () => {
    const { agent, customer } = await connected();
    customer.maxFileSize = 1024 * 1024; // the receiver accepts 1 MiB
    const big = new File([randomBytes(2 * 1024 * 1024)], 'too-big.bin');
    const refused = await agent.sendFile(big).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(VideoSessionError);
    expect((refused as VideoSessionError).code).to.equal('ERR_FILE_TOO_LARGE');
    const theirs = customer.chatHistory.find((e) => e.kind === 'file');
    expect(theirs?.kind === 'file' && [theirs.transfer.state, theirs.transfer.code]).to.deep.equal([
      'failed',
      'ERR_FILE_TOO_LARGE',
    ]);
    await openChat(agent);
    expect(part(agent, 'chat')!.textContent).to.contain(
      'Not delivered: The file is larger than allowed.',
    );

    // The sender's own limit refuses before a byte leaves.
    agent.maxFileSize = 1000;
    const local = await agent.sendFile(new File([randomBytes(2000)], 'small.bin')).catch((e) => e);
    expect((local as VideoSessionError).code).to.equal('ERR_FILE_TOO_LARGE');
    expect(customer.chatHistory.filter((e) => e.kind === 'file')).to.have.length(1);

    // The call and the chat go on.
    agent.sendMessage('still here');
    await until(() => customer.chatHistory.some((e) => e.kind === 'text'));
    expect([agent.state, customer.state]).to.deep.equal(['connected', 'connected']);
  });

  it('opens the chat when the call is chat only', async () => {
    const { agent, customer } = await connected({ audio: false, video: false });
    await until(() => part(customer, 'chat') !== null && part(agent, 'chat') !== null);
    expect([agent.mode, customer.mode]).to.deep.equal(['chat', 'chat']);
  });
});
