/**
 * `video-session/server`: run the signalling service in your own process, or build its Hono app.
 * @example
 *   import { startServer } from 'video-session/server';
 *   const service = await startServer({ apiKey: process.env.VS_API_KEY, port: 8080 });
 */
export { startServer, type RunningServer, type StartOptions } from './node.js';
export { createApp, type AppDeps } from './app.js';
export {
  ConfigError,
  optionsFromEnv,
  resolveConfig,
  type ServerConfig,
  type ServerOptions,
} from './config.js';
