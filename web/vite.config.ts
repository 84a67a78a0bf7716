import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Writes a compressed twin beside each text file of the build (`app-1a2b.js.br`, `.gz`), at the
 * strongest levels, so the server sends compressed files without compressing per request.
 * A twin that would not be smaller is left out.
 */
function precompress(): Plugin {
  return {
    name: 'helpline-precompress',
    apply: 'build',
    async writeBundle({ dir }, bundle) {
      if (!dir) return;
      const files = Object.keys(bundle).filter((name) => COMPRESSIBLE.test(name));
      await Promise.all(files.map(async (name) => {
        const file = path.join(dir, name);
        const content = await readFile(file);
        const twins = {
          br: await brotli(content, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } }),
          gz: await gzipped(content, { level: constants.Z_BEST_COMPRESSION }),
        };
        for (const [extension, compressed] of Object.entries(twins)) {
          if (compressed.length < content.length) await writeFile(`${file}.${extension}`, compressed);
        }
      }));
    },
  };
}

export default defineConfig({
  root,
  plugins: [react(), precompress()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // The server's CSP allows scripts from 'self' only: keep every script in a file.
    modulePreload: { polyfill: false },
    // Served to anyone, maps would hand out the app's source as written; none are made.
    sourcemap: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
