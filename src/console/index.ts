export {
  type OpsPlugin,
  type OpsPluginOptions,
  type OpsServer,
  type OpsServerOptions,
  startOpsServer,
} from './ops-server.js';
export { bearerOf, isLoopback, opsTokenCheck, requireOpsToken, tokenMatches } from './ops-token.js';
