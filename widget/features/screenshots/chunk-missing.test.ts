// A host serves the widget's script without the screenshots feature's chunk: the call goes on, and
// the camera button says that part of the widget did not load (not that there is no picture).
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import { VideoSessionError } from '../../../src/errors.js';
import type { VsErrorEvent } from '../../events.js';
import { messages } from '../../messages.js';
import { call, inMode, part, reach, text, until } from '../../testing.js';

before(() => executeServerCommand('vs-block-chunks', { paths: ['/screenshots-chunk.'] }));
after(() => executeServerCommand('vs-block-chunks', { paths: [] }));
afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
});

describe('the screenshots chunk cannot be loaded', () => {
  it('reports ERR_CHUNK_LOAD naming the URL, and the call goes on', async () => {
    const { agent, customer } = await call();
    const errors: VsErrorEvent[] = [];
    agent.addEventListener('vs-error', (e: VsErrorEvent) => errors.push(e));
    await Promise.all([agent.start(), customer.start()]);
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);

    const err = await agent.takeScreenshot().then(
      () => expect.fail('no screenshot without its chunk'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(VideoSessionError);
    expect((err as VideoSessionError).code).to.equal('ERR_CHUNK_LOAD');
    expect((err as VideoSessionError).message).to.match(/from http:\/\/\S+\/screenshots-chunk\./);
    expect(errors.some((e) => e.code === 'ERR_CHUNK_LOAD' && !e.fatal)).to.equal(true);

    // The button tells the person the same, in their words.
    (part(agent, 'screenshot-button') as HTMLButtonElement).click();
    await until(() => text(agent).includes(messages.errors.ERR_CHUNK_LOAD), 10_000, text(agent));
    expect(text(agent)).to.not.contain(messages.errors.ERR_STILL_UNAVAILABLE);
    expect(agent.state).to.equal('connected');
    expect(customer.state).to.equal('connected');
  });
});
