import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, optionsFromEnv, resolveConfig } from './config.js';

const dir = () => mkdtempSync(join(tmpdir(), 'vs-config-'));
const base = { apiKey: 'a-long-enough-api-key' };
const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('configuration', () => {
  it('fills defaults and generates a token secret that survives restarts', () => {
    const dataDir = dir();
    const first = resolveConfig({ ...base, dataDir });
    expect(first.port).toBe(8080);
    expect(first.publicUrl.href).toBe('http://localhost:8080/');
    expect([...first.allowedOrigins]).toEqual(['http://localhost:8080']);
    expect(first.tokenSecret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dataDir, 'token-secret')).mode & 0o777).toBe(0o600);
    const second = resolveConfig({ ...base, dataDir });
    expect(Buffer.from(second.tokenSecret)).toEqual(Buffer.from(first.tokenSecret));
    expect(readFileSync(join(dataDir, 'token-secret'), 'utf8').trim().length).toBe(64);
  });

  it('reads the environment', () => {
    const options = optionsFromEnv({
      PORT: '9000',
      VS_API_KEY: 'k'.repeat(20),
      VS_ALLOWED_ORIGINS: 'https://a.example, https://b.example/path',
      VS_TURN_URLS: 'turn:127.0.0.1:3478',
      VS_TURN_SECRET: 's3cret',
    });
    const config = resolveConfig({ ...options, dataDir: dir() });
    expect(config.port).toBe(9000);
    expect([...config.allowedOrigins]).toEqual([
      'http://localhost:9000',
      'https://a.example',
      'https://b.example',
    ]);
    expect(config.turn).toEqual({ urls: ['turn:127.0.0.1:3478'], secret: 's3cret' });
  });

  it('reads the socket caps from the environment', () => {
    const options = optionsFromEnv({
      VS_API_KEY: 'k'.repeat(20),
      VS_MAX_SOCKETS: '500',
      VS_MAX_SOCKETS_PER_ADDRESS: '20',
    });
    expect(resolveConfig({ ...options, dataDir: dir() })).toMatchObject({
      maxSockets: 500,
      maxSocketsPerAddress: 20,
    });
    expect(resolveConfig({ ...base, dataDir: dir() })).toMatchObject({
      maxSockets: 10_000,
      maxSocketsPerAddress: 100,
    });
    // The per-address default never exceeds the process's cap.
    expect(resolveConfig({ ...base, dataDir: dir(), maxSockets: 40 }).maxSocketsPerAddress).toBe(
      40,
    );
  });

  it('reads the file settings (and the request rate) from the environment', () => {
    const options = optionsFromEnv({
      VS_API_KEY: 'k'.repeat(20),
      VS_REQUEST_RATE: '30',
      VS_MAX_SCREENSHOT_BYTES: '1048576',
      VS_MAX_RECORDING_BYTES: '104857600',
      VS_UPLOAD_GRACE_HOURS: '48',
      VS_FILE_LINK_TTL: '600',
      VS_EVENT_LINK_TTL: '86400',
      VS_RETENTION_DAYS: '90',
    });
    expect(resolveConfig({ ...options, dataDir: dir() })).toMatchObject({
      requestRate: 30,
      files: {
        maxBytes: { screenshot: 1_048_576, recording: 104_857_600 },
        uploadGraceHours: 48,
        linkTtl: 600,
        eventLinkTtl: 86_400,
        retentionDays: 90,
      },
    });
    expect(resolveConfig({ ...base, dataDir: dir() }).files).toEqual({
      maxBytes: { screenshot: 20 * 1024 * 1024, recording: 2 * 1024 ** 3 },
      maxSessionBytes: 10 * 1024 ** 3,
      uploadGraceHours: 24,
      linkTtl: 3600,
      eventLinkTtl: 7 * 86_400,
      retentionDays: 30,
      minFreeBytes: 512 * 1024 * 1024,
      maxSessionUploads: 32,
    });
  });

  it('reads the limits on what uploads may take from the environment', () => {
    const options = optionsFromEnv({
      VS_API_KEY: 'k'.repeat(20),
      VS_MIN_FREE_BYTES: '0',
      VS_MAX_SESSION_UPLOADS: '4',
      VS_REPORT_RATE: '120',
      VS_INVITE_RATE: '50',
    });
    const config = resolveConfig({ ...options, dataDir: dir() });
    expect(config.files).toMatchObject({ minFreeBytes: 0, maxSessionUploads: 4 });
    expect(config.reportRate).toBe(120);
    expect(config.inviteRate).toBe(50);
    expect(resolveConfig({ ...base, dataDir: dir() })).toMatchObject({
      reportRate: 60,
      inviteRate: 20,
    });
  });

  it('reads the webhook, request and direct-call settings from the environment', () => {
    const other = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
    const options = optionsFromEnv({
      VS_API_KEY: 'k'.repeat(20),
      VS_WEBHOOK_URL: 'https://helpdesk.example/hooks',
      VS_WEBHOOK_SECRET: `${secret} ${other}`,
      VS_PUBLIC_KEY: 'pk_live_0123456789abcdef',
      VS_DIRECT_CALLS: 'on',
      VS_REQUEST_TTL: '120',
    });
    const config = resolveConfig({ ...options, dataDir: dir() });
    expect(config.webhook).toMatchObject({ url: 'https://helpdesk.example/hooks', retryHours: 72 });
    expect(config.webhook!.secrets.map((k) => k.length)).toEqual([32, 24]);
    expect(config).toMatchObject({
      publicKeys: ['pk_live_0123456789abcdef'],
      directCalls: true,
      requestTtl: 120,
    });
    const plain = resolveConfig({ ...base, dataDir: dir() });
    expect(plain).toMatchObject({
      webhook: null,
      publicKeys: [],
      directCalls: false,
      requestTtl: 900,
    });
  });

  it.each([
    [{}, /VS_API_KEY .* is required/],
    [{ ...base, apiKey: 'short' }, /VS_API_KEY .* at least 16/],
    [{ ...base, port: 70000 }, /PORT .* from 0 to 65535/],
    [{ ...base, publicUrl: 'not a url' }, /VS_PUBLIC_URL/],
    [{ ...base, allowedOrigins: ['ftp://x'] }, /VS_ALLOWED_ORIGINS .* http\(s\)/],
    [{ ...base, tokenSecret: 'short' }, /VS_TOKEN_SECRET .* 32/],
    [
      { ...base, inviteUrlTemplate: 'https://x.example/video' },
      /VS_INVITE_URL_TEMPLATE .* \{token\}/,
    ],
    [{ ...base, turnUrls: ['turn:x'] }, /VS_TURN_SECRET .* required/],
    [{ ...base, stunUrls: ['http://x'] }, /VS_STUN_URLS/],
    [{ ...base, iceTransportPolicy: 'turn' as never }, /VS_ICE_TRANSPORT_POLICY .* `relay`/],
    [{ ...base, iceTransportPolicy: 'relay' as const }, /VS_ICE_TRANSPORT_POLICY .* VS_TURN_URLS/],
    [{ ...base, logLevel: 'loud' as never }, /VS_LOG_LEVEL/],
    [{ ...base, maxSockets: 0 }, /VS_MAX_SOCKETS .* from 1/],
    [
      { ...base, maxSockets: 10, maxSocketsPerAddress: 11 },
      /VS_MAX_SOCKETS_PER_ADDRESS .* not be more than VS_MAX_SOCKETS \(10\)/,
    ],
    [
      { ...base, webhookUrl: 'https://h.example/hooks' },
      /VS_WEBHOOK_SECRET .* is required when VS_WEBHOOK_URL/,
    ],
    [{ ...base, webhookSecrets: [secret] }, /VS_WEBHOOK_URL .* is required when VS_WEBHOOK_SECRET/],
    [
      { ...base, webhookUrl: 'ftp://h.example', webhookSecrets: [secret] },
      /VS_WEBHOOK_URL .* https/,
    ],
    [
      { ...base, webhookUrl: 'https://h.example', webhookSecrets: ['s3cret'] },
      /VS_WEBHOOK_SECRET .* whsec_/,
    ],
    [
      { ...base, webhookUrl: 'https://h.example', webhookSecrets: [secret], webhookRetryHours: 12 },
      /VS_WEBHOOK_RETRY_HOURS .* from 24 to 720/,
    ],
    [{ ...base, publicKeys: ['short'] }, /VS_PUBLIC_KEY .* 16 to 200/],
    [{ ...base, directCalls: 'sometimes' as never }, /VS_DIRECT_CALLS .* on or off/],
    [{ ...base, requestTtl: 5 }, /VS_REQUEST_TTL .* from 30/],
    [{ ...base, retentionDays: 0 }, /VS_RETENTION_DAYS .* from 1 to 3650/],
    [{ ...base, retentionDays: 'forever' as never }, /VS_RETENTION_DAYS/],
    [{ ...base, maxRecordingBytes: 10 }, /VS_MAX_RECORDING_BYTES .* from 1024/],
    [{ ...base, maxScreenshotBytes: 2 ** 31 }, /VS_MAX_SCREENSHOT_BYTES/],
    [{ ...base, uploadGraceHours: 0 }, /VS_UPLOAD_GRACE_HOURS/],
    [{ ...base, maxSessionBytes: 1 }, /VS_MAX_SESSION_BYTES .* from 1024/],
    [{ ...base, fileLinkTtl: 10 }, /VS_FILE_LINK_TTL .* from 60/],
    [{ ...base, eventLinkTtl: 10 }, /VS_EVENT_LINK_TTL .* from 60/],
    [{ ...base, minFreeBytes: -1 }, /VS_MIN_FREE_BYTES .* from 0/],
    [{ ...base, minFreeBytes: '10%' as never }, /VS_MIN_FREE_BYTES/],
    [{ ...base, maxSessionUploads: 0 }, /VS_MAX_SESSION_UPLOADS .* from 1 to 10000/],
    [{ ...base, reportRate: 0 }, /VS_REPORT_RATE .* from 1/],
    [{ ...base, inviteRate: 0 }, /VS_INVITE_RATE .* from 1/],
  ])('names the variable to fix: %o', (options, message) => {
    expect(() => resolveConfig({ dataDir: dir(), ...options })).toThrow(ConfigError);
    expect(() => resolveConfig({ dataDir: dir(), ...options })).toThrow(message);
  });

  it('makes the binary exit with status 2 and say what to set', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'signalling/bin.ts'], {
      env: { PATH: process.env.PATH, VS_DATA_DIR: dir(), PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/configuration error: VS_API_KEY/);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
