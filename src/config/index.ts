export { type ConfigResult, type ConfigSources, loadConfig } from './load.js';
export { envNameOf, OPTIONS, type OptionInfo } from './options.js';
export { type Config, ConfigSchema } from './schema.js';
export { resolveJwtSecret, resolveOpsToken } from './secrets.js';
