/**
 * Recording survives the agent's tab dying: chunks are in IndexedDB as they arrive, and the next
 * time the widget opens for the session it finalises them (WebM duration written), uploads them,
 * and the service has a file that plays, as long as what was recorded. The consent steps reach
 * the ticket as signed webhooks (the audit trail).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { FileList } from '../src/rest.js';
import { TEST_API_KEY } from '../signalling/testing/service.js';
import { PATIENT, waitForState } from './browser.js';
import { useTicketScene } from './ticket-scene.js';

/** The agent's stored recordings of the session, read from the page's IndexedDB. */
function storedRecordings(page: Page, sessionId: string) {
  return page.evaluate(
    (id) =>
      new Promise<{ id: string; startedAt: number; lastChunkAt: number; chunks: number }[]>(
        (resolve, reject) => {
          const open = indexedDB.open('video-session');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const get = db
              .transaction('recordings')
              .objectStore('recordings')
              .index('bySession')
              .getAll(id);
            get.onsuccess = () => {
              db.close();
              resolve(get.result);
            };
            get.onerror = () => reject(get.error);
          };
        },
      ),
    sessionId,
  );
}

describe('recording, crash-safe', () => {
  const scene = useTicketScene();

  it('recovers a recording after the agent page closes abruptly: uploaded, playable, full length', async () => {
    const session = await scene.service.createSession({ customer: { name: 'Dana' } });
    let agent = await scene.open(session.agentToken);
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    const customer = await scene.open(session.customerToken);
    await customer
      .locator('video-session')
      .getByRole('button', { name: 'Join video call' })
      .click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    await agent.waitForFunction(
      () => {
        const v = document
          .querySelector('video-session')!
          .shadowRoot!.querySelector<HTMLVideoElement>('[part~="remote-video"]');
        return !!v && !v.hidden && v.videoWidth > 0;
      },
      undefined,
      { timeout: 15_000 },
    );

    await agent.evaluate(() => document.querySelector('video-session')!.requestRecording());
    await customer
      .locator('video-session')
      .getByRole('button', { name: 'Allow recording' })
      .click();
    await agent.waitForFunction(
      () => document.querySelector('video-session')!.recordingStatus === 'recording',
    );
    await customer.locator('video-session').locator('[part~="recording-indicator"]').waitFor();

    // ~5 s of recording, three chunks or more of it already stored, then the tab is gone: no
    // unload handlers, no stop, no last chunk.
    await expect
      .poll(
        async () => {
          const [stored] = await storedRecordings(agent, session.id);
          const recording = await agent.evaluate(() => Date.now());
          return !!stored && stored.chunks >= 3 && recording - stored.startedAt >= 5000;
        },
        { timeout: 30_000, interval: 250, message: 'three chunks or more stored, 5 s recorded' },
      )
      .toBe(true);
    const [before] = await storedRecordings(agent, session.id);
    const crashAt = await agent.evaluate(() => Date.now());
    await agent.close({ runBeforeUnload: false });
    const recorded = crashAt - before!.startedAt;

    // The agent opens the ticket again: the widget for the session finds and uploads the orphan.
    agent = await agent.context().newPage();
    await agent.goto(scene.host.url(session.agentToken));
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    const files = async () => {
      const res = await fetch(`${scene.service.url}/v1/sessions/${session.id}/files`, {
        headers: { authorization: `Bearer ${TEST_API_KEY}` },
      });
      return ((await res.json()) as FileList).files.filter((f) => f.kind === 'recording');
    };
    await expect.poll(async () => (await files()).length, { timeout: 30_000 }).toBe(1);
    const [file] = await files();
    expect(file!.type).toMatch(/^video\/webm/);
    expect(file!.ref).toBe(before!.id);
    expect(file!.meta.takenBy).toBe('agent');
    // The local copy is gone only now that the service has it.
    await expect
      .poll(async () => (await storedRecordings(agent, session.id)).length, PATIENT)
      .toBe(0);

    // It decodes in Chromium, and lasts as long as what was recorded (at most a timeslice lost).
    const played = await customer.evaluate(async (url) => {
      const video = document.createElement('video');
      video.muted = true;
      video.src = url;
      document.body.append(video);
      await new Promise((resolve, reject) => {
        video.onloadedmetadata = resolve;
        video.onerror = () => reject(new Error(`cannot load: ${video.error?.message}`));
      });
      const duration = video.duration;
      await video.play();
      // Ten frames, however slowly this machine decodes them (or as many as came before the end).
      const frames = await new Promise<number>((resolve) => {
        let n = 0;
        const tick = () => (++n >= 10 ? resolve(n) : video.requestVideoFrameCallback(tick));
        video.requestVideoFrameCallback(tick);
        video.addEventListener('ended', () => resolve(n));
        setTimeout(() => resolve(n), 20_000);
      });
      const size = { width: video.videoWidth, height: video.videoHeight };
      video.remove();
      return { duration, frames, size };
    }, file!.url);
    expect(Number.isFinite(played.duration)).toBe(true);
    expect(Math.abs(played.duration * 1000 - recorded)).toBeLessThanOrEqual(1500);
    expect(played.frames).toBe(10);
    expect(played.size.width).toBeGreaterThan(0);

    // The audit trail: who asked, who agreed, when it started.
    const steps = () =>
      scene.receiver
        .distinct()
        .filter((d) => d.event.sessionId === session.id && d.event.type.startsWith('recording.'))
        .map((d) => d.event);
    await scene.receiver.until(() => steps().some((e) => e.type === 'recording.available'), 15_000);
    const by = (type: string) =>
      steps().find((e) => e.type === type)?.data as
        { by?: string; recordingRef?: string } | undefined;
    expect(by('recording.requested')).toMatchObject({ by: 'agent', recordingRef: before!.id });
    expect(by('recording.consented')).toMatchObject({ by: 'customer', recordingRef: before!.id });
    expect(by('recording.started')).toMatchObject({ by: 'agent', recordingRef: before!.id });
    expect(scene.receiver.rejected).toEqual([]);
  });
});
