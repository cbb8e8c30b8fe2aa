import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import type { Db } from '../data/index.js';

export interface ServiceDeps {
  db: Db;
  config: Readonly<Config>;
  jwtSecret: string;
}

/** Registers every Conduit route on `app` (mounted under `/api`). */
export function registerConduit(app: FastifyInstance, deps: ServiceDeps): void {
  void app;
  void deps;
}
