/** Pino-compatible (Fastify's `app.log`), so background work logs where the server logs. */
export interface BackgroundLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const silentLogger: BackgroundLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
