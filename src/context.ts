import type { Config } from './config.js';
import type { Database } from './db/database.js';

/** What every capability is built from: settings, storage and the clock (tests move it). */
export interface AppContext {
  config: Config;
  database: Database;
  now: () => Date;
}
