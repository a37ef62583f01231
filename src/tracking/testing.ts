/**
 * Synthetic camera sequences with ground truth, for the tracker's tests and its benchmark (not
 * part of the SDK). A procedural planar scene (gradients, value noise, flat walls, blobs, checker
 * patches, strokes) is filmed by a camera that moves frame by frame: translation with an
 * Ornstein-Uhlenbeck velocity (at most `maxTranslation` px per frame), rotation (at most
 * `maxRotation` degrees per frame) and scale steps about the annotated region, with springs that
 * keep the region in view; optionally a perspective wobble (`perspective`: the variation of `w`
 * at the frame edge), a slow gain drift, sensor noise, and an occluder.
 *
 * World coordinates are frame-0 pixels, so the ground truth of frame t (keyframe = frame 0) is the
 * camera matrix `truth(t)`.
 */
import { invert, multiply, normalise, project, type Mat3 } from './homography.js';
import { createRandom } from './ransac.js';

export interface SceneOptions {
  width: number;
  height: number;
  frames: number;
  seed?: number;
  /** Pixels per frame (default 8). */
  maxTranslation?: number;
  /** Degrees per frame (default 1). */
  maxRotation?: number;
  /** Largest scale step per frame (default 0.02: 0.98..1.02). */
  maxScaleStep?: number;
  /** Perspective wobble: relative change of `w` at the frame edge (default 0). */
  perspective?: number;
  /** Gain drift amplitude (default 0: none; 0.15 is ±15%). */
  gain?: number;
  /** Sensor noise, grey levels (default 3). */
  noise?: number;
  /** A flat grey rectangle `[x, y, w, h]` (frame pixels) over frames `[from, to)`. */
  occluder?: { from: number; to: number; rect: readonly [number, number, number, number] };
  /** A camera path of one's own instead of the random one: frame-0 pixels -> frame t pixels. */
  camera?: (t: number) => Mat3;
}

export interface Sequence {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  /** The annotated region in frame 0: 30% x 30% of the frame at its centre, `[x, y, w, h]`. */
  readonly region: readonly [number, number, number, number];
  /** Frame 0 pixels -> frame t pixels. */
  truth(t: number): Mat3;
  /** Renders frame t (luma, `width * height`). */
  render(t: number, out?: Uint8Array): Uint8Array;
}

export function createSequence(o: SceneOptions): Sequence {
  const { width: W, height: H, frames } = o;
  const seed = o.seed ?? 0;
  const scene = createScene(W, H, seed);
  const cameras = o.camera
    ? Array.from({ length: frames }, (_, t) => o.camera!(t))
    : trajectory(o, seed);
  const noise = gaussianTable(seed + 7);
  const sigma = o.noise ?? 3;
  const gain = o.gain ?? 0;
  const region = [0.35 * W, 0.35 * H, 0.3 * W, 0.3 * H] as const;
  return {
    width: W,
    height: H,
    frames,
    region,
    truth: (t) => cameras[t]!,
    render(t, out = new Uint8Array(W * H)) {
      const inv = invert(cameras[t]!)!;
      const g = 1 + gain * Math.sin((2 * Math.PI * t) / 97) * Math.cos((2 * Math.PI * t) / 263);
      const random = createRandom(seed * 7919 + t * 104729 + 1);
      const { tex, tw, th, ox, oy } = scene;
      let n = Math.floor(random() * 65536);
      for (let y = 0; y < H; y++) {
        let X = inv[1]! * y + inv[2]!,
          Y = inv[4]! * y + inv[5]!,
          Z = inv[7]! * y + inv[8]!;
        for (let x = 0; x < W; x++, X += inv[0]!, Y += inv[3]!, Z += inv[6]!) {
          let u = X / Z + ox,
            v = Y / Z + oy;
          u = u < 0 ? 0 : u > tw - 2 ? tw - 2 : u;
          v = v < 0 ? 0 : v > th - 2 ? th - 2 : v;
          const fu = u | 0,
            fv = v | 0,
            au = u - fu,
            av = v - fv;
          const i = fv * tw + fu;
          const top = tex[i]! + (tex[i + 1]! - tex[i]!) * au;
          const bottom = tex[i + tw]! + (tex[i + tw + 1]! - tex[i + tw]!) * au;
          n = (n + 40503) & 65535;
          const value = (top + (bottom - top) * av) * g + sigma * noise[n]!;
          out[y * W + x] = value < 0 ? 0 : value > 255 ? 255 : value + 0.5;
        }
      }
      const occ = o.occluder;
      if (occ && t >= occ.from && t < occ.to) {
        const [rx, ry, rw, rh] = occ.rect;
        for (let y = Math.max(0, ry); y < Math.min(H, ry + rh); y++)
          for (let x = Math.max(0, rx); x < Math.min(W, rx + rw); x++) {
            n = (n + 40503) & 65535;
            out[y * W + x] = Math.max(0, Math.min(255, 128 + sigma * noise[n]! + 0.5));
          }
      }
      return out;
    },
  };
}

