import type { Database, Db } from '../db/database.js';
import { cachedPublicUrl, readPublicUrl } from '../notifications/notifications.repository.js';
import { cachedSlaSettings, loadSlaSettings, type SlaSettings } from '../sla/sla-tracking.js';

/** The near-static settings a ticket write may read: what due dates and mails are made from. */
export interface WriteSettings {
  sla: () => Promise<SlaSettings>;
  publicUrl: () => Promise<string | undefined>;
}

/**
 * This process's copies, kept in step by NOTIFY (see db/cached-settings.ts): what requests
 * use. Read before the transaction begins: a copy missing from the cache is read on
 * another connection, which must not wait inside a transaction (PGlite has only one).
 */
export async function cachedWriteSettings(database: Database): Promise<WriteSettings> {
  const [sla, publicUrl] = [await cachedSlaSettings(database), await cachedPublicUrl(database)];
  return { sla: async () => sla, publicUrl: async () => publicUrl };
}

/** Read in the transaction, for writers that hold no application context. */
export const writeSettingsIn = (tx: Db): WriteSettings => ({
  sla: () => loadSlaSettings(tx),
  publicUrl: () => readPublicUrl(tx),
});
