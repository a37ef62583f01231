/**
 * Builds:
 * - `dist/video-session.js`: the widget as one self-registering, minified ES module with Lit and
 *   the peer library inside, for a plain `<script type="module">` (no bundler on the host page),
 *   and next to it the `video-session-*.js` chunks it imports later (the drawing tools), which
 *   the service serves from the same `/sdk/` path;
 * - `dist/esm/widget/index.js`: the same entry for bundlers, dependencies left as imports;
 * - `dist/video-session-tracking-worker.js`: the tracking worker (and a copy beside the ESM build's
 *   tracker controller, which loads it relative to itself);
 * - `dist/server.js`, `dist/bin.js`, `dist/demo.js`, `dist/protocol.js`: the Node side, with
 *   `dist/sqlite-writer.js`, the store's writer thread.
 */
import commonjs from '@rollup/plugin-commonjs';
import MagicString from 'magic-string';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import type { Plugin, RollupOptions } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';

const target = 'es2022';
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
};
const dependencies = Object.keys(pkg.dependencies);
const nodeExternal = (id: string) =>
  id.startsWith('node:') ||
  builtinModules.includes(id) ||
  dependencies.some((d) => id === d || id.startsWith(`${d}/`));

/** Removes the chunks of earlier builds (their names carry a content hash). */
const cleanChunks = (): Plugin => ({
  name: 'clean-chunks',
  buildStart() {
    if (!existsSync('dist')) return;
    for (const f of readdirSync('dist', { withFileTypes: true })) {
      if (f.isFile() && /^video-session-.+\.js(\.map)?$/.test(f.name)) rmSync(`dist/${f.name}`);
    }
  },
});

/**
 * Drops the indentation of template literals' lines (Lit's `html` and `css` templates) after
 * minifying: in minified code a raw newline only occurs inside a template literal, and leading
 * spaces there are layout of the source (HTML and CSS collapse them; nothing of ours is `pre`).
 * CSS comments there go too: one on its own line, or after a declaration's `;` at a line's end.
 */
const trimTemplates = (): Plugin => ({
  name: 'trim-templates',
  renderChunk(code) {
    const out = new MagicString(code);
    const comment = String.raw`/\*[^*]*\*+(?:[^/*][^*]*\*+)*/`;
    const pattern = new RegExp(
      String.raw`\n[ \t]*(?:${comment}[ \t]*(?=\n))?|;[ \t]*${comment}(?=\n)`,
      'g',
    );
    for (const m of code.matchAll(pattern)) {
      out.overwrite(m.index, m.index + m[0].length, m[0].startsWith(';') ? ';' : '\n');
    }
    return { code: out.toString(), map: out.generateMap({ hires: true }) };
  },
});

/**
 * The store's writer runs as a worker thread, loaded as `new URL('./sqlite-writer.mjs',
 * import.meta.url)`: emit it as its own file and point the URL at it.
 */
const sqliteWriter = (): Plugin => ({
  name: 'sqlite-writer',
  transform(code, id) {
    if (!id.endsWith('signalling/store/sqlite/sqlite-commit.ts')) return null;
    const url = "new URL('./sqlite-writer.mjs', import.meta.url)";
    if (!code.includes(url)) this.error(`sqlite-commit.ts no longer loads its worker as ${url}`);
    const ref = this.emitFile({
      type: 'chunk',
      id: 'signalling/store/sqlite/sqlite-writer.mjs',
      fileName: 'sqlite-writer.js',
    });
    return code.replace(url, `new URL(import.meta.ROLLUP_FILE_URL_${ref})`);
  },
});

const config: RollupOptions[] = [
  {
    input: 'widget/index.ts',
    // The drawing chunk imports Lit and the rest from the entry itself, not from a third file.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: 'dist',
      format: 'es',
      sourcemap: true,
      entryFileNames: 'video-session.js',
      // The modules the call's drawing tools and the screenshot editor share (painting marks, the
      // tool bar's buttons) land in a chunk of their own: name it after what it holds.
      chunkFileNames: (chunk) =>
        !chunk.isDynamicEntry &&
        chunk.moduleIds.some((id) => id.includes('/widget/features/drawing/'))
          ? 'video-session-marks-[hash].js'
          : // A name the service's /sdk/ route serves: letters, digits, - and _ (dots go).
            `video-session-${chunk.name.replace(/[^\w-]/g, '-')}-[hash].js`,
    },
    onwarn(warning, warn) {
      // webrtc-polyfill's browser entry re-exports itself; harmless, and not ours to fix.
      if (
        warning.code === 'CIRCULAR_DEPENDENCY' &&
        warning.ids?.every((id) => id.includes('node_modules'))
      )
        return;
      warn(warning);
    },
    plugins: [
      cleanChunks(),
      nodeResolve({ browser: true, preferBuiltins: false }),
      commonjs(),
      esbuild({ target, define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' } }),
      terser({ module: true, ecma: 2020, compress: { passes: 2 }, format: { comments: false } }),
      trimTemplates(),
    ],
  },
  {
    input: 'widget/index.ts',
    output: { dir: 'dist/esm', format: 'es', preserveModules: true, preserveModulesRoot: '.' },
    external: (id) => dependencies.some((d) => id === d || id.startsWith(`${d}/`)),
    plugins: [esbuild({ target })],
  },
  {
    // The tracking worker: one self-contained classic script (the page loads it as a blob, since the
    // SDK's origin is usually not the page's), next to the chunk that loads it in both builds.
    input: 'widget/features/tracking/worker.ts',
    output: [
      { file: 'dist/video-session-tracking-worker.js', format: 'iife' },
      {
        file: 'dist/esm/widget/features/tracking/video-session-tracking-worker.js',
        format: 'iife',
      },
    ],
    plugins: [
      esbuild({ target }),
      terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } }),
    ],
  },
  {
    input: {
      server: 'signalling/index.ts',
      bin: 'signalling/bin.ts',
      demo: 'demo/main.ts',
      protocol: 'src/index.ts',
    },
    output: { dir: 'dist', format: 'es', chunkFileNames: 'chunks/[name]-[hash].js' },
    external: nodeExternal,
    plugins: [sqliteWriter(), esbuild({ target: 'node20' })],
  },
];

export default config;
