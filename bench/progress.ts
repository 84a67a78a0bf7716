/** A one-line progress bar on stderr; without a terminal, a line every tenth. */
export function progressBar(label: string, total: number): { update(done: number): void; finish(): void } {
  const started = performance.now();
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  const line = (done: number) => {
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}% ${done}/${total} ${seconds}s`;
  };
  return {
    update(done) {
      if (tty) {
        process.stderr.write(`\r${line(done)}`);
        return;
      }
      const tenth = Math.floor((done / Math.max(1, total)) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${line(done)}\n`);
      }
    },
    finish() {
      if (tty) process.stderr.write(`\r${line(total)}\n`);
      else if (lastTenth !== 10) process.stderr.write(`${line(total)}\n`);
    },
  };
}
