/**
 * A camera for tracking tests: a Y4M file for Chromium's fake capture device
 * (`--use-file-for-fake-video-capture`) showing a textured plane (the tracker's synthetic scene)
 * moving by a known transform: pan, rotation and zoom, periodic over the file so its loop is
 * seamless. Each frame carries its index as a 16-bit barcode along the bottom edge, so whoever
 * shows a frame (the customer's preview, the agent's decoded video) can tell which one it is and
 * compare with the ground truth. Frames [COVERED.from, COVERED.to) have a grey card over the middle.
 *
 * The scene is drawn at any size (`SceneSize`, 640x480 unless given) and is the same scene at every
 * size: the motion, the card and the barcode are fractions of the frame, and the texture's features
 * scale with it.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { multiply, project, type Mat3 } from '../src/tracking/homography.js';
import { createSequence } from '../src/tracking/testing.js';

export const SCENE = { width: 640, height: 480, fps: 30, frames: 240 } as const;
/** A picture size for the scene (4:3); the figures below are in pixels of the 640x480 one. */
export interface SceneSize {
  width: number;
  height: number;
}
/** The grey card: the frames it covers, and where (pixels of the 640x480 scene). */
export const COVERED = { from: 150, to: 190, rect: [100, 50, 420, 380] } as const;
/** Barcode: 16 blocks of 40 x 32 px along the bottom (of the 640x480 scene). */
const BAR = { blocks: 16, width: 40, top: 448 } as const;

/** Frame-0 pixels -> frame `f` pixels: rotation and zoom about the middle, and a pan. */
export function cameraAt(f: number, size: SceneSize = SCENE): Mat3 {
  const phase = (2 * Math.PI * (f % SCENE.frames)) / SCENE.frames;
  const angle = ((7 * Math.PI) / 180) * Math.sin(phase);
  const scale = 1 + 0.1 * Math.sin(2 * phase);
  const k = size.width / SCENE.width;
  const tx = 60 * k * Math.sin(phase),
    ty = 40 * k * (Math.sin(2 * phase + 1) - Math.sin(1));
  const c = scale * Math.cos(angle),
    s = scale * Math.sin(angle);
  const [cx, cy] = [size.width / 2, size.height / 2];
  const toCentre = Float64Array.of(1, 0, -cx, 0, 1, -cy, 0, 0, 1);
  const turn = Float64Array.of(c, -s, cx + tx, s, c, cy + ty, 0, 0, 1);
  return multiply(turn, toCentre);
}

/** Where normalised point (x, y) of frame `from` is in frame `to` (pixels of a `size` frame). */
export function movePoint(
  x: number,
  y: number,
  from: number,
  to: number,
  size: SceneSize = SCENE,
): [number, number] {
  const a = cameraAt(from, size);
  // Frame `from` -> frame 0 (invert the similarity), then frame 0 -> frame `to`.
  const det = a[0]! * a[4]! - a[1]! * a[3]!;
  const px = x * size.width - a[2]!,
    py = y * size.height - a[5]!;
  const u = (a[4]! * px - a[1]! * py) / det,
    v = (-a[3]! * px + a[0]! * py) / det;
  const out = new Float64Array(2);
  project(cameraAt(to, size), u, v, out);
  return [out[0]!, out[1]!];
}

/**
 * Writes the Y4M file (4:2:0, grey chroma) to `path`, at `size`; `card: false` leaves the grey
 * card out.
 */
