/**
 * Local storage, the uploader, and getting recordings to the service: a lazily loaded chunk
 * (IndexedDB and the upload protocol are needed once a session is joined, not to show the
 * element). `CallElement.files()` loads it.
 */
export { StorageController } from './controllers/storage-controller.js';
export { UploadController } from './controllers/upload-controller.js';
export { recoverSession, uploadRecording } from './recording/upload-recording.js';
