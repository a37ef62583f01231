/**
 * Builds:
 * - `dist/video-session.js`: the widget as one self-registering, minified ES module with Lit and
 *   the peer library inside, for a plain `<script type="module">` (no bundler on the host page);
 * - `dist/esm/widget/index.js`: the same entry for bundlers, dependencies left as imports;
 * - `dist/server.js`, `dist/bin.js`, `dist/demo.js`, `dist/protocol.js`: the Node side.
 */
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import type { RollupOptions } from 'rollup';
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

const config: RollupOptions[] = [
  {
    input: 'widget/index.ts',
    output: { file: 'dist/video-session.js', format: 'es', sourcemap: true },
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
      nodeResolve({ browser: true, preferBuiltins: false }),
      commonjs(),
      esbuild({ target, define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' } }),
      terser({ module: true, ecma: 2020, compress: { passes: 2 }, format: { comments: false } }),
    ],
  },
  {
    input: 'widget/index.ts',
    output: { dir: 'dist/esm', format: 'es', preserveModules: true, preserveModulesRoot: '.' },
    external: (id) => dependencies.some((d) => id === d || id.startsWith(`${d}/`)),
    plugins: [esbuild({ target })],
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
    plugins: [esbuild({ target: 'node20' })],
  },
];

export default config;
