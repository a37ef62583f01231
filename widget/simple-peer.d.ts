/**
 * Types for the parts of @thaunknown/simple-peer (10.x, ships no types) that the peer controller
 * uses. Same API as simple-peer 9.
 */
declare module '@thaunknown/simple-peer' {
  export interface SimplePeerOptions {
    initiator?: boolean;
    stream?: MediaStream;
    streams?: MediaStream[];
    config?: RTCConfiguration;
    trickle?: boolean;
    objectMode?: boolean;
    channelName?: string;
    channelConfig?: RTCDataChannelInit;
  }

  export default class SimplePeer {
    constructor(opts?: SimplePeerOptions);
    static readonly WEBRTC_SUPPORT: boolean;
    readonly connected: boolean;
    readonly destroyed: boolean;
    readonly initiator: boolean;
    /** The underlying connection: the seam for ICE restarts and stats. */
    readonly _pc: RTCPeerConnection;
    signal(data: unknown): void;
    send(data: string | ArrayBufferView | ArrayBuffer | Blob): void;
    addStream(stream: MediaStream): void;
    removeStream(stream: MediaStream): void;
    addTrack(track: MediaStreamTrack, stream: MediaStream): void;
    removeTrack(track: MediaStreamTrack, stream: MediaStream): void;
    replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, stream: MediaStream): void;
    destroy(err?: Error): void;
    on(event: 'signal', listener: (data: unknown) => void): this;
    on(event: 'connect' | 'close', listener: () => void): this;
    on(event: 'data', listener: (data: string | Uint8Array) => void): this;
    on(event: 'stream', listener: (stream: MediaStream) => void): this;
    on(event: 'track', listener: (track: MediaStreamTrack, stream: MediaStream) => void): this;
    on(event: 'error', listener: (err: Error & { code?: string }) => void): this;
    on(
      event: 'iceStateChange',
      listener: (ice: RTCIceConnectionState, gathering: RTCIceGatheringState) => void,
    ): this;
    removeAllListeners(event?: string): this;
  }
}
