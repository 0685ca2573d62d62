/**
 * Which layers are tiled, and from which zoom a tiled layer's labels show (core/tiling.ts): where its
 * features, spread evenly over their extent, are 96 screen pixels apart, between z15 and z18.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TILED_ABOVE_FEATURES, TILED_LABELS_MINZOOM, drawnFromTiles, tiledLabelMinzoom } from '../../core/tiling.ts';

/** The synthetic parcels' block (tests/helpers/synthetic-parcels.ts): ~6.7 km × 5.6 km of central Xincheng. */
const BLOCK = [111.66, 40.8, 111.74, 40.85];

test('a layer is tiled above 2 000 features', () => {
  assert.equal(drawnFromTiles(TILED_ABOVE_FEATURES), false);
  assert.equal(drawnFromTiles(TILED_ABOVE_FEATURES + 1), true);
  assert.equal(drawnFromTiles(undefined), false);
});

// Ground metres per pixel at 40.825°N on 512-pixel tiles: 59 250 / 2^z; 96 px apart means 2^z = 96 × 59 250 / spacing.
test('100 000 parcels ~19 m apart are labelled only at the deepest zoom, z18', () => {
  // 37.4 km² / 100 000 → 19.3 m apart: 96 px at z18 is 21.7 m, so z18.2 would be needed; z18 is the map's last.
  assert.equal(tiledLabelMinzoom(100_000, BLOCK), 18);
});

test('10 000 parcels (61 m apart) from z17, 1 000 (193 m apart) from the floor z15', () => {
  // 10 000: 2^z = 96 × 59 250 / 61.2 → z 16.50, rounded up to the next half zoom: 17 (16.5 would leave them 95.6 px apart).
  assert.equal(tiledLabelMinzoom(10_000, BLOCK), 17);
  // 1 000: z 14.84 → 15.
  assert.equal(tiledLabelMinzoom(1_000, BLOCK), 15);
});

test('a sparse layer keeps the floor of z15; no extent or no features: z15', () => {
  assert.equal(tiledLabelMinzoom(2_100, [111.5, 40.6, 112.2, 41.1]), TILED_LABELS_MINZOOM);
  assert.equal(tiledLabelMinzoom(50_000, undefined), TILED_LABELS_MINZOOM);
  assert.equal(tiledLabelMinzoom(0, BLOCK), TILED_LABELS_MINZOOM);
});

test('features all at one point: the deepest zoom', () => {
  assert.equal(tiledLabelMinzoom(5_000, [111.7, 40.8, 111.7, 40.8]), 18);
});
