import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCodel } from './codel.js';

const options = { targetMs: 5, intervalMs: 100 };

test('a burst that drains within the interval is not a standing queue', () => {
  const codel = createCodel(options, 0);
  codel.observe(40, 10);
  codel.observe(2, 50);
  assert.equal(codel.overloaded(100, undefined), false);
});

test('a minimum delay above target over a whole interval marks the queue as standing', () => {
  const codel = createCodel(options, 0);
  codel.observe(8, 10);
  codel.observe(30, 60);
  assert.equal(codel.overloaded(100, 20), true);
});

test('an interval with no dequeue stands only if someone waited past the target', () => {
  assert.equal(createCodel(options, 0).overloaded(250, 200), true);
  assert.equal(createCodel(options, 0).overloaded(250, 3), false);
  assert.equal(createCodel(options, 0).overloaded(250, undefined), false);
});

test('the standing state lasts until an interval sees a delay at or under target', () => {
  const codel = createCodel(options, 0);
  codel.observe(50, 10);
  assert.equal(codel.overloaded(100, 50), true);
  codel.observe(20, 150);
  assert.equal(codel.overloaded(199, 20), true);
  codel.observe(0, 201);
  codel.observe(12, 250);
  assert.equal(codel.overloaded(301, 12), false);
});

test('an interval that turned work away counts as standing, whatever its delays; the next quiet one ends it', () => {
  const codel = createCodel(options, 0);
  codel.observe(1, 10);
  codel.refused();
  codel.observe(0, 50);
  assert.equal(codel.overloaded(100, undefined), true);
  codel.observe(1, 150);
  assert.equal(codel.overloaded(200, undefined), false);
});
