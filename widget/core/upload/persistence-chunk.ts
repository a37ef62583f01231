/**
 * What this device keeps until the service has it: the IndexedDB storage and the resumable
 * uploader. A chunk of its own (IndexedDB and the upload protocol are needed once a session is
 * joined, not to show the element); `Persistence` loads it.
 */
export { StorageController } from '../storage/storage-controller.js';
export { UploadController } from './upload-controller.js';
