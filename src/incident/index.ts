export * from './model/types.js';
export { OPS_STORE_FILE, OpsStore, openOpsStore } from './store/ops-store.js';
