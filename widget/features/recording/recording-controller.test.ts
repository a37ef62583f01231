import { expect } from 'chai';
import * as v from 'valibot';
import { VideoSessionError, type ErrorCode } from '../../../src/errors.js';
import { REPORTABLE, ReportedEventSchema, type ReportedEvent } from '../../../src/events.js';
import type { Role } from '../../../src/protocol.js';
import type { RecordingRecord } from '../../core/storage/widget-db.js';
import { MessageRouter } from '../../core/router.js';
import { until } from '../../testing.js';
import { channel, type PeerEnd } from '../testing-features.js';
import { mountHost, removeHosts } from '../../core/testing-host.js';
import type { RecorderSources } from './recorder.js';
import {
  RecordingController,
  type RecordingStatus,
  type RecordingStore,
} from './recording-controller.js';

/** Cameras opened by a test, stopped after it. */
const cameras: MediaStreamTrack[] = [];

afterEach(() => {
  removeHosts();
  for (const track of cameras.splice(0)) track.stop();
});

/** The device storage, in memory: what the recorder stored, in order. */
class MemoryStore implements RecordingStore {
  readonly recordings = new Map<string, RecordingRecord>();
  readonly chunks: { id: string; seq: number; blob: Blob; at: number }[] = [];
  readonly quotaChecks: number[] = [];

  checkQuota(bytes: number): Promise<void> {
    this.quotaChecks.push(bytes);
    return Promise.resolve();
  }

  createRecording(recording: RecordingRecord): Promise<void> {
    this.recordings.set(recording.id, { ...recording });
    return Promise.resolve();
  }

  appendChunk(id: string, seq: number, blob: Blob, at: number): Promise<void> {
    this.chunks.push({ id, seq, blob, at });
    return Promise.resolve();
  }

  updateRecording(id: string, patch: Partial<RecordingRecord>): Promise<void> {
    const recording = this.recordings.get(id);
    if (!recording) return Promise.reject(new Error(`no recording ${id}`));
    Object.assign(recording, patch);
    return Promise.resolve();
  }
}

interface Side {
  role: Role;
  end: PeerEnd;
  rec: RecordingController;
  statuses: RecordingStatus[];
  reports: ReportedEvent[];
  declined: number;
  recorded: string[];
  errors: ErrorCode[];
}

/**
 * An agent and a customer whose recording controllers talk over an in-page channel (each side's
 * router hands the recording messages to its controller, as the recording feature does). The
 * agent records `sources()` into `store`.
 */
function pair(sources: () => RecorderSources | null = () => null) {
  const store = new MemoryStore();
  const routers = { agent: new MessageRouter(), customer: new MessageRouter() };
  const ends = channel(routers);
  const side = (role: Role): Side => {
    const s = {
      role,
      end: ends[role],
      statuses: [],
      reports: [],
      declined: 0,
      recorded: [],
      errors: [],
    } as unknown as Side;
    s.rec = new RecordingController(mountHost(), {
      role: () => role,
      sessionId: () => 'session-1',
      send: (message) => ends[role].send(message),
      report: (event) => s.reports.push(event),
      store: () => Promise.resolve(store),
      sources,
      onChange: (status) => s.statuses.push(status),
      onDeclined: () => s.declined++,
      onRecorded: (id) => s.recorded.push(id),
      onError: (code) => s.errors.push(code),
    });
    routers[role].register(
      [
        'recording-request',
        'recording-consent',
        'recording-decline',
        'recording-withdraw',
        'recording-started',
        'recording-stopped',
      ],
      (message) => s.rec.handle(message),
    );
    return s;
  };
  return { agent: side('agent'), customer: side('customer'), store };
}

/**
 * What the agent's recorder records (the fake camera and microphone standing in for the
 * customer's picture and voice), and how often the marks were painted on.
 */
async function camera(voices = true) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: voices });
  cameras.push(...stream.getTracks());
  const painted = { count: 0 };
  const sources: RecorderSources = {
    video: stream.getVideoTracks()[0]!,
    audio: stream.getAudioTracks(),
    paint: (ctx, width, height) => {
      expect([width, height]).to.deep.equal([ctx.canvas.width, ctx.canvas.height]);
      painted.count++;
    },
  };
  return { sources, painted };
}

