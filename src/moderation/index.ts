export { runModerationChild } from './moderation-child.js';
export {
  MODERATION_ROLE,
  MODERATION_ROLE_ENV,
  type ModerationProcess,
  startModerationProcess,
} from './moderation-process.js';
export {
  type ModerationFaults,
  type ModerationServer,
  type ModerationServerOptions,
  startModerationServer,
} from './moderation-server.js';
