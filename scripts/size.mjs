#!/usr/bin/env node
// Prints the sizes of what browsers load (minified, gzip -9 and brotli), and with --check fails when
// one is over its budget. Run after every build; `npm test` runs it with --check.
// - dist/video-session.js: the script a page loads first;
// - dist/video-session-drawing-chunk-*.js: the drawing tools and the tracker, loaded when a call connects;
// - dist/video-session-marks-*.js: what the drawing tools and the screenshot editor share (painting
//   marks, the tool bar's buttons), loaded with the first of them;
// - dist/video-session-screenshot-editor-*.js: the screenshot editor, loaded when one opens;
// - dist/video-session-tracking-worker.js: the tracker, in its worker, loaded for anchored marks;
// - dist/video-session-persistence-chunk-*.js: local storage and the uploader, loaded on joining;
// - dist/video-session-recording-chunk-*.js: recording consent and upload, loaded on joining;
// - dist/video-session-recorder-*.js: the recorder, loaded when everyone has consented;
// - dist/video-session-finalise-*.js: the WebM duration fix, loaded to upload a recording;
// - dist/video-session-de-*.js: the German strings, loaded when a page asks for German;
// - dist/video-session-screenshots-chunk-*.js: screenshots and their gallery, loaded on joining;
// - dist/video-session-panels-*.js: the settings and chat panels, loaded when a call settles;
// - dist/video-session-panel-styles-*.js: the panels' styles, shared by them and the gallery;
// - dist/video-session-session-rating-*.js: the customer's rating prompt, loaded during the call;
// - dist/video-session-request-chunk-*.js: the help button's request and its waiting panel, loaded on its click.
// A widget script without a budget fails the check.
import { readdirSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGETS = [
  { pattern: /^video-session\.js$/, gzip: 45 * 1024 },
  { pattern: /^video-session-drawing-chunk-[\w-]+\.js$/, gzip: 9 * 1024 },
  { pattern: /^video-session-marks-[\w-]+\.js$/, gzip: 7 * 1024 },
  { pattern: /^video-session-screenshot-editor-[\w-]+\.js$/, gzip: 6 * 1024 },
  { pattern: /^video-session-tracking-worker\.js$/, gzip: 10 * 1024 },
  { pattern: /^video-session-persistence-chunk-[\w-]+\.js$/, gzip: 4 * 1024 },
  { pattern: /^video-session-recording-chunk-[\w-]+\.js$/, gzip: 4 * 1024 },
  { pattern: /^video-session-recorder-[\w-]+\.js$/, gzip: 3 * 1024 },
  { pattern: /^video-session-finalise-[\w-]+\.js$/, gzip: 6 * 1024 },
  { pattern: /^video-session-de-[\w-]+\.js$/, gzip: 6 * 1024 },
  { pattern: /^video-session-screenshots-chunk-[\w-]+\.js$/, gzip: 7 * 1024 },
  { pattern: /^video-session-panels-[\w-]+\.js$/, gzip: 4 * 1024 },
  { pattern: /^video-session-panel-styles-[\w-]+\.js$/, gzip: 2 * 1024 },
  { pattern: /^video-session-session-rating-[\w-]+\.js$/, gzip: 3 * 1024 },
  { pattern: /^video-session-request-chunk-[\w-]+\.js$/, gzip: 2 * 1024 },
];

const built = readdirSync('dist');
let over = false;
// Every script of the widget must be one the service's /sdk/ route serves (signalling/app.ts).
const SERVED = /^video-session(?:-[A-Za-z0-9_-]+)?\.js$/;
for (const f of built.filter((f) => f.startsWith('video-session') && f.endsWith('.js'))) {
  if (!SERVED.test(f)) {
    over = true;
    console.error(`dist/${f}: the service's /sdk/ route would not serve this name`);
  }
  if (!BUDGETS.some(({ pattern }) => pattern.test(f))) {
    over = true;
    console.error(`dist/${f}: a widget script without a size budget (scripts/size.mjs)`);
  }
}
for (const { pattern, gzip: budget } of BUDGETS) {
  const matches = built.filter((f) => pattern.test(f));
  if (matches.length !== 1) {
    over = true;
    console.error(
      `dist/ should hold exactly one file matching ${pattern}, found: ${matches.join(', ') || 'none'}`,
    );
    continue;
  }
  const file = `dist/${matches[0]}`;
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  const br = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `${file}: ${kb(bytes.length)} min, ${kb(gz)} gzip, ${kb(br)} brotli (budget ${kb(budget)} gzip)`,
  );
  if (gz > budget) {
    over = true;
    console.error(`${file} is ${kb(gz - budget)} over its gzip budget`);
  }
}
if (process.argv.includes('--check') && over) process.exit(1);
