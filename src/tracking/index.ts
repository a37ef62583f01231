/**
 * The tracker: pure TypeScript over typed arrays (no DOM, no Node), so it runs in a browser Worker
 * and in Node benchmarks alike.
 */
export {
  createPlanarTracker,
  type PlanarTracker,
  type PlanarTrackerOptions,
  type TrackResult,
  type TrackingState,
} from './planar-tracker.js';
