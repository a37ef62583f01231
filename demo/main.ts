/**
 * `npm start`: the signalling service and the demo helpdesk in one process. Configure the service
 * with the usual variables (see the README); `VS_API_KEY` is generated when unset, since the
 * helpdesk and the service share this process.
 */
import { ConfigError, optionsFromEnv } from '../signalling/config.js';
import { startDemo } from './start-demo.js';

try {
  const env = optionsFromEnv(process.env);
  const demo = await startDemo({
    port: Number(process.env.DEMO_PORT ?? 3000),
    service: { logLevel: 'warn', ...env, port: env.port ?? 8080 },
  });
  process.stdout.write(
    `\n  Demo helpdesk:       ${demo.helpdeskUrl}\n` +
      `  Signalling service:  ${demo.service.config.publicUrl.href} (data in ${demo.service.config.dataDir})\n\n` +
      `  Open the helpdesk, pick a ticket, click "Start video session", then open the invite link\n` +
      `  in another window or browser. Ctrl+C stops both.\n\n`,
  );
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`demo: configuration error: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