/** Corner error: distances between `h` and `truth` at the region's four corners. */
export function cornerErrors(
  h: ArrayLike<number>,
  truth: Mat3,
  region: readonly [number, number, number, number],
): number[] {
  const [x, y, w, hh] = region;
  const a = new Float64Array(2),
    b = new Float64Array(2);
  return [
    [x, y],
    [x + w, y],
    [x + w, y + hh],
    [x, y + hh],
  ].map(([cx, cy]) => {
    project(h, cx!, cy!, a);
    project(truth, cx!, cy!, b);
    return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);
  });
}

// ---- The scene ---------------------------------------------------------------------------------

interface Scene {
  tex: Float32Array;
  tw: number;
  th: number;
  /** Texture coordinates of world (0, 0). */
  ox: number;
  oy: number;
}

function createScene(W: number, H: number, seed: number): Scene {
  const s = H / 480; // feature sizes scale with the frame, so 720p is the same scene, finer
  const pad = Math.ceil(0.6 * Math.max(W, H));
  const tw = W + 2 * pad,
    th = H + 2 * pad;
  const tex = new Float32Array(tw * th);
  const random = createRandom(seed * 31337 + 17);
  // Gradient plus three octaves of value noise.
  const octaves = [
    { cell: 96 * s, amp: 70 },
    { cell: 24 * s, amp: 40 },
    { cell: 6 * s, amp: 22 },
  ].map(({ cell, amp }) => {
    const gw = Math.ceil(tw / cell) + 2,
      gh = Math.ceil(th / cell) + 2;
    const grid = new Float32Array(gw * gh).map(() => random() - 0.5);
    return { cell, amp, gw, grid };
  });
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      let v = 110 + (40 * (x - tw / 2)) / tw + (25 * (y - th / 2)) / th;
      for (const { cell, amp, gw, grid } of octaves) {
        const gx = x / cell,
          gy = y / cell;
        const ix = gx | 0,
          iy = gy | 0;
        const ax = smooth(gx - ix),
          ay = smooth(gy - iy);
        const i = iy * gw + ix;
        const top = grid[i]! + (grid[i + 1]! - grid[i]!) * ax;
        const bottom = grid[i + gw]! + (grid[i + gw + 1]! - grid[i + gw]!) * ax;
        v += amp * (top + (bottom - top) * ay);
      }
      tex[y * tw + x] = v;
    }
  }
  const area = tw * th;
  const count = (k: number) => Math.round((k * area) / (640 * 480 * s * s));
  // Flat walls: low texture exists in reality.
  for (let k = 0; k < count(3); k++) {
    const w = (40 + random() * 90) * s,
      h = (30 + random() * 70) * s;
    const x0 = random() * (tw - w),
      y0 = random() * (th - h);
    const value = 60 + random() * 140;
    for (let y = Math.floor(y0); y < y0 + h; y++)
      for (let x = Math.floor(x0); x < x0 + w; x++) tex[y * tw + x] = value;
  }
  // Soft elliptical blobs.
  for (let k = 0; k < count(14); k++) {
    const cx = random() * tw,
      cy = random() * th;
    const rx = (8 + random() * 30) * s,
      ry = (8 + random() * 30) * s;
    const amp = (random() - 0.5) * 140;
    for (let y = Math.max(0, Math.floor(cy - 2 * ry)); y < Math.min(th, cy + 2 * ry); y++)
      for (let x = Math.max(0, Math.floor(cx - 2 * rx)); x < Math.min(tw, cx + 2 * rx); x++) {
        const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
        tex[y * tw + x]! += amp * Math.exp(-d);
      }
  }
  // Rotated checker patches.
  for (let k = 0; k < count(8); k++) {
    const cx = random() * tw,
      cy = random() * th;
    const size = (20 + random() * 40) * s,
      cell = (4 + random() * 8) * s;
    const a = random() * Math.PI,
      ca = Math.cos(a),
      sa = Math.sin(a);
    const lo = 30 + random() * 60,
      hi = 160 + random() * 80;
    for (let y = Math.max(0, Math.floor(cy - size)); y < Math.min(th, cy + size); y++)
      for (let x = Math.max(0, Math.floor(cx - size)); x < Math.min(tw, cx + size); x++) {
        const u = (x - cx) * ca + (y - cy) * sa,
          v = -(x - cx) * sa + (y - cy) * ca;
        if (Math.abs(u) > size * 0.7 || Math.abs(v) > size * 0.7) continue;
        tex[y * tw + x] = (Math.floor(u / cell) + Math.floor(v / cell)) & 1 ? hi : lo;
      }
  }
  // Strokes.
  for (let k = 0; k < count(20); k++) {
    let x = random() * tw,
      y = random() * th;
    let a = random() * 2 * Math.PI;
    const value = random() < 0.5 ? 20 : 235;
    const r = (1 + random() * 2) * s;
    for (let step = 0; step < 60 * s; step++) {
      a += (random() - 0.5) * 0.3;
      x += Math.cos(a);
      y += Math.sin(a);
      for (let yy = Math.floor(y - r); yy <= y + r; yy++)
        for (let xx = Math.floor(x - r); xx <= x + r; xx++)
          if (xx >= 0 && yy >= 0 && xx < tw && yy < th && (xx - x) ** 2 + (yy - y) ** 2 <= r * r)
            tex[yy * tw + xx] = value;
    }
  }
  blur3(tex, tw, th);
  return { tex, tw, th, ox: pad, oy: pad };
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

