/**
 * Local storage, the uploader, getting recordings and saved screenshots to the service, and
 * recording consent with its views: a lazily loaded chunk (IndexedDB, the upload protocol and the
 * consent flow are needed once a session is joined, not to show the element).
 * `FilesElement.files()` loads it.
 */
export { StorageController } from './controllers/storage-controller.js';
export { UploadController } from './controllers/upload-controller.js';
export { RecordingController } from './controllers/recording-controller.js';
export { recoverSession, uploadRecording } from './recording/upload-recording.js';
export { saveStill } from './stills/upload-still.js';
export * as recordingViews from './views/recording.js';
