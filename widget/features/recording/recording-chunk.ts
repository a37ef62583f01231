/**
 * The recording feature's chunk, loaded on joining a session (to finish what an earlier page left)
 * or when recording is first asked for: the consent flow, getting recordings to the service, and
 * the views. The recorder itself is a further chunk, loaded when everyone has consented.
 */
export { RecordingController } from './recording-controller.js';
export { recoverRecordings, uploadRecording } from './upload-recording.js';
export { recordButton, recordingIndicator, recordingPrompt } from './recording-views.js';
