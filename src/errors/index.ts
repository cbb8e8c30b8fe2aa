export { BulwarkError, ERRORS, type ErrorCode, type FieldErrors, ROUTINE_REFUSALS } from './registry.js';