function blur3(a: Float32Array, w: number, h: number): void {
  const b = new Float32Array(a.length);
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      b[i] =
        (a[i - w - 1]! +
          2 * a[i - w]! +
          a[i - w + 1]! +
          2 * a[i - 1]! +
          4 * a[i]! +
          2 * a[i + 1]! +
          a[i + w - 1]! +
          2 * a[i + w]! +
          a[i + w + 1]!) /
        16;
    }
  a.set(b);
}

/** Standard normal samples from a seeded PRNG (Box-Muller), 65,536 of them. */
function gaussianTable(seed: number): Float32Array {
  const random = createRandom(seed * 2654435761 + 3);
  const t = new Float32Array(65536);
  for (let i = 0; i < t.length; i += 2) {
    const u = Math.max(1e-12, random()),
      v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    t[i] = r * Math.cos(2 * Math.PI * v);
    t[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return t;
}

// ---- The camera --------------------------------------------------------------------------------

function trajectory(o: SceneOptions, seed: number): Mat3[] {
  const { width: W, height: H, frames } = o;
  const maxT = o.maxTranslation ?? 8;
  const maxR = ((o.maxRotation ?? 1) * Math.PI) / 180;
  const maxS = o.maxScaleStep ?? 0.02;
  const persp = o.perspective ?? 0;
  const random = createRandom(seed * 48271 + 11);
  const gauss = () => {
    const u = Math.max(1e-12, random()),
      v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const c0x = W / 2,
    c0y = H / 2;
  let m: Mat3 = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  let vx = 0,
    vy = 0,
    w = 0,
    ls = 0; // log scale rate
  let logScale = 0;
  const phase = random() * 2 * Math.PI;
  const out: Mat3[] = [];
  for (let t = 0; t < frames; t++) {
    // Perspective wobble about the frame centre, identity at t = 0.
    const a = persp * Math.sin((2 * Math.PI * t) / 150) * Math.cos(phase),
      b = persp * Math.sin((2 * Math.PI * t) / 110) * Math.sin(phase);
    const p = Float64Array.of(1, 0, 0, 0, 1, 0, a / (W / 2), b / (H / 2), 1);
    const toC = Float64Array.of(1, 0, c0x, 0, 1, c0y, 0, 0, 1),
      fromC = Float64Array.of(1, 0, -c0x, 0, 1, -c0y, 0, 0, 1);
    out.push(normalise(multiply(toC, multiply(p, multiply(fromC, m)))));
    // Where the region's centre is now; springs pull it back towards the frame centre.
    const c = new Float64Array(2);
    project(m, c0x, c0y, c);
    const cx = c[0]!,
      cy = c[1]!;
    vx = clampAbs(0.85 * vx + 0.9 * maxT * 0.35 * gauss() - 0.02 * (cx - c0x), maxT / Math.SQRT2);
    vy = clampAbs(0.85 * vy + 0.9 * maxT * 0.35 * gauss() - 0.02 * (cy - c0y), maxT / Math.SQRT2);
    w = clampAbs(0.9 * w + 0.35 * maxR * gauss(), maxR);
    ls = clampAbs(
      0.9 * ls + 0.35 * maxS * gauss() - 0.05 * (logScale - Math.log(1.05)),
      Math.log(1 + maxS),
    );
    if (logScale + ls > Math.log(1.45) || logScale + ls < Math.log(0.72)) ls = -ls;
    logScale += ls;
    const k = Math.exp(ls);
    const cos = Math.cos(w) * k,
      sin = Math.sin(w) * k;
    // Rotate and scale about the region's centre, then translate.
    const step = Float64Array.of(
      cos,
      -sin,
      cx - cos * cx + sin * cy + vx,
      sin,
      cos,
      cy - sin * cx - cos * cy + vy,
      0,
      0,
      1,
    );
    m = multiply(step, m);
  }
  return out;
}

function clampAbs(v: number, max: number): number {
  return v > max ? max : v < -max ? -max : v;
}
