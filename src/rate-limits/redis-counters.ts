import { Redis } from 'ioredis';
import type { Count, Counters, Hit } from './counters.js';

/**
 * Counts every key of the batch in one script run: a key's first hit starts its window
 * (PEXPIRE), later hits in it add up, and Redis drops the key when the window ends.
 */
const COUNT_SCRIPT = `
local counts = {}
for i, key in ipairs(KEYS) do
  local current = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if current == 1 or ttl < 0 then
    ttl = tonumber(ARGV[i])
    redis.call('PEXPIRE', key, ttl)
  end
  counts[i] = { current, ttl }
end
return counts
`;

type CountingRedis = Redis & { helplineCount(keyCount: number, ...keysThenWindows: (string | number)[]): Promise<[number, number][]> };

/** Counts in Redis (REDIS_URL); keys carry REDIS_KEY_PREFIX. Time is Redis's, not the app's clock. */
export class RedisCounters implements Counters {
  private readonly redis: CountingRedis;

  constructor(url: string, keyPrefix: string, onError: (error: Error) => void) {
    // A request waits for at most one reconnect, then fails, rather than hanging while Redis is away.
    const redis = new Redis(url, { keyPrefix, maxRetriesPerRequest: 1, connectTimeout: 5000 });
    redis.defineCommand('helplineCount', { lua: COUNT_SCRIPT });
    redis.on('error', onError);
    this.redis = redis as CountingRedis;
  }

  async add(hits: readonly Hit[]): Promise<Count[]> {
    const counts = await this.redis.helplineCount(hits.length, ...hits.map((hit) => hit.key), ...hits.map((hit) => hit.windowMs));
    return counts.map(([current, ttl]) => ({ current, ttl }));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
