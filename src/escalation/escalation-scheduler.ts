import type { AppContext } from '../context.js';
import { silentLogger, type BackgroundLogger } from '../background-logger.js';
import { runEscalation } from './escalation.service.js';

export interface EscalationScheduler {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs the SLA check and the escalation rules now and then every
 * `config.escalationIntervalMs`. Runs in one process never overlap; across processes the
 * database makes each breach and each rule action happen once.
 */
export function startEscalationScheduler(ctx: AppContext, options: { logger?: BackgroundLogger } = {}): EscalationScheduler {
  const logger = options.logger ?? silentLogger;
  let running: Promise<void> | undefined;
  let stopped = false;

  const tick = (): void => {
    if (stopped || running) return;
    running = runEscalation(ctx)
      .then((run) => {
        if (run.applied > 0 || run.breaches > 0) logger.info(run, 'escalation: rules and SLA checked');
      })
      // A failed run (database gone for a moment) is retried at the next tick.
      .catch((error: unknown) => logger.error({ err: error }, 'escalation: run failed'))
      .finally(() => {
        running = undefined;
      });
  };

  const timer = setInterval(tick, ctx.config.escalationIntervalMs);
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
