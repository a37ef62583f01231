/**
 * A real coturn on 127.0.0.1 for tests and benchmarks, with TURN REST credentials (the service's
 * `VS_TURN_SECRET`). It can be killed and started again on the same port, which is how the tests
 * break the media path of a relay-only call.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TurnServer {
  /** `turn:` URLs for the service's `turnUrls`. */
  urls: string[];
  /** Its UDP and TCP port on 127.0.0.1. */
  port: number;
  secret: string;
  /** Kills the server at once (SIGKILL: allocations vanish, nothing says goodbye). */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startTurnServer(): Promise<TurnServer> {
  const port = await freePort();
  const secret = 'turn-test-secret-0123456789';
  const dir = mkdtempSync(join(tmpdir(), 'vs-turn-'));
  const relayBase = 49160 + (port % 50) * 20;
  let child: ChildProcess | null = null;

  const start = async () => {
    const proc = spawn(
      'turnserver',
      [
        '-n',
        '--listening-ip=127.0.0.1',
        '--relay-ip=127.0.0.1',
        `--listening-port=${port}`,
        `--min-port=${relayBase}`,
        `--max-port=${relayBase + 19}`,
        '--use-auth-secret',
        `--static-auth-secret=${secret}`,
        '--realm=test.local',
        '--allow-loopback-peers', // tests only: the peers are on 127.0.0.1
        '--no-tls',
        '--no-dtls',
        '--no-cli',
        '--fingerprint',
        `--pidfile=${join(dir, 'turn.pid')}`,
        `--log-file=${join(dir, 'turn.log')}`,
        '--simple-log',
      ],
      { stdio: 'ignore' },
    );
    child = proc;
    // Ready when it answers on its port (TCP listener up alongside UDP).
    const until = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`turnserver exited with ${proc.exitCode}`);
      const up = await new Promise<boolean>((resolve) => {
        const probe = createServer();
        probe.once('error', () => resolve(true)); // the port is taken: coturn listens
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
      });
      if (up) return;
      if (Date.now() > until) throw new Error('turnserver did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const kill = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    urls: [`turn:127.0.0.1:${port}?transport=udp`],
    port,
    secret,
    kill,
    start,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
