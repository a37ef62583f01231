// Browser tests for widget/: real headless Chromium (Debian's, through playwright-core) with a fake
// camera and microphone, against the real signalling service (the built dist/server.js) on
// 127.0.0.1:0. `npm test` runs this inside a loopback-only network namespace.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_ARGS = [
  '--no-sandbox', // running as root in CI
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking', // closed network: avoid refused-connection storms
  '--disable-component-update',
  '--disable-sync',
  // Synthetic cameras and microphones. Of the three fake cameras, fake_device_1 is a Y16 depth
  // camera that WebRTC cannot send: device tests switch between fake_device_0 and fake_device_2.
  '--use-fake-device-for-media-stream=device-count=3',
  '--use-fake-ui-for-media-stream', // grant the permission prompt
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection', // gather 127.0.0.1 ICE candidates (ignored by default)
];

/** The test pages' port (another run beside this one takes another: `WTR_PORT=8001`). */
const PORT = Number(process.env.WTR_PORT ?? 8000);
const API_KEY = 'wtr-api-key-0123456789';
const PUBLIC_KEY = 'pk_wtr_0123456789abcdef';

/**
 * Paths the dev server answers 404 for, set by a test (`vs-block-chunks`): a host that serves the
 * widget's script without some of its chunks. Each test file runs in a fresh page, so a chunk a
 * page has not loaded yet really fails to load.
 */
const blocked = new Set();

function blockChunks(ctx, next) {
  for (const path of blocked) {
    if (ctx.path.includes(path)) {
      ctx.status = 404;
      ctx.body = 'blocked by the test';
      return undefined;
    }
  }
  return next();
}

/** Starts the real service for the run; tests reach it through `executeServerCommand`. */
function servicePlugin() {
  let service;
  let dataDir;
  return {
    name: 'video-session-service',
    async serverStart() {
      const { startServer } = await import('./dist/server.js');
      const { pino } = await import('pino');
      dataDir = mkdtempSync(join(tmpdir(), 'vs-wtr-'));
      service = await startServer({
        port: 0,
        host: '127.0.0.1',
        apiKey: API_KEY,
        dataDir,
        allowedOrigins: [`http://localhost:${PORT}`, `http://127.0.0.1:${PORT}`],
        heartbeatMs: 2000,
        publicKeys: [PUBLIC_KEY],
        requestRate: 1000,
        logger: pino({ level: process.env.VS_TEST_LOG ?? 'silent' }),
      });
    },
    async serverStop() {
      await service?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async executeCommand({ command, payload }) {
      const api = async (method, path, body) => {
        const res = await fetch(`${service.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: res.status, body: await res.json() };
      };
      if (command === 'vs-block-chunks') {
        blocked.clear();
        for (const path of payload.paths) blocked.add(path);
        return true;
      }
      if (command === 'vs-service')
        return { url: service.url, signallingUrl: service.signallingUrl, publicKey: PUBLIC_KEY };
      if (command === 'vs-accept')
        return api('POST', `/v1/sessions/${payload.id}/accept`, {
          agent: { id: 'agent-1', name: 'Alice' },
        });
      if (command === 'vs-decline') return api('POST', `/v1/sessions/${payload.id}/decline`, {});
      if (command === 'vs-read-session') return api('GET', `/v1/sessions/${payload.id}`);
      if (command === 'vs-set-visibility')
        return api('PATCH', `/v1/sessions/${payload.id}`, { visibility: payload.visibility });
      if (command === 'vs-request-token') return api('POST', '/v1/request-tokens', payload);
      if (command === 'vs-create-session') {
        const res = await fetch(`${service.url}/v1/sessions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            ticketId: 'WTR-1',
            agent: { id: 'agent-1', name: 'Alice' },
            customer: { name: 'Bob' },
            ...payload,
          }),
        });
        return res.json();
      }
      if (command === 'vs-end-session') {
        const res = await fetch(`${service.url}/v1/sessions/${payload.id}/end`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}` },
        });
        return res.status;
      }
      return undefined;
    },
  };
}

/**
 * Serves a UMD file (the widget's one non-ES dependency, the recording's WebM duration fix) as an
 * ES module with its export as default, as the production build's CommonJS plugin does.
 */
function umdAsModule(path) {
  return {
    name: 'umd-as-module',
    transform(context) {
      if (!context.path.endsWith(path)) return undefined;
      return `const module = { exports: {} };\n${context.body}\nexport default module.exports;\n`;
    },
  };
}

/**
 * Serves the built tracking worker where the tracker (run from source here) looks for it: next to
 * its own module, as in the ESM build.
 */
function trackingWorker() {
  return {
    name: 'tracking-worker',
    serve(context) {
      if (!context.path.endsWith('/widget/features/tracking/video-session-tracking-worker.js'))
        return;
      return { body: readFileSync('dist/video-session-tracking-worker.js', 'utf8'), type: 'js' };
    },
  };
}

export default {
  files: process.env.WTR_FILES ?? 'widget/**/*.test.ts',
  port: PORT,
  middleware: [blockChunks],
  nodeResolve: { browser: true, exportConditions: ['browser', 'production'] },
  plugins: [
    umdAsModule('/node_modules/fix-webm-duration/fix-webm-duration.js'),
    esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' }),
    servicePlugin(),
    trackingWorker(),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 30000 } },
  browserStartTimeout: 60000,
  testsFinishTimeout: 240000,
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS },
    }),
  ],
};
