import { expect } from 'chai';
import type { FileInfo } from '../../../src/rest.js';
import type { VsErrorEvent, VsRecordingChangeEvent, VsUploadProgressEvent } from '../../events.js';
import { openWidgetDb } from '../../core/storage/widget-db.js';
import { button, call, frames, part, reach, text, until } from '../../testing.js';
import type { VideoSession } from '../../video-session.js';

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
    // In the status pill, and announced (once: the pill's own text does not say it again).
    expect(part(customer, 'status')!.contains(indicator(customer)!)).to.equal(true);
    expect(indicator(customer)!.getAttribute('role')).to.equal('status');
    expect(part(customer, 'status')!.textContent!.match(/recording/gi)).to.have.length(1);

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

const MB = 1024 * 1024;

/**
 * Makes this origin's storage look nearly full: `navigator.storage.estimate()` reports 5 MB free,
 * less than the recorder asks for. A stand-in for a full disk, which a test cannot make for real;
 * everything else (recorder, IndexedDB, upload, service) is real. Undone after each test.
 */
function diskNearlyFull() {
  navigator.storage.estimate = () => Promise.resolve({ quota: 200 * MB, usage: 195 * MB });
}

function errorsOf(el: VideoSession): VsErrorEvent[] {
  const errors: VsErrorEvent[] = [];
  el.addEventListener('vs-error', (e: VsErrorEvent) => errors.push(e));
  return errors;
}

async function recordWithConsent(agent: VideoSession, customer: VideoSession) {
  await agent.requestRecording();
  await until(() => customer.recordingStatus === 'asked', 5000, 'customer not asked');
  await customer.updateComplete;
  button(customer, 'Allow recording').click();
}

describe('recording when the device runs out of space', () => {
  afterEach(() => {
    Reflect.deleteProperty(navigator.storage, 'estimate');
  });

  it('stops on both sides with ERR_STORAGE_QUOTA, and what was recorded reaches the service', async () => {
    const { agent, customer, sessionId } = await connected();
    const agentErrors = errorsOf(agent);
    const customerErrors = errorsOf(customer);
    const uploaded: FileInfo[] = [];
    agent.addEventListener('vs-upload-progress', (e: VsUploadProgressEvent) => {
      if (e.kind === 'recording' && e.file) uploaded.push(e.file);
    });
    await recordWithConsent(agent, customer);
    await until(() => agent.recordingStatus === 'recording', 8000, 'recording did not start');
    await until(async () => (await stored(sessionId)).chunks >= 3, 10_000, 'chunks not stored');
    const [before] = (await stored(sessionId)).recordings;
    expect(before!.chunks).to.be.at.least(3);

    diskNearlyFull();
    // Space is re-checked every few chunks while recording.
    await until(() => agentErrors.length > 0, 10_000, 'no vs-error while the disk is full');
    expect(agentErrors.map((e) => [e.code, e.fatal])).to.deep.equal([['ERR_STORAGE_QUOTA', false]]);
    expect(agentErrors[0]!.message).to.contain('what was recorded is kept');

    await until(
      () => agent.recordingStatus === 'idle' && customer.recordingStatus === 'idle',
      3000,
      `recording did not stop: ${agent.recordingStatus}/${customer.recordingStatus}`,
    );
    await Promise.all([agent.updateComplete, customer.updateComplete]);
    expect(indicator(agent)).to.equal(null);
    expect(indicator(customer)).to.equal(null);
    expect(text(agent)).to.contain('This device is out of storage space');
    expect(agent.state).to.equal('connected');
    expect(customerErrors).to.have.length(0);

    // What was recorded before the disk filled up is kept: it is uploaded, and plays that long.
    await until(() => uploaded.length > 0, 12_000, 'the recording did not reach the service');
    const file = uploaded[0]!;
    expect(file.ref).to.equal(before!.id);
    expect(file.size).to.be.above(before!.bytes);
    const video = document.createElement('video');
    video.muted = true;
    video.src = URL.createObjectURL(await (await fetch(file.url)).blob());
    await new Promise((resolve, reject) => {
      video.onloadedmetadata = resolve;
      video.onerror = () => reject(new Error('the uploaded recording does not decode'));
    });
    URL.revokeObjectURL(video.src);
    expect(video.duration).to.be.at.least(before!.chunks - 1);
  });

  it('does not start when there is too little space: ERR_STORAGE_QUOTA, nothing stored', async () => {
    const { agent, customer, sessionId } = await connected();
    const before = await stored(sessionId);
    const agentErrors = errorsOf(agent);
    diskNearlyFull();
    await recordWithConsent(agent, customer);
    await until(() => agentErrors.length > 0, 8000, 'no vs-error with the disk full');
    expect(agentErrors.map((e) => [e.code, e.fatal])).to.deep.equal([['ERR_STORAGE_QUOTA', false]]);
    await until(
      () => agent.recordingStatus === 'idle' && customer.recordingStatus === 'idle',
      3000,
      `still ${agent.recordingStatus}/${customer.recordingStatus}`,
    );
    await Promise.all([agent.updateComplete, customer.updateComplete]);
    expect(indicator(agent)).to.equal(null);
    expect(indicator(customer)).to.equal(null);
    await sleep(1500);
    const after = await stored(sessionId);
    expect(after.recordings).to.have.length(0);
    expect(after.allChunks).to.equal(before.allChunks);
  });
});
