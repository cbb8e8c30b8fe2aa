export { type AppDeps, buildApp } from './server.js';
