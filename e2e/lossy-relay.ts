/**
 * A UDP relay in front of the TURN server that drops a share of the packets going through it, both
 * ways: a bad network on loopback (the kernel's netem is not available here). Browsers reach TURN
 * through it, so everything of a relay-only call crosses it twice.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface LossyRelay {
  /** `turn:` URL of the relay (UDP). */
  readonly url: string;
  /** Drops this share of packets from now on (0 to 1). */
  setLoss(share: number): void;
  close(): Promise<void>;
}

export async function startLossyRelay(target: { host: string; port: number }): Promise<LossyRelay> {
  let loss = 0;
  const front = createSocket('udp4');
  /** One upstream socket per client, so TURN sees each client as its own. */
  const upstream = new Map<string, Socket>();
  const pass = () => Math.random() >= loss;

  front.on('message', (msg, client) => {
    const key = `${client.address}:${client.port}`;
    let up = upstream.get(key);
    if (!up) {
      const socket = createSocket('udp4');
      up = socket;
      upstream.set(key, socket);
      socket.on('message', (reply) => {
        if (pass()) front.send(reply, client.port, client.address);
      });
      socket.bind(0, '127.0.0.1');
    }
    if (pass()) up.send(msg, target.port, target.host);
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  const { port } = front.address();
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    setLoss(share) {
      loss = Math.max(0, Math.min(1, share));
    },
    close: async () => {
      for (const s of upstream.values()) s.close();
      upstream.clear();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}
