import { expect } from 'chai';
import type { VsRecordingChangeEvent } from './events.js';
import { openWidgetDb } from './storage/widget-db.js';
import { button, call, frames, part, reach, text, until } from './testing.js';
import type { VideoSession } from './video-session.js';

afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connected() {
  const { agent, customer, session } = await call();
  await Promise.all([agent.start(), customer.start()]);
  await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
  const remote = () => part(agent, 'remote-video') as HTMLVideoElement;
  await until(() => !!remote()?.srcObject && !remote().hidden, 15_000, 'no remote video');
  await frames(remote(), 5);
  return { agent, customer, sessionId: session.id };
}

/** What the agent's browser has stored for the session: its recordings and all their chunks. */
async function stored(sessionId: string) {
  const db = await openWidgetDb();
  const recordings = await db.getAllFromIndex('recordings', 'bySession', sessionId);
  let chunks = 0;
  for (const r of recordings) {
    chunks += await db.count(
      'chunks',
      IDBKeyRange.bound([r.id, 0], [r.id, Number.MAX_SAFE_INTEGER]),
    );
  }
  return { recordings, chunks, allChunks: await db.count('chunks') };
}

const indicator = (el: VideoSession) => part(el, 'recording-indicator');

describe('recording with both consents', () => {
  it('stores nothing before the customer consents, chunks after, and stops within 2 s of a withdrawal', async () => {
    const { agent, customer, sessionId } = await connected();
    const before = await stored(sessionId);
    expect(before.recordings).to.have.length(0);

    await agent.requestRecording();
    await until(() => customer.recordingStatus === 'asked', 5000, 'customer not asked');
    await customer.updateComplete;
    const prompt = part(customer, 'recording-prompt')!;
    expect(prompt.textContent).to.contain('your camera picture with the drawings on it');
    expect(prompt.textContent).to.contain('both your voices');
    expect(prompt.textContent).to.contain('Alice and your support ticket');

    // Two timeslices' worth of waiting: a recorder running now would have stored chunks.
    await sleep(2500);
    const asked = await stored(sessionId);
    expect(asked.recordings, 'a recording exists before consent').to.have.length(0);
    expect(asked.allChunks, 'chunks were stored before consent').to.equal(before.allChunks);
    expect(agent.recordingStatus).to.equal('requesting');
    expect(indicator(agent)).to.equal(null);
    expect(indicator(customer)).to.equal(null);

    button(customer, 'Allow recording').click();
    await until(
      () => agent.recordingStatus === 'recording' && customer.recordingStatus === 'recording',
      8000,
      `recording did not start: ${agent.recordingStatus}/${customer.recordingStatus}`,
    );
    await Promise.all([agent.updateComplete, customer.updateComplete]);
    expect(indicator(agent)?.textContent).to.contain('Recording');
    expect(indicator(customer)?.textContent).to.contain('Recording');
    expect(part(customer, 'status')!.textContent).to.contain('recording');

    await until(async () => (await stored(sessionId)).chunks >= 3, 10_000, 'chunks not stored');
    const [recording] = (await stored(sessionId)).recordings;
    expect(recording!.mime).to.match(/^video\/webm/);
    expect(recording!.state).to.equal('recording');

    // The customer withdraws: the agent's recorder stops, its last chunk within 2 s.
    const agentIdle = new Promise<number>((resolve) =>
      agent.addEventListener('vs-recording-change', (e: VsRecordingChangeEvent) => {
        if (e.status === 'idle') resolve(Date.now());
      }),
    );
    const withdrawnAt = Date.now();
    button(customer, 'Stop recording (withdraw consent)').click();
    expect(await agentIdle).to.be.below(withdrawnAt + 2000);
    await Promise.all([agent.updateComplete, customer.updateComplete]);
    expect(indicator(agent)).to.equal(null);
    expect(indicator(customer)).to.equal(null);

    // Whatever is stored now (unless already uploaded) ends within 2 s of the withdrawal, and
    // nothing more arrives.
    await sleep(300);
    const after = (await stored(sessionId)).recordings.find((r) => r.id === recording!.id);
    if (after) {
      expect(after.stoppedAt).to.be.a('number');
      expect(after.lastChunkAt).to.be.below(withdrawnAt + 2000);
      const chunks = after.chunks;
      await sleep(2000);
      const later = (await stored(sessionId)).recordings.find((r) => r.id === recording!.id);
      expect(later?.chunks ?? chunks).to.equal(chunks);
    }
  });

  it('records nothing when the customer declines', async () => {
    const { agent, customer, sessionId } = await connected();
    const before = await stored(sessionId);
    await agent.requestRecording();
    await until(() => customer.recordingStatus === 'asked', 5000);
    await customer.updateComplete;
    button(customer, "Don't record").click();
    await until(() => agent.recordingStatus === 'idle', 5000, 'agent still waiting');
    await agent.updateComplete;
    expect(text(agent)).to.contain('Bob did not agree to recording.');
    await sleep(1500);
    const after = await stored(sessionId);
    expect(after.recordings).to.have.length(0);
    expect(after.allChunks).to.equal(before.allChunks);
    expect(indicator(agent)).to.equal(null);
  });
});
