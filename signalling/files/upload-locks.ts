/**
 * One request at a time per upload (in this process): a write, the storing of a complete file,
 * or its erasure. A second writer is refused at once rather than queued, so a client that lost
 * track of its request learns the offset again instead of piling up.
 */
export class UploadLocks {
  private readonly held = new Map<string, Promise<void>>();

  /** Runs `work` holding the upload's lock; null when someone else holds it. */
  async run<T>(uploadId: string, work: () => Promise<T>): Promise<T | null> {
    if (this.held.has(uploadId)) return null;
    let release!: () => void;
    this.held.set(uploadId, new Promise<void>((r) => (release = r)));
    try {
      return await work();
    } finally {
      this.held.delete(uploadId);
      release();
    }
  }

  isHeld(uploadId: string): boolean {
    return this.held.has(uploadId);
  }

  /** Resolves once nobody holds the upload's lock. */
  async released(uploadId: string): Promise<void> {
    while (this.held.has(uploadId)) await this.held.get(uploadId);
  }
}
