/** A minimal Server-Sent Events reader over fetch, for tests that watch the live stream. */

export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

export interface SseStream {
  status: number;
  events: SseEvent[];
  /** Resolves once an event matching `predicate` arrived; rejects after the timeout or when the stream ends first. */
  waitFor(predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the stream is over: `clean` when the server ended it, else the error that cut it. */
  ended: Promise<{ clean: boolean; error: string | undefined }>;
  close(): void;
}

function parseFrame(frame: string): SseEvent | undefined {
  const event: SseEvent = { id: undefined, event: undefined, data: '' };
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  event.data = data.join('\n');
  return event;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let finished = false;
  const ended = (async (): Promise<{ clean: boolean; error: string | undefined }> => {
    if (!response.body) return { clean: true, error: undefined };
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const parsed = parseFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (parsed) events.push(parsed);
          end = buffer.indexOf('\n\n');
        }
        waiters.forEach((wake) => wake());
      }
      return { clean: true, error: undefined };
    } catch (error) {
      // Aborted by close(), or cut by the server without ending the response.
      const cause = (error as { cause?: { code?: string } }).cause;
      return { clean: false, error: cause?.code ?? (error as Error).message };
    } finally {
      finished = true;
      waiters.forEach((wake) => wake());
    }
  })();

  const waitFor = (predicate: (event: SseEvent) => boolean, timeoutMs = 10_000) =>
    new Promise<SseEvent>((resolve, reject) => {
      const check = () => {
        const found = events.find(predicate);
        if (found) {
          cleanup();
          resolve(found);
        } else if (finished) {
          cleanup();
          reject(new Error(`the stream ended before the expected event; got ${events.length} event(s)`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events).slice(0, 1000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return { status: response.status, events, waitFor, ended, close: () => controller.abort() };
}
