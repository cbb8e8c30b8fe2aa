import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOtelTracing } from './otel-tracing.js';

test('a request the tracer decides to sample is the one the SDK records: the ratio holds, not its square', async () => {
  const tracing = createOtelTracing('bulwark-test', {
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.5',
  });
  try {
    const ids = new Set<string>();
    let recorded = 0;
    for (let i = 0; i < 2000; i++) {
      const span = tracing.startRequest('GET', '/api/tags');
      ids.add(span.traceId);
      if (tracing.recording(span)) recorded++;
    }
    assert.equal(ids.size, 2000, 'a trace id for every request, sampled or not');
    // Binomial(2000, 0.5): 1000 ± 22. Had the SDK drawn a second id and sampled again, a request
    // would be recorded with probability 0.25 (500 ± 19); both are about nine deviations away.
    assert.ok(recorded > 800 && recorded < 1200, `${recorded} of 2000 recorded`);
  } finally {
    await tracing.shutdown();
  }
});
