import { expect } from 'chai';
import type { FileInfo, FileList } from '../../../src/rest.js';
import { until } from '../../testing.js';
import { MIN_RENEW_MS, renewIn, SavedFiles } from './saved-files.js';

/** A listed screenshot whose link expires `inMs` after the service's `now`. */
function file(ref: string, now: number, inMs: number): FileInfo {
  return {
    id: `f-${ref}`,
    sessionId: 's',
    ref,
    kind: 'screenshot',
    name: `${ref}.png`,
    type: 'image/png',
    size: 10,
    sha256: '0'.repeat(64),
    createdAt: new Date(now).toISOString(),
    meta: {},
    by: 'agent',
    url: `https://files.example/${ref}?exp=${now + inMs}`,
    urlExpiresAt: new Date(now + inMs).toISOString(),
  };
}

const list = (now: number, ...files: FileInfo[]): FileList => ({
  files,
  now: new Date(now).toISOString(),
});

describe('SavedFiles', () => {
  it('renews before the earliest link expires, counted on the service clock', () => {
    // The service's clock is a day off the page's: only the service's counts.
    const now = Date.now() + 86_400_000;
    const hour = 3600_000;
    expect(renewIn(list(now, file('a', now, 2 * hour), file('b', now, hour)))).to.equal(
      hour - 60_000,
    );
    // A short life: renewed at nine tenths of it, but never sooner than the floor.
    expect(renewIn(list(now, file('a', now, 100_000)))).to.equal(90_000);
    expect(renewIn(list(now, file('a', now, 5_000)))).to.equal(MIN_RENEW_MS);
    // Links already expired by the service's clock: the floor, not a loop.
    expect(renewIn(list(now, file('a', now, -60_000)))).to.equal(MIN_RENEW_MS);
    expect(renewIn(list(now))).to.equal(Infinity);
  });

  it('asks again before links expire, and not sooner than the floor', async () => {
    const asked: number[] = [];
    const saved = new SavedFiles({
      minRenewMs: 200,
      list: () => {
        asked.push(performance.now());
        const now = Date.now();
        return Promise.resolve(list(now, file('a', now, 100)));
      },
      onFiles: () => undefined,
      unconfirmed: () => false,
    });
    try {
      await saved.refresh();
      await until(() => asked.length >= 3, 5000, `asked ${asked.length} times`);
      const gaps = asked.slice(1).map((t, i) => t - asked[i]!);
      for (const gap of gaps) expect(gap).to.be.at.least(190);
    } finally {
      saved.stop();
    }
  });

  it('while a save the other person started is unconfirmed, asks again after a growing wait', async () => {
    let confirmed = false;
    const asked: number[] = [];
    const seen: string[][] = [];
    const saved = new SavedFiles({
      list: () => {
        asked.push(performance.now());
        const now = Date.now();
        // The second answer has the screenshot: the upload finished after the call.
        return Promise.resolve(asked.length >= 2 ? list(now, file('a', now, 3600_000)) : list(now));
      },
      onFiles: (files) => {
        seen.push(files.map((f) => f.ref));
        if (files.length) confirmed = true;
      },
      unconfirmed: () => !confirmed,
    });
    try {
      await saved.refresh();
      await until(() => confirmed, 10_000, 'never confirmed');
      expect(seen).to.deep.equal([[], ['a']]);
      expect(asked[1]! - asked[0]!).to.be.at.least(1900); // the first wait is 2 s
    } finally {
      saved.stop();
    }
  });

  it('drops an answer that arrives after it was stopped', async () => {
    let answer!: (l: FileList) => void;
    const seen: number[] = [];
    const saved = new SavedFiles({
      list: () => new Promise((resolve) => (answer = resolve)),
      onFiles: (files) => seen.push(files.length),
      unconfirmed: () => false,
    });
    const asking = saved.refresh();
    saved.stop();
    const now = Date.now();
    answer(list(now, file('a', now, 3600_000)));
    await asking;
    expect(seen).to.deep.equal([]);
  });
});