export async function writeMovingScene(
  path: string,
  { card = true, size = SCENE as SceneSize } = {},
): Promise<void> {
  const { width: W, height: H } = size;
  const { frames } = SCENE;
  const k = W / SCENE.width;
  const px = (v: number) => Math.round(v * k);
  const [rx, ry, rw, rh] = COVERED.rect;
  const seq = createSequence({
    width: W,
    height: H,
    frames,
    seed: 11,
    noise: 2,
    camera: (f) => cameraAt(f, size),
    ...(card ? { occluder: { ...COVERED, rect: [px(rx), px(ry), px(rw), px(rh)] as const } } : {}),
  });
  const file = createWriteStream(path);
  const write = async (chunk: string | Uint8Array) => {
    if (!file.write(chunk)) await once(file, 'drain');
  };
  await write(`YUV4MPEG2 W${W} H${H} F${SCENE.fps}:1 Ip A1:1 C420jpeg\n`);
  const chroma = new Uint8Array((W / 2) * (H / 2) * 2).fill(128);
  const luma = new Uint8Array(W * H);
  for (let f = 0; f < frames; f++) {
    seq.render(f, luma);
    for (let y = px(BAR.top); y < H; y++) {
      for (let i = 0; i < BAR.blocks; i++)
        luma.fill(
          (f >> i) & 1 ? 235 : 16,
          y * W + px(i * BAR.width),
          y * W + px((i + 1) * BAR.width),
        );
    }
    await write('FRAME\n');
    await write(luma);
    await write(chroma);
  }
  file.end();
  await once(file, 'finish');
}

/** Reads the frame index from the barcode of the frame `video` shows (in the page); -1 without a size. */
export const READ_BARCODE = `window.__readBarcode = (video) => {
  const w = video.videoWidth, h = video.videoHeight;
  if (!w || !h) return -1;
  const c = (window.__barcodeCanvas ??= document.createElement('canvas'));
  c.width = ${BAR.blocks};
  c.height = 1;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  const y = h * ${(BAR.top + (SCENE.height - BAR.top) / 2) / SCENE.height};
  for (let i = 0; i < ${BAR.blocks}; i++) {
    const x = (w * (i + 0.5) * ${BAR.width}) / ${SCENE.width};
    ctx.drawImage(video, x - 1, y - 1, 2, 2, i, 0, 1, 1);
  }
  const px = ctx.getImageData(0, 0, ${BAR.blocks}, 1).data;
  let f = 0;
  for (let i = 0; i < ${BAR.blocks}; i++) if (px[i * 4] > 128) f |= 1 << i;
  return f;
};`;

/**
 * A worker's source (for a blob URL) that reads the barcode of every frame of a camera or remote
 * track, straight from the frame's luma: post it `{ readable }` (a `MediaStreamTrackProcessor`'s
 * stream); it answers each frame with `{ ts, rtp, bar }` (timestamp in ms, the RTP timestamp where
 * the frame came over the network, the frame index), or `{ error }`. Unlike `READ_BARCODE`, which
 * reads whatever frame the video element holds when it is called, this names exactly the frame
 * whose timestamps it reports.
 */
export const FRAME_READER = `const ROW = ${(BAR.top + (SCENE.height - BAR.top) / 2) / SCENE.height};
onmessage = async (e) => {
  const reader = e.data.readable.getReader();
  let buf = new Uint8Array(0);
  for (;;) {
    const { value: frame, done } = await reader.read();
    if (done) return;
    try {
      if (!['I420', 'I420A', 'NV12'].includes(frame.format))
        throw new Error('cannot read a frame in format ' + frame.format);
      const { x, y, width, height } = frame.visibleRect;
      const rect = { x, y: (y + Math.floor(height * ROW)) & ~1, width, height: 2 };
      const size = frame.allocationSize({ rect });
      if (buf.length < size) buf = new Uint8Array(size);
      const [luma] = await frame.copyTo(buf, { rect });
      let bar = 0;
      for (let i = 0; i < ${BAR.blocks}; i++) {
        if (buf[luma.offset + Math.floor((width * (i + 0.5)) / ${BAR.blocks})] > 128) bar |= 1 << i;
      }
      postMessage({ ts: frame.timestamp / 1000, rtp: frame.metadata?.().rtpTimestamp, bar });
    } catch (err) {
      postMessage({ error: String(err) });
    } finally {
      frame.close();
    }
  }
};`;
