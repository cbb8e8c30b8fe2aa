export {
  type ModerationFaults,
  type ModerationServer,
  type ModerationServerOptions,
  startModerationServer,
} from './moderation-server.js';
