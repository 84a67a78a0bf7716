import { call } from './server.js';

export interface Outcome {
  /** HTTP status, or undefined when no answer came (refused, reset, timed out). */
  status: number | undefined;
  error: string | undefined;
  /** The created resource's id, for 2xx answers. */
  id: string | undefined;
  /** The start of the request, and the end (answer or error). */
  started: number;
  at: number;
  /** The body of an answer that is not 2xx, cut short. */
  body: string | undefined;
}

export interface Load {
  outcomes: Outcome[];
  /** Ids of everything the server said it created. */
  created(): string[];
  /** Stops the workers and waits for the requests in flight. */
  stop(): Promise<Outcome[]>;
}

/**
 * Continuous writes: `concurrency` workers each open a ticket, wait for the answer and
 * open the next, until stopped. Every answer is recorded, so a test can check afterwards
 * that each 2xx is really stored.
 */
export function ticketLoad(baseUrl: string, token: string, options: { concurrency?: number; pauseMs?: number } = {}): Load {
  const outcomes: Outcome[] = [];
  let running = true;
  let counter = 0;
  const worker = async () => {
    while (running) {
      const n = counter++;
      const started = Date.now();
      try {
        const answer = await call(baseUrl, 'POST', '/api/tickets', {
          token,
          body: { subject: `Load ticket ${n}`, description: `Written under load, number ${n}` },
          timeoutMs: 20_000,
        });
        const id = answer.status < 300 ? (JSON.parse(answer.body) as { id: string }).id : undefined;
        outcomes.push({ status: answer.status, error: undefined, id, started, at: Date.now(), body: id ? undefined : answer.body.slice(0, 200) });
      } catch (error) {
        const code = (error as Error & { code?: string }).code ?? (error as Error).message;
        outcomes.push({ status: undefined, error: code, id: undefined, started, at: Date.now(), body: undefined });
        // Refused connections come back at once: do not spin.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  const workers = Array.from({ length: options.concurrency ?? 4 }, () => worker());
  return {
    outcomes,
    created: () => outcomes.flatMap((outcome) => (outcome.id ? [outcome.id] : [])),
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return outcomes;
    },
  };
}

export const succeeded = (outcomes: readonly Outcome[]): number => outcomes.filter((outcome) => outcome.status !== undefined && outcome.status < 300).length;

export function summary(outcomes: readonly Outcome[]): string {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) {
    const key = outcome.status === undefined ? `error ${outcome.error ?? ''}` : String(outcome.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${key}: ${n}`).join(', ');
}
