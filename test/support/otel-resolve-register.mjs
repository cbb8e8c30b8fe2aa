import { register } from 'node:module';

register('./otel-resolve-hooks.mjs', import.meta.url);
