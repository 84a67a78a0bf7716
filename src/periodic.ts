import { silentLogger, type BackgroundLogger } from './background-logger.js';

export interface Periodic {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `work` now and then every `intervalMs`, never two runs at once in this process. A
 * failed run (database or store away for a moment) is logged and tried again at the next tick.
 */
export function runPeriodically(
  intervalMs: number,
  work: (logger: BackgroundLogger) => Promise<void>,
  options: { logger?: BackgroundLogger; failure: string },
): Periodic {
  const logger = options.logger ?? silentLogger;
  let running: Promise<void> | undefined;
  let stopped = false;

  const tick = (): void => {
    if (stopped || running) return;
    running = work(logger)
      .catch((error: unknown) => logger.error({ err: error }, options.failure))
      .finally(() => {
        running = undefined;
      });
  };

  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();

  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
