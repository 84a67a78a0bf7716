/** The only thing tests fake: time. */
export class TestClock {
  private current: Date;

  constructor(start = new Date()) {
    this.current = new Date(start);
  }

  readonly now = (): Date => new Date(this.current);

  set(date: Date): void {
    this.current = new Date(date);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
