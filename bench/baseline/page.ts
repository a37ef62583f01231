// The baseline page: camera, then the raw relay, then the widget's own peer connection wrapper
// (`PeerLink`) used directly, sending the camera from the start. The bench reads the same marks it
// reads from the widget (see call-setup.ts).
import { PeerLink } from '../../widget/controllers/peer-link.js';
import type { SignalData } from '../../src/protocol.js';

const room = new URLSearchParams(location.search).get('room')!;
const stream = await navigator.mediaDevices.getUserMedia({
  video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
  audio: true,
});
const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/?room=${room}`);
const video = document.getElementById('remote') as HTMLVideoElement;
const remote = new MediaStream();
ws.onmessage = (event) => {
  const msg = JSON.parse(event.data as string) as { type: string; initiator?: boolean };
  if (msg.type === 'ready') {
    const peer = new PeerLink({
      initiator: msg.initiator ?? false,
      config: { iceServers: [] },
      tracks: {
        audio: stream.getAudioTracks()[0] ?? null,
        video: stream.getVideoTracks()[0] ?? null,
      },
      onSignal: (data) => ws.send(JSON.stringify({ type: 'signal', data })),
      onOpen: () => undefined,
      onClose: () => undefined,
      onMessage: () => undefined,
      onTrack: (track) => {
        remote.addTrack(track);
        video.srcObject = remote;
      },
    });
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data as string) as { type: string; data: SignalData };
      if (m.type === 'signal') peer.signal(m.data);
    };
  }
};
