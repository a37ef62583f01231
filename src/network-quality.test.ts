import { describe, expect, it } from 'vitest';
import {
  BAD_STREAK,
  GOOD_STREAK,
  QualityTrend,
  classify,
  type QualitySample,
} from './network-quality.js';

const sample = (s: Partial<QualitySample>): QualitySample => ({
  rttMs: 20,
  lossPercent: 0,
  inKbps: 1500,
  outKbps: 1500,
  fps: 25,
  ...s,
});

describe('network quality', () => {
  it('grades loss, round trip and frame rate', () => {
    expect(classify(sample({}))).toBe('good');
    expect(classify(sample({ lossPercent: 3 }))).toBe('fair');
    expect(classify(sample({ rttMs: 450 }))).toBe('poor');
    expect(classify(sample({ fps: 5 }))).toBe('poor');
    expect(classify(sample({ fps: null, rttMs: null }))).toBe('good'); // voice call, RTT unknown
    expect(classify(sample({ lossPercent: 20 }))).toBe('bad');
    expect(classify(sample({ rttMs: 1200 }))).toBe('bad');
  });

  it('drops once after a bad streak and recovers once after a good one', () => {
    const trend = new QualityTrend();
    const said: (string | null)[] = [];
    for (let i = 0; i < BAD_STREAK - 1; i++) said.push(trend.next('bad'));
    said.push(trend.next('poor')); // a break in the streak starts it over
    for (let i = 0; i < BAD_STREAK; i++) said.push(trend.next('bad'));
    said.push(trend.next('bad')); // still bad: said once
    for (let i = 0; i < GOOD_STREAK; i++) said.push(trend.next(i % 2 ? 'good' : 'fair'));
    expect(said.filter((s) => s !== null)).toEqual(['drop', 'recover']);
    expect(said.indexOf('drop')).toBe(BAD_STREAK - 1 + 1 + BAD_STREAK - 1);
  });
});
