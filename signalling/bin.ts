#!/usr/bin/env node
/**
 * `video-session-signalling`: the service, configured from the environment (see the README's
 * configuration table). A wrong setting exits with status 2 and says what to set.
 */
import { ConfigError, optionsFromEnv } from './config.js';
import { startServer } from './node.js';

try {
  const service = await startServer(optionsFromEnv(process.env));
  const stop = () => {
    void service.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`video-session-signalling: configuration error: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