/** The steps a side reported: type and reason, each checked as the service would. */
function steps(s: Side, ref: string | null): string[] {
  return s.reports.map((event) => {
    const parsed = v.safeParse(ReportedEventSchema, event);
    expect(parsed.success, `${event.type} is not a valid event`).to.equal(true);
    expect(REPORTABLE[event.type], `${s.role} may not report ${event.type}`).to.include(s.role);
    if (event.type.startsWith('recording.') && ref) {
      expect(event).to.include({ recordingRef: ref });
    }
    return 'reason' in event && event.reason ? `${event.type} (${event.reason})` : event.type;
  });
}

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof VideoSessionError) return err.code;
    throw err;
  }
  throw new Error('it did not fail');
}

/** The agent asks and waits until the customer is asked; the recording's ref. */
async function ask(agent: Side, customer: Side): Promise<string> {
  agent.rec.request();
  expect(agent.rec.status).to.equal('requesting');
  await until(() => customer.rec.status === 'asked', 5000, `customer ${customer.rec.status}`);
  const ref = agent.rec.currentId!;
  expect(customer.rec.currentId).to.equal(ref);
  return ref;
}

describe('RecordingController', () => {
  it('asks the customer, who declines: the agent is back to idle and told, nothing is stored', async () => {
    const { agent, customer, store } = pair();
    const ref = await ask(agent, customer);
    customer.rec.answer(false);
    expect(customer.rec.status).to.equal('idle');
    await until(() => agent.rec.status === 'idle', 5000, `agent ${agent.rec.status}`);
    expect(agent.declined).to.equal(1);
    expect(agent.statuses).to.deep.equal(['requesting', 'idle']);
    expect(customer.statuses).to.deep.equal(['asked', 'idle']);
    expect(steps(agent, ref)).to.deep.equal(['recording.requested']);
    expect(steps(customer, ref)).to.deep.equal(['recording.declined']);
    expect(store.recordings.size).to.equal(0);
    expect(store.quotaChecks).to.deep.equal([]);
    // An answer with no question open does nothing.
    customer.rec.answer(true);
    expect(customer.end.sent.map((m) => m.type)).to.deep.equal(['recording-decline']);
  });

  it('records once the customer consents, stores the chunks in order, and stops when consent is withdrawn', async function () {
    this.timeout(40_000);
    const { sources, painted } = await camera();
    const { agent, customer, store } = pair(() => sources);
    const ref = await ask(agent, customer);
    customer.rec.answer(true);
    expect(customer.rec.status).to.equal('consented');
    await until(
      () => agent.rec.status === 'recording' && customer.rec.status === 'recording',
      15_000,
      `agent ${agent.rec.status}, customer ${customer.rec.status}`,
    );
    expect(agent.statuses).to.deep.equal(['requesting', 'recording']);
    expect(customer.statuses).to.deep.equal(['asked', 'consented', 'recording']);
    expect(store.quotaChecks[0]).to.equal(64 * 1024 * 1024);
    const recording = store.recordings.get(ref)!;
    expect(recording).to.include({ sessionId: 'session-1', state: 'recording', stoppedAt: null });
    expect(recording.mime).to.match(/^video\/webm/);

    await until(() => store.chunks.length >= 2, 15_000, `${store.chunks.length} chunks stored`);
    expect(store.chunks.map((c) => c.seq)).to.deep.equal(store.chunks.map((_, i) => i));
    expect(store.chunks.every((c) => c.id === ref && c.blob.size > 0)).to.equal(true);
    // A WebM file starts with the EBML magic.
    const head = new Uint8Array(await store.chunks[0]!.blob.slice(0, 4).arrayBuffer());
    expect([...head]).to.deep.equal([0x1a, 0x45, 0xdf, 0xa3]);
    expect(painted.count, 'the marks painted onto the frames').to.be.greaterThan(0);

    await customer.rec.stop();
    expect(customer.rec.status).to.equal('idle');
    await until(() => agent.recorded.length === 1, 10_000, `agent ${agent.rec.status}`);
    expect(agent.recorded).to.deep.equal([ref]);
    expect(agent.rec.status).to.equal('idle');
    const stopped = store.recordings.get(ref)!;
    expect(stopped.state).to.equal('finalising');
    expect(stopped.stoppedAt).to.be.a('number');
    expect(store.chunks.every((c) => c.at <= stopped.stoppedAt!)).to.equal(true);
    expect(steps(agent, ref)).to.deep.equal([
      'recording.requested',
      'recording.started',
      'recording.stopped (withdrawn)',
    ]);
    expect(steps(customer, ref)).to.deep.equal([
      'recording.consented',
      'recording.consent_withdrawn (withdrawn)',
    ]);
    expect(agent.end.sent.map((m) => m.type)).to.deep.equal([
      'recording-request',
      'recording-started',
      'recording-stopped',
    ]);
    expect(agent.errors).to.deep.equal([]);
  });

  it('stops the recorder when the connection goes, and keeps what it recorded', async function () {
    this.timeout(40_000);
    const { sources } = await camera();
    const { agent, customer, store } = pair(() => sources);
    const ref = await ask(agent, customer);
    customer.rec.answer(true);
    await until(() => agent.rec.status === 'recording', 15_000, `agent ${agent.rec.status}`);
    agent.end.close();
    customer.end.close();
    agent.rec.disconnected();
    customer.rec.disconnected();
    expect(agent.rec.status).to.equal('idle');
    expect(customer.rec.status).to.equal('idle');
    await until(() => agent.recorded.length === 1, 10_000, 'the recording was not handed on');
    expect(store.recordings.get(ref)!.state).to.equal('finalising');
    expect(steps(agent, ref).at(-1)).to.equal('recording.stopped (disconnected)');
    expect(steps(customer, ref)).to.deep.equal(['recording.consented']);
  });

  it('records the picture when there is no voice to mix, or says why not: neither side stays waiting', async function () {
    this.timeout(20_000);
    const { sources } = await camera(false);
    const { agent, customer } = pair(() => sources);
    await ask(agent, customer);
    customer.rec.answer(true);
    await until(
      () =>
        (agent.rec.status === 'recording' && customer.rec.status === 'recording') ||
        (agent.errors.length > 0 && agent.rec.status === 'idle' && customer.rec.status === 'idle'),
      8000,
      `agent ${agent.rec.status}, customer ${customer.rec.status}, errors ${agent.errors.join()}`,
    );
  });

  it('lets the agent take back an unanswered question, and stops both sides when nothing can be recorded', async () => {
    const { agent, customer, store } = pair(() => null);
    const first = await ask(agent, customer);
    await agent.rec.stop();
    expect(agent.rec.status).to.equal('idle');
    await until(() => customer.rec.status === 'idle', 5000, `customer ${customer.rec.status}`);
    expect(steps(agent, first)).to.deep.equal([
      'recording.requested',
      'recording.consent_withdrawn (stopped)',
    ]);
    expect(customer.reports).to.deep.equal([]);

    // Consent, but no picture to record: the agent is told why, and neither side stays waiting.
    const second = await ask(agent, customer);
    customer.rec.answer(true);
    await until(
      () => agent.rec.status === 'idle' && customer.rec.status === 'idle',
      5000,
      `agent ${agent.rec.status}, customer ${customer.rec.status}`,
    );
    expect(agent.errors).to.deep.equal(['ERR_RECORDING_UNSUPPORTED']);
    expect(customer.statuses.slice(-3)).to.deep.equal(['asked', 'consented', 'idle']);
    expect(agent.reports.at(-1)).to.include({
      type: 'recording.consent_withdrawn',
      recordingRef: second,
      reason: 'error',
    });
    expect(store.recordings.size).to.equal(0);
  });

  it('refuses a request from the customer, and one nobody can hear', async () => {
    const { agent, customer } = pair();
    expect(await codeOf(() => customer.rec.request())).to.equal('ERR_FORBIDDEN');
    agent.end.close();
    expect(await codeOf(() => agent.rec.request())).to.equal('ERR_NOT_CONNECTED');
    expect(agent.rec.status).to.equal('idle');
    expect(agent.reports).to.deep.equal([]);
  });
});
