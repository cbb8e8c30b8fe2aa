import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { samplerFromEnv } from './trace-sampler.js';

// The SDK's ratio sampler XORs a trace id's four 32-bit words: this one gives 0xffffffff, the last
// value a ratio below 1 would take; LOW_ID gives 1, the first any ratio above 0 takes.
const HIGH_ID = 'ffffffff000000000000000000000000';
const LOW_ID = '00000000000000000000000000000001';
const sampled = (env: NodeJS.ProcessEnv, traceId: string, parentSampled?: boolean) => {
  const parent =
    parentSampled === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, {
          traceId,
          spanId: '00f067aa0ba902b7',
          traceFlags: parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
          isRemote: true,
        });
  const { decision } = samplerFromEnv(env).shouldSample(parent, traceId, 'GET', SpanKind.SERVER, {}, []);
  return decision === SamplingDecision.RECORD_AND_SAMPLED;
};

test('OTEL_TRACES_SAMPLER: the six standard samplers, as the SDK builds them', () => {
  assert.equal(sampled({ OTEL_TRACES_SAMPLER: 'always_on' }, HIGH_ID), true);
  assert.equal(sampled({ OTEL_TRACES_SAMPLER: 'always_off' }, LOW_ID), false);
  assert.equal(
    sampled({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }, LOW_ID),
    true,
  );
  assert.equal(
    sampled({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }, HIGH_ID),
    false,
  );
  assert.equal(sampled({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }, LOW_ID), false);
  assert.equal(sampled({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }, LOW_ID, true), true);
  assert.equal(sampled({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }, HIGH_ID, false), false);
  const ratio = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
  assert.equal(sampled(ratio, HIGH_ID), false);
  assert.equal(sampled(ratio, LOW_ID), true);
  assert.equal(sampled(ratio, HIGH_ID, true), true, 'a sampled caller decides');
});

test('OTEL_TRACES_SAMPLER unset, unknown, or with a bad ratio: the SDK defaults', () => {
  // Unset or unknown: parentbased_always_on, so a root is sampled and a caller's "no" is followed.
  for (const env of [{}, { OTEL_TRACES_SAMPLER: 'jaeger_remote' }]) {
    assert.equal(sampled(env, HIGH_ID), true);
    assert.equal(sampled(env, HIGH_ID, false), false);
  }
  // A ratio that is not a number in [0, 1] means 1: everything.
  for (const arg of ['', 'half', '1.5', '-1'])
    assert.equal(
      sampled({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: arg }, HIGH_ID),
      true,
    );
});
