import type { BackgroundLogger } from '../background-logger.js';
import type { AppContext } from '../context.js';
import { runPeriodically, type Periodic } from '../periodic.js';
import { runAttachmentCleanup } from './attachments-cleanup.js';

/** Runs the attachment cleanup now and then every `attachments.cleanupIntervalMs`, never two runs at once. */
export function startAttachmentCleanup(ctx: AppContext, options: { logger?: BackgroundLogger } = {}): Periodic {
  return runPeriodically(
    ctx.config.attachments.cleanupIntervalMs,
    async (logger) => {
      const run = await runAttachmentCleanup(ctx, ctx.attachmentStore);
      if (run.expiredUploads > 0 || run.deletedBytes > 0) logger.info(run, 'attachments: unused uploads and loose bytes removed');
    },
    { ...options, failure: 'attachments: cleanup failed' },
  );
}
