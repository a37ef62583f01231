import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { join } from '../testing/client.js';
import { startTestService } from '../testing/service.js';
import { TURN_CREDENTIAL_MARGIN_SECONDS } from './turn.js';

const SECRET = 'turn-static-auth-secret';

describe('TURN credentials in the welcome', () => {
  it('expire with the session (plus a short margin), not 12 hours later', async () => {
    const svc = await startTestService({
      turnUrls: ['turn:127.0.0.1:3478'],
      turnSecret: SECRET,
      inviteTtl: 600, // the session lives 10 minutes
    });
    try {
      const s = await svc.createSession();
      const agent = await join(svc.signallingUrl, s.agentToken);
      const { iceServers } = await agent.next('welcome');
      const turn = iceServers.find((i) => i.username !== undefined)!;
      const expiry = Number(turn.username!.split(':')[0]);
      const sessionEnds = Date.parse(s.expiresAt) / 1000;
      expect(expiry).toBeGreaterThan(sessionEnds);
      expect(expiry).toBeLessThanOrEqual(sessionEnds + TURN_CREDENTIAL_MARGIN_SECONDS);
      // Still the coturn REST form: the server can check it with its static secret.
      expect(turn.username).toBe(`${expiry}:${s.id}:agent`);
      expect(turn.credential).toBe(
        createHmac('sha1', SECRET).update(turn.username!).digest('base64'),
      );
      agent.close();
    } finally {
      await svc.stop();
    }
  });
});
