#!/usr/bin/env node
// Prints the widget bundle's size (minified, gzip -9 and brotli), and with --check fails when it is
// over its budget. Run after every build; `npm test` runs it with --check.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGETS = [{ file: 'dist/video-session.js', gzip: 45 * 1024 }];

let over = false;
for (const { file, gzip: budget } of BUDGETS) {
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
