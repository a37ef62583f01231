// The baseline page: camera, then the raw relay, then the widget's own peer connection wrapper
// (`PeerLink`) used directly, sending the camera from the start. The bench reads the same marks it
// reads from the widget (see call-setup.ts). `?ice=` (base64 JSON) sets the RTCConfiguration;
// `window.__restart()` restarts ICE at once (the recovery bench's oracle); `__videoOff()` and
// `__videoOn()` stop and restart the camera and tell the other page in one data-channel message,
// which hides or shows its video (the mode-switch bench's bare path).
import { PeerLink } from '../../widget/core/peer/peer-link.js';
import type { SignalData } from '../../src/protocol.js';

const params = new URLSearchParams(location.search);
const room = params.get('room')!;
const ice = params.get('ice');
const config = (ice ? JSON.parse(atob(ice)) : { iceServers: [] }) as RTCConfiguration;
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
      config,
      tracks: {
        audio: stream.getAudioTracks()[0] ?? null,
        video: stream.getVideoTracks()[0] ?? null,
      },
      onSignal: (data) => ws.send(JSON.stringify({ type: 'signal', data })),
      onOpen: () => undefined,
      onClose: () => undefined,
      onMessage: (data) => {
        if (data === 'off' || data === 'on') video.hidden = data === 'off';
      },
      onTrack: (track) => {
        remote.addTrack(track);
        video.srcObject = remote;
      },
    });
    Object.assign(window, {
      __restart: () => peer.restartIce(),
      __videoOff: () => {
        const track = stream.getVideoTracks()[0];
        peer.setTrack('video', null);
        if (track) {
          track.stop();
          stream.removeTrack(track);
        }
        peer.send('off');
      },
      __videoOn: async () => {
        const camera = await navigator.mediaDevices.getUserMedia({
          video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
        });
        const track = camera.getVideoTracks()[0]!;
        stream.addTrack(track);
        peer.setTrack('video', track);
        peer.send('on');
      },
    });
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data as string) as { type: string; data: SignalData };
      if (m.type === 'signal') peer.signal(m.data);
    };
  }
};
