/**
 * Configuration: environment variables (or `startServer` options) -> one validated, typed object.
 * Everything is checked at start; a wrong value fails with a message that names what to set.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IceTransportPolicy } from '../src/protocol.js';
import { parseWebhookSecret, redactUrl } from './webhooks/webhook.js';

/** Options for `startServer`; each has the environment variable that sets it. */
export interface ServerOptions {
  /** `PORT`: where the service listens. 0 picks a free port. Default 8080. */
  port?: number;
  /** `VS_HOST`: the interface to bind. Default `0.0.0.0`. */
  host?: string;
  /** `VS_PUBLIC_URL`: the URL browsers use to reach the service. Default `http://localhost:<port>`. */
  publicUrl?: string;
  /** `VS_API_KEY` (required): the secret the host backend sends as `Authorization: Bearer`. */
  apiKey?: string;
  /** `VS_DATA_DIR`: where the SQLite store and the generated token secret live. Default `./data`. */
  dataDir?: string;
  /** `VS_ALLOWED_ORIGINS`: comma-separated origins whose pages may open the WebSocket. The public URL's own origin is always allowed. */
  allowedOrigins?: string[];
  /** `VS_TOKEN_SECRET`: HMAC key for join tokens, at least 32 characters. Generated into the data dir when unset. */
  tokenSecret?: string;
  /** `VS_INVITE_URL_TEMPLATE`: the customer invite link, with `{token}` (and optionally `{sessionId}`). Default: the service's own join page. */
  inviteUrlTemplate?: string;
  /** `VS_AGENT_TOKEN_TTL`: agent join token lifetime in seconds. Default 3600. */
  agentTokenTtl?: number;
  /** `VS_INVITE_TTL`: customer invite lifetime in seconds; also how long a session lives. Default 86400. */
  inviteTtl?: number;
  /** `VS_HEARTBEAT_MS`: WebSocket heartbeat interval. Default 15000. */
  heartbeatMs?: number;
  /** `VS_MAX_SOCKETS`: WebSocket connections the process holds at once; more are refused at the upgrade. Default 10000. */
  maxSockets?: number;
  /** `VS_MAX_SOCKETS_PER_ADDRESS`: WebSocket connections one client address (an IPv6 one by its /64) holds at once. Default 100 (at most `VS_MAX_SOCKETS`). */
  maxSocketsPerAddress?: number;
  /** `VS_STUN_URLS`: comma-separated STUN URLs handed to browsers. Default none. */
  stunUrls?: string[];
  /** `VS_TURN_URLS`: comma-separated TURN URLs; needs `VS_TURN_SECRET`. */
  turnUrls?: string[];
  /** `VS_TURN_SECRET`: coturn `static-auth-secret` for ephemeral TURN credentials. */
  turnSecret?: string;
  /** `VS_ICE_TRANSPORT_POLICY`: `all` (default) or `relay` (TURN only: hides IP addresses; needs `VS_TURN_URLS`). */
  iceTransportPolicy?: IceTransportPolicy;
  /** `VS_LOG_LEVEL`: `fatal`, `error`, `warn`, `info`, `debug`, `silent`. Default `info`. */
  logLevel?: LogLevel;
  /** `VS_WEBHOOK_URL`: where session events are posted (Standard Webhooks). Default: none, no events. */
  webhookUrl?: string;
  /** `VS_WEBHOOK_SECRET`: `whsec_...` signing secrets, space- or comma-separated (several while rotating). */
  webhookSecrets?: string[];
  /** `VS_WEBHOOK_RETRY_HOURS`: how long a failing event is retried before it is dead-lettered. Default 72. */
  webhookRetryHours?: number;
  /** `VS_PUBLIC_KEY`: comma-separated keys a page's help button may request sessions with. Default: none. */
  publicKeys?: string[];
  /** `VS_DIRECT_CALLS`: `on` lets the help button ring straight into a session. Default `off`. */
  directCalls?: boolean;
  /** `VS_REQUEST_TTL`: seconds a request (or direct call) waits for an agent. Default 900. */
  requestTtl?: number;
  /** `VS_REQUEST_RATE`: requests for video help per minute per client address (also the burst). Default 6. */
  requestRate?: number;
  /** `VS_MAX_SCREENSHOT_BYTES`: the largest screenshot the service stores. Default 20 MiB. */
  maxScreenshotBytes?: number;
  /** `VS_MAX_RECORDING_BYTES`: the largest recording the service stores. Default 2 GiB. */
  maxRecordingBytes?: number;
  /** `VS_MAX_SESSION_BYTES`: the most all files of one session (stored and unfinished) may take. Default 10 GiB. */
  maxSessionBytes?: number;
  /** `VS_UPLOAD_GRACE_HOURS`: how long after its join token expired a widget may still finish an upload (crash recovery happens later), and how long an untouched upload is kept. Default 24. */
  uploadGraceHours?: number;
  /** `VS_FILE_LINK_TTL`: lifetime in seconds of the download links in `GET .../files`. Default 3600. */
  fileLinkTtl?: number;
  /** `VS_EVENT_LINK_TTL`: lifetime in seconds of the download links in webhook events. Default 604800 (7 days). */
  eventLinkTtl?: number;
  /** `VS_RETENTION_DAYS`: stored files are deleted this many days after they were stored. Default 30. */
  retentionDays?: number;
  /** `VS_MIN_FREE_BYTES`: an upload is refused when it would leave less free space than this on the data dir's disk (counting what unfinished uploads still need). Default 512 MiB; 0 still keeps uploads within the free space. */
  minFreeBytes?: number;
  /** `VS_MAX_SESSION_UPLOADS`: the most unfinished uploads one uploader (agent, customer, host) may have in a session. Default 32. */
  maxSessionUploads?: number;
  /** `VS_REPORT_RATE`: events a widget may report per minute per session and role (also the burst). Default 60. */
  reportRate?: number;
  /** `VS_INVITE_RATE`: short invite links (`/j/<code>`) opened per minute per client address (also the burst). Default 20. */
  inviteRate?: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The options after validation, with every default filled in. */
export interface ServerConfig {
  port: number;
  host: string;
  /** Unset with port 0 until the service has bound its port (`startServer` fills it in). */
  publicUrl: URL;
  /** True when `publicUrl` was derived from the port rather than configured. */
  publicUrlFromPort: boolean;
  apiKey: string;
  dataDir: string;
  allowedOrigins: Set<string>;
  tokenSecret: Uint8Array;
  inviteUrlTemplate: string | null;
  agentTokenTtl: number;
  inviteTtl: number;
  heartbeatMs: number;
  maxSockets: number;
  maxSocketsPerAddress: number;
  stunUrls: string[];
  turn: { urls: string[]; secret: string } | null;
  iceTransportPolicy: IceTransportPolicy;
  logLevel: LogLevel;
  webhook: { url: string; secrets: Uint8Array[]; retryHours: number } | null;
  publicKeys: string[];
  directCalls: boolean;
  requestTtl: number;
  requestRate: number;
  reportRate: number;
  inviteRate: number;
  files: {
    maxBytes: { screenshot: number; recording: number };
    maxSessionBytes: number;
    uploadGraceHours: number;
    linkTtl: number;
    eventLinkTtl: number;
    retentionDays: number;
    minFreeBytes: number;
    maxSessionUploads: number;
  };
}

/** A configuration mistake, with the message that says what to set. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_CONFIG_INVALID';
}

const ENV: Record<keyof ServerOptions, string> = {
  port: 'PORT',
  host: 'VS_HOST',
  publicUrl: 'VS_PUBLIC_URL',
  apiKey: 'VS_API_KEY',
  dataDir: 'VS_DATA_DIR',
  allowedOrigins: 'VS_ALLOWED_ORIGINS',
  tokenSecret: 'VS_TOKEN_SECRET',
  inviteUrlTemplate: 'VS_INVITE_URL_TEMPLATE',
  agentTokenTtl: 'VS_AGENT_TOKEN_TTL',
  inviteTtl: 'VS_INVITE_TTL',
  heartbeatMs: 'VS_HEARTBEAT_MS',
  maxSockets: 'VS_MAX_SOCKETS',
  maxSocketsPerAddress: 'VS_MAX_SOCKETS_PER_ADDRESS',
  stunUrls: 'VS_STUN_URLS',
  turnUrls: 'VS_TURN_URLS',
  turnSecret: 'VS_TURN_SECRET',
  iceTransportPolicy: 'VS_ICE_TRANSPORT_POLICY',
  logLevel: 'VS_LOG_LEVEL',
  webhookUrl: 'VS_WEBHOOK_URL',
  webhookSecrets: 'VS_WEBHOOK_SECRET',
  webhookRetryHours: 'VS_WEBHOOK_RETRY_HOURS',
  publicKeys: 'VS_PUBLIC_KEY',
  directCalls: 'VS_DIRECT_CALLS',
  requestTtl: 'VS_REQUEST_TTL',
  requestRate: 'VS_REQUEST_RATE',
  maxScreenshotBytes: 'VS_MAX_SCREENSHOT_BYTES',
  maxRecordingBytes: 'VS_MAX_RECORDING_BYTES',
  maxSessionBytes: 'VS_MAX_SESSION_BYTES',
  uploadGraceHours: 'VS_UPLOAD_GRACE_HOURS',
  fileLinkTtl: 'VS_FILE_LINK_TTL',
  eventLinkTtl: 'VS_EVENT_LINK_TTL',
  retentionDays: 'VS_RETENTION_DAYS',
  minFreeBytes: 'VS_MIN_FREE_BYTES',
  maxSessionUploads: 'VS_MAX_SESSION_UPLOADS',
  reportRate: 'VS_REPORT_RATE',
  inviteRate: 'VS_INVITE_RATE',
};

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** Reads the options from environment variables (strings only; `resolveConfig` validates them). */
export function optionsFromEnv(env: NodeJS.ProcessEnv): ServerOptions {
  const options: Record<string, unknown> = {};
  const list = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  for (const [key, name] of Object.entries(ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (
      [
        'port',
        'agentTokenTtl',
        'inviteTtl',
        'heartbeatMs',
        'maxSockets',
        'maxSocketsPerAddress',
        'webhookRetryHours',
        'requestTtl',
        'requestRate',
        'maxScreenshotBytes',
        'maxRecordingBytes',
        'maxSessionBytes',
        'uploadGraceHours',
        'fileLinkTtl',
        'eventLinkTtl',
        'retentionDays',
        'minFreeBytes',
        'maxSessionUploads',
        'reportRate',
        'inviteRate',
      ].includes(key)
    ) {
      options[key] = /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    } else if (['allowedOrigins', 'stunUrls', 'turnUrls', 'publicKeys'].includes(key)) {
      options[key] = list(raw);
    } else if (key === 'webhookSecrets') {
      options[key] = raw.split(/[\s,]+/).filter(Boolean);
    } else if (key === 'directCalls') {
      const v = raw.trim().toLowerCase();
      options[key] = ['on', 'true', '1', 'yes'].includes(v)
        ? true
        : ['off', 'false', '0', 'no'].includes(v)
          ? false
          : raw;
    } else options[key] = raw;
  }
  return options as ServerOptions;
}

function fail(key: keyof ServerOptions, what: string): never {
  throw new ConfigError(`${ENV[key]} (option \`${key}\`) ${what}`);
}

function integer(
  key: keyof ServerOptions,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(key, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function origin(key: keyof ServerOptions, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(key, `must list origins like https://help.example.com, got ${JSON.stringify(value)}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(key, `must list http(s) origins, got ${JSON.stringify(value)}.`);
  }
  return url.origin;
}

/**
 * Validates the options, fills the defaults, and prepares the data dir (creating it, and the token
 * secret inside it when none is given). Throws `ConfigError` naming the variable to set.
 */
export function resolveConfig(options: ServerOptions): ServerConfig {
  const port = integer('port', options.port, 8080, 0, 65535);
  const host = options.host ?? '0.0.0.0';

  if (!options.apiKey) {
    fail(
      'apiKey',
      'is required: set it to a long random secret (at least 16 characters) that your helpdesk backend sends as `Authorization: Bearer <key>`.',
    );
  }
  if (options.apiKey.length < 16) fail('apiKey', 'must be at least 16 characters long.');

  let publicUrl: URL;
  try {
    publicUrl = new URL(options.publicUrl ?? `http://localhost:${port || 8080}`);
  } catch {
    fail(
      'publicUrl',
      `must be a URL like https://video.example.com, got ${JSON.stringify(options.publicUrl)}.`,
    );
  }
  if (publicUrl.protocol !== 'http:' && publicUrl.protocol !== 'https:') {
    fail('publicUrl', 'must start with http:// or https://.');
  }

  const allowedOrigins = new Set([publicUrl.origin]);
  for (const o of options.allowedOrigins ?? []) allowedOrigins.add(origin('allowedOrigins', o));

  const dataDir = resolve(options.dataDir ?? 'data');
  try {
    // Sessions, the token secret and every stored file: for the service's own user only.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    fail(
      'dataDir',
      `must be a writable folder; could not create ${dataDir}: ${(err as Error).message}`,
    );
  }

  const tokenSecret = new TextEncoder().encode(options.tokenSecret ?? readOrCreateSecret(dataDir));
  if (tokenSecret.length < 32) fail('tokenSecret', 'must be at least 32 characters long.');

  const template = options.inviteUrlTemplate ?? null;
  if (template !== null) {
    if (!template.includes('{token}'))
      fail(
        'inviteUrlTemplate',
        'must contain {token}, e.g. https://help.example.com/video?token={token}.',
      );
    try {
      new URL(template.replaceAll('{token}', 't').replaceAll('{sessionId}', 's'));
    } catch {
      fail('inviteUrlTemplate', `must be a URL, got ${JSON.stringify(template)}.`);
    }
  }

  const turnUrls = options.turnUrls ?? [];
  if (turnUrls.length > 0 && !options.turnSecret) {
    fail(
      'turnSecret',
      'is required when VS_TURN_URLS is set: use the static-auth-secret of your TURN server.',
    );
  }
  for (const u of [...turnUrls, ...(options.stunUrls ?? [])]) {
    if (!/^(stun|stuns|turn|turns):/.test(u)) {
      fail(
        turnUrls.includes(u) ? 'turnUrls' : 'stunUrls',
        `must hold stun:/turn: URLs, got ${JSON.stringify(u)}.`,
      );
    }
  }

  const iceTransportPolicy = options.iceTransportPolicy ?? 'all';
  if (iceTransportPolicy !== 'all' && iceTransportPolicy !== 'relay') {
    fail(
      'iceTransportPolicy',
      `must be \`all\` or \`relay\`, got ${JSON.stringify(iceTransportPolicy)}.`,
    );
  }
  if (iceTransportPolicy === 'relay' && turnUrls.length === 0) {
    fail(
      'iceTransportPolicy',
      'is `relay`, which needs TURN servers: set VS_TURN_URLS and VS_TURN_SECRET.',
    );
  }

  const maxSockets = integer('maxSockets', options.maxSockets, 10_000, 1, 1_000_000);
  const maxSocketsPerAddress = integer(
    'maxSocketsPerAddress',
    options.maxSocketsPerAddress,
    Math.min(100, maxSockets),
    1,
    1_000_000,
  );
  if (maxSocketsPerAddress > maxSockets) {
    fail('maxSocketsPerAddress', `must not be more than VS_MAX_SOCKETS (${maxSockets}).`);
  }

  const logLevel = options.logLevel ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) fail('logLevel', `must be one of ${LOG_LEVELS.join(', ')}.`);

  const publicKeys = options.publicKeys ?? [];
  for (const key of publicKeys) {
    if (!/^[\w.-]{16,200}$/.test(key)) {
      fail('publicKeys', 'must list keys of 16 to 200 characters (letters, digits, _ . -).');
    }
  }
  if (options.directCalls !== undefined && typeof options.directCalls !== 'boolean') {
    fail('directCalls', `must be on or off, got ${JSON.stringify(options.directCalls)}.`);
  }

  return {
    port,
    host,
    publicUrl,
    publicUrlFromPort: options.publicUrl === undefined,
    apiKey: options.apiKey,
    dataDir,
    allowedOrigins,
    tokenSecret,
    inviteUrlTemplate: template,
    agentTokenTtl: integer('agentTokenTtl', options.agentTokenTtl, 3600, 60, 86_400),
    inviteTtl: integer('inviteTtl', options.inviteTtl, 86_400, 60, 30 * 86_400),
    heartbeatMs: integer('heartbeatMs', options.heartbeatMs, 15_000, 1000, 120_000),
    maxSockets,
    maxSocketsPerAddress,
    stunUrls: options.stunUrls ?? [],
    turn: turnUrls.length > 0 ? { urls: turnUrls, secret: options.turnSecret! } : null,
    iceTransportPolicy,
    logLevel,
    webhook: webhookConfig(options),
    publicKeys,
    directCalls: options.directCalls ?? false,
    requestTtl: integer('requestTtl', options.requestTtl, 900, 30, 86_400),
    requestRate: integer('requestRate', options.requestRate, 6, 1, 100_000),
    reportRate: integer('reportRate', options.reportRate, 60, 1, 100_000),
    inviteRate: integer('inviteRate', options.inviteRate, 20, 1, 100_000),
    files: {
      maxBytes: {
        screenshot: integer('maxScreenshotBytes', options.maxScreenshotBytes, 20 * MiB, 1024, GiB),
        recording: integer('maxRecordingBytes', options.maxRecordingBytes, 2 * GiB, 1024, 64 * GiB),
      },
      maxSessionBytes: integer(
        'maxSessionBytes',
        options.maxSessionBytes,
        10 * GiB,
        1024,
        1024 * GiB,
      ),
      uploadGraceHours: integer('uploadGraceHours', options.uploadGraceHours, 24, 1, 30 * 24),
      linkTtl: integer('fileLinkTtl', options.fileLinkTtl, 3600, 60, 7 * 86_400),
      eventLinkTtl: integer('eventLinkTtl', options.eventLinkTtl, 7 * 86_400, 60, 30 * 86_400),
      retentionDays: integer('retentionDays', options.retentionDays, 30, 1, 3650),
      minFreeBytes: integer('minFreeBytes', options.minFreeBytes, 512 * MiB, 0, 1024 * GiB),
      maxSessionUploads: integer('maxSessionUploads', options.maxSessionUploads, 32, 1, 10_000),
    },
  };
}

function webhookConfig(options: ServerOptions): ServerConfig['webhook'] {
  const secrets = options.webhookSecrets ?? [];
  if (!options.webhookUrl) {
    if (secrets.length > 0) fail('webhookUrl', 'is required when VS_WEBHOOK_SECRET is set.');
    return null;
  }
  let url: URL;
  try {
    url = new URL(options.webhookUrl);
  } catch {
    fail(
      'webhookUrl',
      `must be a URL like https://helpdesk.example.com/hooks/video, got ${JSON.stringify(redactUrl(options.webhookUrl))}.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail('webhookUrl', 'must start with https:// (or http://).');
  }
  if (secrets.length === 0) {
    fail(
      'webhookSecrets',
      'is required when VS_WEBHOOK_URL is set: whsec_ followed by the base64 of 24 to 64 random bytes (e.g. `echo whsec_$(openssl rand -base64 32)`).',
    );
  }
  const keys = secrets.map((s) => {
    const key = parseWebhookSecret(s);
    if (!key) {
      fail(
        'webhookSecrets',
        'must hold secrets of the form whsec_<base64 of 24 to 64 random bytes>.',
      );
    }
    return key;
  });
  return {
    url: url.href,
    secrets: keys,
    retryHours: integer('webhookRetryHours', options.webhookRetryHours, 72, 24, 720),
  };
}

/** The generated secret survives restarts, so tokens issued before a restart stay valid. */
function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'token-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}
