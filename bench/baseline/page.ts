// The baseline page: camera, then the raw relay, then simple-peer with the same options the widget
// uses. The bench reads the same marks it reads from the widget (see call-setup.ts).
import SimplePeer from '@thaunknown/simple-peer';

const room = new URLSearchParams(location.search).get('room')!;
const stream = await navigator.mediaDevices.getUserMedia({
  video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
  audio: true,
});
const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/?room=${room}`);
const video = document.getElementById('remote') as HTMLVideoElement;
ws.onmessage = (event) => {
  const msg = JSON.parse(event.data as string) as {
    type: string;
    initiator?: boolean;
    data?: unknown;
  };
  if (msg.type === 'ready') {
    const peer = new SimplePeer({
      initiator: msg.initiator,
      trickle: true,
      objectMode: true,
      stream,
    });
    peer.on('signal', (data) => ws.send(JSON.stringify({ type: 'signal', data })));
    peer.on('stream', (remote) => (video.srcObject = remote));
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data as string) as { type: string; data: unknown };
      if (m.type === 'signal') peer.signal(m.data);
    };
  }
};
