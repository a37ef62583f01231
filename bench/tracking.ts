/**
 * The tracker on synthetic camera sequences with ground truth (src/tracking/testing.ts), beside
 * the same pipeline on jsfeat's pyramidal Lucas-Kanade, on the same frames in the same process.
 * Prints, per resolution: corner error at the last frame (mean / p95 / max over the region's 4
 * corners x seeds), mean error over all frames, lost frames, and time per frame (process CPU time
 * and wall time, each frame's minimum over REPS repetitions: this machine is shared).
 *
 *   npm run bench:tracking        (this, then the end-to-end figures in Chromium)
 *   RES=640x480 SEEDS=0 FRAMES=300 REPS=2 tsx bench/tracking.ts
 */
import { build } from 'esbuild';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { createPlanarTracker, type TrackResult } from '../src/tracking/index.js';
import { cornerErrors, createSequence, type SceneOptions } from '../src/tracking/testing.js';
import { createJsfeatTracker } from './baseline/jsfeat-tracker.js';
import { formatRow, summarize } from './stats.js';

const RES = (process.env.RES ?? '640x480,1280x720')
  .split(',')
  .map((r) => r.split('x').map(Number) as [number, number]);
const FRAMES = Number(process.env.FRAMES ?? 300);
const SEEDS = (process.env.SEEDS ?? '0,1,2').split(',').map(Number);
const REPS = Number(process.env.REPS ?? 2);

interface Tracker {
  track(luma: Uint8Array): TrackResult;
}
type Factory = (o: {
  width: number;
  height: number;
  keyframe: Uint8Array;
  region: readonly [number, number, number, number];
}) => Tracker;

const TRACKERS: Record<string, Factory> = {
  'video-session': (o) =>
    createPlanarTracker({ ...o, region: [...o.region] as [number, number, number, number] }),
  'jsfeat LK (baseline)': createJsfeatTracker,
};

interface Run {
  finalErrors: number[];
  allErrors: number[];
  lost: number;
  cpu: number[][]; // per sequence, per frame (ms)
  wall: number[][];
}

/** ns per element of a plain Uint8Array sum: how fast this machine runs such loops right now. */
function calibrate(): number {
  const a = new Uint8Array(1 << 22).map((_, i) => i * 31);
  let best = Infinity,
    sink = 0;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let i = 0; i < a.length; i++) sink += a[i]!;
    best = Math.min(best, performance.now() - t);
  }
  return sink < 0 ? 0 : (best * 1e6) / a.length;
}

async function trackerBundleGzip(): Promise<number> {
  const out = await build({
    entryPoints: ['src/tracking/index.ts'],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
  });
  return gzipSync(out.outputFiles[0]!.contents, { level: 9 }).length;
}

