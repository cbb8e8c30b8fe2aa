export { BulwarkError, ERRORS, type ErrorCode, type FieldErrors } from './registry.js';
