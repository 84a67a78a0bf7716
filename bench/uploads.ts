import { readFileSync } from 'node:fs';

/**
 * Attachments under load: throughput of 1 MiB uploads through the real route (streamed,
 * hashed, stored) beside a bare node:http route that only hashes the same bytes, and the
 * server's memory while many large uploads arrive at once, which shows whether a file is
 * streamed or held whole.
 */
export interface UploadResult {
  /** MiB/s of 1 MiB files through POST /api/attachments. */
  mibPerSecond: number;
  /** MiB/s of the same files through the bare route. */
  baselineMibPerSecond: number;
  smallUploads: number;
  concurrentClients: number;
  concurrentFileMib: number;
  concurrentSeconds: number;
  /** Highest server RSS during the concurrent uploads minus the RSS just before, per upload in flight. */
  rssGrowthPerUploadBytes: number;
  errors: number;
}

const MIB = 1024 * 1024;

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function upload(url: string, token: string | undefined, bytes: Uint8Array, name: string): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), name);
  return fetch(url, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} }).then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });
}

/** Distinct bytes per file, so the store's deduplication by SHA-256 never skips the work. */
function fileOf(sizeMib: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(sizeMib * MIB);
  const view = new DataView(bytes.buffer);
  for (let offset = 0; offset + 4 <= bytes.length; offset += 4096) view.setUint32(offset, seed * 2_654_435_761 + offset);
  return bytes;
}

async function throughput(url: string, token: string | undefined, count: number, connections: number, seedBase: number): Promise<{ mibPerSecond: number; errors: number }> {
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < count) {
        const index = next++;
        const status = await upload(url, token, fileOf(1, seedBase + index), `file-${index}.bin`);
        if (status !== 201) errors += 1;
      }
    }),
  );
  return { mibPerSecond: count / ((performance.now() - started) / 1000), errors };
}

export async function measureUploads(options: {
  serverUrl: string;
  baselineUrl: string;
  serverPid: number;
  tokens: string[];
  smallUploads: number;
  concurrentClients: number;
  concurrentFileMib: number;
}): Promise<UploadResult> {
  const { serverUrl, baselineUrl, serverPid, tokens } = options;
  const tokenAt = (index: number) => tokens[index % tokens.length];
  const connections = 4;
  const baseline = await throughput(`${baselineUrl}/upload`, undefined, options.smallUploads, connections, 1);
  const server = await throughput(`${serverUrl}/api/attachments`, tokenAt(0), options.smallUploads, connections, 1_000_000);

  const files = Array.from({ length: options.concurrentClients }, (_, i) => fileOf(options.concurrentFileMib, 2_000_000 + i));
  const before = rssOf(serverPid);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(serverPid));
  }, 20);
  const started = performance.now();
  const statuses = await Promise.all(files.map((file, i) => upload(`${serverUrl}/api/attachments`, tokenAt(i), file, `large-${i}.bin`)));
  clearInterval(sampler);
  peak = Math.max(peak, rssOf(serverPid));

  return {
    mibPerSecond: server.mibPerSecond,
    baselineMibPerSecond: baseline.mibPerSecond,
    smallUploads: options.smallUploads,
    concurrentClients: options.concurrentClients,
    concurrentFileMib: options.concurrentFileMib,
    concurrentSeconds: (performance.now() - started) / 1000,
    rssGrowthPerUploadBytes: (peak - before) / options.concurrentClients,
    errors: baseline.errors + server.errors + statuses.filter((status) => status !== 201).length,
  };
}