function runSuite(label: string, scene: Omit<SceneOptions, 'seed'>): Record<string, Run> {
  const runs: Record<string, Run> = {};
  for (const name of Object.keys(TRACKERS))
    runs[name] = { finalErrors: [], allErrors: [], lost: 0, cpu: [], wall: [] };
  for (const seed of SEEDS) {
    const seq = createSequence({ ...scene, seed });
    const frames = Array.from({ length: seq.frames }, (_, t) => seq.render(t));
    const names = Object.keys(TRACKERS);
    const cpu: Record<string, Float64Array> = {},
      wall: Record<string, Float64Array> = {};
    for (const n of names) {
      cpu[n] = new Float64Array(seq.frames - 1).fill(Infinity);
      wall[n] = new Float64Array(seq.frames - 1).fill(Infinity);
    }
    for (let rep = 0; rep < REPS; rep++) {
      // Alternate the order so machine noise hits both alike.
      for (const name of rep % 2 ? [...names].reverse() : names) {
        const tracker = TRACKERS[name]!({
          width: seq.width,
          height: seq.height,
          keyframe: frames[0]!,
          region: seq.region,
        });
        const run = runs[name]!;
        let last: number[] | null = null;
        for (let t = 1; t < seq.frames; t++) {
          const c0 = process.cpuUsage();
          const w0 = performance.now();
          const result = tracker.track(frames[t]!);
          const w1 = performance.now();
          const c1 = process.cpuUsage(c0);
          cpu[name]![t - 1] = Math.min(cpu[name]![t - 1]!, (c1.user + c1.system) / 1000);
          wall[name]![t - 1] = Math.min(wall[name]![t - 1]!, w1 - w0);
          if (rep > 0) continue; // the work is deterministic: errors from the first repetition
          if (result.H) {
            last = result.H;
            const e = cornerErrors(result.H, seq.truth(t), seq.region);
            run.allErrors.push(e.reduce((a, b) => a + b, 0) / 4);
          } else run.lost++;
        }
        if (rep === 0)
          run.finalErrors.push(
            ...(last
              ? cornerErrors(last, seq.truth(seq.frames - 1), seq.region)
              : [Infinity, Infinity, Infinity, Infinity]),
          );
      }
    }
    for (const n of names) {
      runs[n]!.cpu.push([...cpu[n]!]);
      runs[n]!.wall.push([...wall[n]!]);
    }
  }
  console.log(
    `\n${label}: ${SEEDS.length} seeds x ${FRAMES} frames, ${REPS} repetitions (per-frame minimum)`,
  );
  console.log(
    formatRow('', [
      'cpu med',
      'cpu p95',
      'wall med',
      'wall p95',
      'err mean',
      'err p95',
      'err max',
      'all-fr',
      'lost',
    ]),
  );
  for (const [name, run] of Object.entries(runs)) {
    const c = summarize(run.cpu.flat()),
      w = summarize(run.wall.flat());
    const e = summarize(run.finalErrors),
      a = summarize(run.allErrors);
    console.log(
      formatRow(name, [
        `${c.median.toFixed(2)} ms`,
        `${c.p95.toFixed(2)} ms`,
        `${w.median.toFixed(2)} ms`,
        `${w.p95.toFixed(2)} ms`,
        `${e.mean.toFixed(3)} px`,
        `${e.p95.toFixed(3)} px`,
        `${e.max.toFixed(3)} px`,
        `${a.mean.toFixed(3)} px`,
        String(run.lost),
      ]),
    );
  }
  return runs;
}

console.log(
  `Tracker benchmark, Node ${process.version}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`calibration: Uint8Array sum ${calibrate().toFixed(2)} ns per element`);
const verdicts: string[] = [];
for (const [width, height] of RES) {
  const runs = runSuite(`${width}x${height}, <= 8 px, <= 1 deg, +-2% per frame, noise 3`, {
    width,
    height,
    frames: FRAMES,
  });
  const ours = runs['video-session']!,
    base = runs['jsfeat LK (baseline)']!;
  const e = summarize(ours.finalErrors),
    c = summarize(ours.cpu.flat()),
    b = summarize(base.cpu.flat());
  const speedup = b.median / c.median;
  console.log(formatRow('speed-up (cpu median)', [`${speedup.toFixed(1)}x`]));
  const check = (what: string, ok: boolean) =>
    verdicts.push(`${width}x${height} ${what}: ${ok ? 'met' : 'NOT met'}`);
  check(
    `error mean ${e.mean.toFixed(3)} <= 0.10 px, p95 ${e.p95.toFixed(3)} <= 0.25 px`,
    e.mean <= 0.1 && e.p95 <= 0.25,
  );
  check(`lost frames ${ours.lost} = 0`, ours.lost === 0);
  check(
    `cpu median ${c.median.toFixed(2)} <= 4 ms, p95 ${c.p95.toFixed(2)} <= 8 ms`,
    c.median <= 4 && c.p95 <= 8,
  );
  check(`>= 3x faster than jsfeat (${speedup.toFixed(1)}x)`, speedup >= 3);
}
if (!process.env.RES) {
  runSuite('640x480, perspective wobble +-8% and gain drift +-15%', {
    width: 640,
    height: 480,
    frames: FRAMES,
    perspective: 0.08,
    gain: 0.15,
  });
}
const gz = await trackerBundleGzip();
verdicts.push(
  `tracker bundle (src/tracking, min + gzip) ${(gz / 1024).toFixed(1)} KB <= 10 KB: ${gz <= 10 * 1024 ? 'met' : 'NOT met'}`,
);
console.log(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const v of verdicts) console.log(`target: ${v}`);
