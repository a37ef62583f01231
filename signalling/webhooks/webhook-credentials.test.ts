/**
 * A webhook URL may carry Basic credentials (`https://user:password@helpdesk/hooks`): they are
 * sent, and never shown or logged. A real service delivers to a real receiver that answers 410.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { WebhookStatusView } from '../../src/rest.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../config.js';
import { startTestService, TEST_API_KEY } from '../testing/service.js';
import { newWebhookSecret, startWebhookReceiver } from '../testing/webhook-receiver.js';
import { redactUrl } from './webhook.js';

const PASSWORD = 'pa55-w0rd-of-the-helpdesk';

describe('webhook credentials', () => {
  it('are neither shown by GET /v1/webhook nor logged when the endpoint answers 410', async () => {
    const receiver = await startWebhookReceiver({ answer: () => 410 });
    const url = new URL(receiver.url);
    url.username = 'video';
    url.password = PASSWORD;
    const logs: string[] = [];
    const svc = await startTestService({
      webhookUrl: url.href,
      webhookSecrets: [receiver.secret],
      logger: pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) }),
    });
    try {
      await svc.createSession();
      await receiver.until((r) => r.deliveries.length > 0);
      const read = async () => {
        const res = await fetch(`${svc.url}/v1/webhook`, {
          headers: { authorization: `Bearer ${TEST_API_KEY}` },
        });
        return { text: await res.clone().text(), view: (await res.json()) as WebhookStatusView };
      };
      let status = await read();
      for (let i = 0; i < 100 && status.view.disabledReason === null; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = await read();
      }
      expect(status.view).toMatchObject({ enabled: false, disabledReason: 'HTTP 410 Gone' });
      expect(status.view.url).toBe(`http://***@127.0.0.1:${url.port}/hooks`);
      expect(status.text).not.toContain(PASSWORD);
      expect(logs.some((l) => l.includes('410 Gone'))).toBe(true);
      expect(logs.filter((l) => l.includes(PASSWORD))).toEqual([]);
      expect(logs.filter((l) => l.includes('video:'))).toEqual([]);
    } finally {
      await svc.stop();
      await receiver.close();
    }
  });

  it('are redacted wherever a URL is shown: with a user, a password or both; in a bad setting too', () => {
    expect(redactUrl('https://u:p@h.example/hooks?x=1')).toBe('https://***@h.example/hooks?x=1');
    expect(redactUrl('https://u@h.example/hooks')).toBe('https://***@h.example/hooks');
    expect(redactUrl('https://:p@h.example:8443/')).toBe('https://***@h.example:8443/');
    expect(redactUrl('https://h.example/hooks')).toBe('https://h.example/hooks');
    expect(redactUrl('https://u:p@ not a url')).toBe('https://***@ not a url');
    expect(() =>
      resolveConfig({
        apiKey: 'a-long-enough-api-key',
        dataDir: mkdtempSync(join(tmpdir(), 'vs-config-')),
        webhookUrl: `https://video:${PASSWORD}@ helpdesk`,
        webhookSecrets: [newWebhookSecret()],
      }),
    ).toThrow(/VS_WEBHOOK_URL .* got "https:\/\/\*\*\*@ helpdesk"/);
  });
});
