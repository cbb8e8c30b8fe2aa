// ESM resolve hook for the tracing test: records every @opentelemetry module a process resolves.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.includes('@opentelemetry') && process.env.BULWARK_RESOLVE_LOG)
    appendFileSync(process.env.BULWARK_RESOLVE_LOG, `${result.url}\n`);
  return result;
}
