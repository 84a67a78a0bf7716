import type { AppContext } from '../context.js';
import { runAttachmentCleanup } from './attachments-cleanup.js';

/** Pino-compatible (Fastify's `app.log`). */
export interface SchedulerLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface AttachmentCleanupScheduler {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

const silent: SchedulerLogger = { info: () => undefined, error: () => undefined };

/** Runs the attachment cleanup now and then every `attachments.cleanupIntervalMs`, never two runs at once. */
export function startAttachmentCleanup(ctx: AppContext, options: { logger?: SchedulerLogger } = {}): AttachmentCleanupScheduler {
  const logger = options.logger ?? silent;
  let running: Promise<void> | undefined;
  let stopped = false;

  const tick = (): void => {
    if (stopped || running) return;
    running = runAttachmentCleanup(ctx, ctx.attachmentStore)
      .then((run) => {
        if (run.expiredUploads > 0 || run.deletedBytes > 0) logger.info(run, 'attachments: unused uploads and loose bytes removed');
      })
      // A failed run (database or object store away) is retried at the next tick.
      .catch((error: unknown) => logger.error({ err: error }, 'attachments: cleanup failed'))
      .finally(() => {
        running = undefined;
      });
  };

  const timer = setInterval(tick, ctx.config.attachments.cleanupIntervalMs);
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
