import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * How many replay pages are read at once, first come first served. With the embedded
 * database every query runs inside this process's event loop, and queued queries run back
 * to back without letting a request in between; so replays take turns, and each turn
 * starts on a fresh pass of the event loop, after whatever I/O is waiting.
 */
export class ReplayGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await read();
    } finally {
      this.leave();
    }
  }

  /** Pages being read and waiting: for tests and logs. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  private async enter(): Promise<void> {
    if (this.active < this.size && this.waiting.length === 0) {
      this.active += 1;
      // Even an uncontended page waits a turn: a replay's pages never run back to back.
      await nextTurn();
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private leave(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next reader (active stays the same), a turn later.
    if (next) setImmediate(next);
    else this.active -= 1;
  }
}
