import type { BackgroundLogger } from '../background-logger.js';
import type { AppContext } from '../context.js';
import { runPeriodically, type Periodic } from '../periodic.js';
import { runEscalation } from './escalation.service.js';

/**
 * Runs the SLA check and the escalation rules now and then every
 * `config.escalationIntervalMs`. Runs in one process never overlap; across processes the
 * database makes each breach and each rule action happen once.
 */
export function startEscalationScheduler(ctx: AppContext, options: { logger?: BackgroundLogger } = {}): Periodic {
  return runPeriodically(
    ctx.config.escalationIntervalMs,
    async (logger) => {
      const run = await runEscalation(ctx);
      if (run.applied > 0 || run.breaches > 0) logger.info(run, 'escalation: rules and SLA checked');
    },
    { ...options, failure: 'escalation: run failed' },
  );
}
