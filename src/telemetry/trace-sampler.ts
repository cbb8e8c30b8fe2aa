import { diag } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';

/** The sampler OpenTelemetry's SDKs use when `OTEL_TRACES_SAMPLER` is unset or unknown. */
const DEFAULT_SAMPLER = 'parentbased_always_on';

function ratioOf(arg: string | undefined): number {
  if (arg === undefined || arg.trim() === '') return 1;
  const ratio = Number(arg);
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio;
  diag.error(`OTEL_TRACES_SAMPLER_ARG "${arg}" is not a number in [0, 1]; sampling every trace`);
  return 1;
}

/**
 * The sampler that `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` name, built from the SDK's
 * own samplers with the specification's six values and defaults (the SDK's parser is internal to
 * it). The tracer is given this sampler, and asks it first itself: a request that will not be
 * sampled then costs no SDK span at all.
 */
export function samplerFromEnv(env: NodeJS.ProcessEnv = process.env): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() || DEFAULT_SAMPLER;
  const ratio = () => new TraceIdRatioBasedSampler(ratioOf(env.OTEL_TRACES_SAMPLER_ARG));
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default:
      diag.error(`OTEL_TRACES_SAMPLER "${name}" is not supported here; using ${DEFAULT_SAMPLER}`);
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
