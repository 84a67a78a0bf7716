import type { Database, Db } from './database.js';

/**
 * Woken on commit by triggers (migration 0008) whenever a table behind a cached setting
 * changes, whichever process or tool changed it.
 */
export const CACHED_SETTINGS_CHANNEL = 'cached_settings';

/** A near-static value ticket writes read (SLA policies and business hours), and how to read it. */
export interface CachedSetting<T> {
  readonly load: (db: Db) => Promise<T>;
}

export const cachedSetting = <T>(load: (db: Db) => Promise<T>): CachedSetting<T> => ({ load });

/**
 * One process's copies of the settings of one database. Nothing is kept before the LISTEN
 * is in place, so a change committed after a copy was read always drops it; a lost
 * listening connection drops everything when it is back (its handler is then called).
 */
class SettingsCache {
  private readonly values = new Map<CachedSetting<unknown>, Promise<unknown>>();
  /** The copies whose read has finished: what code inside a transaction may use. */
  private readonly loaded = new Map<CachedSetting<unknown>, unknown>();
  private listening: Promise<void> | undefined;

  constructor(private readonly database: Database) {}

  async read<T>(setting: CachedSetting<T>): Promise<T> {
    try {
      await this.listen();
    } catch {
      // Without the wake-up a copy could go stale unnoticed: read the table this time.
      return setting.load(this.database.db);
    }
    const cached = this.values.get(setting) as Promise<T> | undefined;
    if (cached) return cached;
    const loading = setting.load(this.database.db);
    this.values.set(setting, loading);
    loading.then(
      (value) => {
        if (this.values.get(setting) === loading) this.loaded.set(setting, value);
      },
      () => {
        if (this.values.get(setting) === loading) this.values.delete(setting);
      },
    );
    return loading;
  }

  /**
   * For code inside a transaction, which must not wait on another connection (PGlite has
   * only one, and the transaction holds it): a copy already read, or else the rows as the
   * transaction sees them, not kept. Copies are filled by `read`, outside transactions.
   */
  async readIn<T>(tx: Db, setting: CachedSetting<T>): Promise<T> {
    return this.loaded.has(setting) ? (this.loaded.get(setting) as T) : setting.load(tx);
  }

  /** Also drops copies still loading: they may have read the rows before the change. */
  drop(): void {
    this.values.clear();
    this.loaded.clear();
  }

  private listen(): Promise<void> {
    this.listening ??= this.database.listen(CACHED_SETTINGS_CHANNEL, () => this.drop()).then(
      () => undefined,
      (error: unknown) => {
        this.listening = undefined;
        throw error;
      },
    );
    return this.listening;
  }
}

const caches = new WeakMap<Database, SettingsCache>();

function cacheOf(database: Database): SettingsCache {
  let cache = caches.get(database);
  if (!cache) {
    cache = new SettingsCache(database);
    caches.set(database, cache);
  }
  return cache;
}

export const readCachedSetting = <T>(database: Database, setting: CachedSetting<T>): Promise<T> => cacheOf(database).read(setting);

/** Inside a transaction on `database`: see `SettingsCache.readIn`. */
export const readCachedSettingIn = <T>(database: Database, tx: Db, setting: CachedSetting<T>): Promise<T> =>
  cacheOf(database).readIn(tx, setting);

/**
 * Call after committing a change to a cached setting: this process's next write must see
 * it at once, not when its own NOTIFY comes back (other processes learn from that).
 */
export const dropCachedSettings = (database: Database): void => cacheOf(database).drop();
