import { PassThrough, Readable } from 'node:stream';
import type { S3Config } from '../config.js';
import type { BlobStore } from './blob-store.js';

/** S3's smallest multipart part; one part in flight keeps an upload's memory at about this. */
const PART_BYTES = 5 * 1024 * 1024;

/**
 * The SDK and a client, loaded when a desk keeps its files in S3: its modules were a fifth of
 * every start's imports, on desks that keep their files in the database too.
 */
async function connect(config: S3Config) {
  const [{ DeleteObjectCommand, GetObjectCommand, S3Client }, { Upload }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/lib-storage'),
  ]);
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.accessKeyId && config.secretAccessKey
      ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
      : {}),
  });
  return { client, DeleteObjectCommand, GetObjectCommand, Upload };
}

/** Any S3-compatible object store (`ATTACHMENTS_S3_*`). Objects are named `attachments/<key>`. */
export function s3BlobStore(config: S3Config): BlobStore {
  let connected: ReturnType<typeof connect> | undefined;
  const sdk = () => (connected ??= connect(config));
  const objectKey = (key: string) => `attachments/${key}`;

  return {
    kind: 's3',
    put: async (key, source) => {
      const { client, Upload } = await sdk();
      const body = Readable.from(source, { objectMode: false });
      const upload = new Upload({
        client,
        params: { Bucket: config.bucket, Key: objectKey(key), Body: body, ContentType: 'application/octet-stream' },
        queueSize: 1,
        partSize: PART_BYTES,
        // A failed upload aborts its multipart upload, so no parts are left behind in the bucket.
        leavePartsOnError: false,
      });
      // A source that fails (client gone, file too large) must fail the upload, not hang it.
      const failed = new Promise<never>((_resolve, reject) => body.once('error', reject));
      failed.catch(() => undefined);
      try {
        await Promise.race([upload.done(), failed]);
      } catch (error) {
        await upload.abort().catch(() => undefined);
        throw error;
      }
    },
    read: (key, range) => {
      const out = new PassThrough();
      sdk()
        .then(({ client, GetObjectCommand }) =>
          client.send(new GetObjectCommand({ Bucket: config.bucket, Key: objectKey(key), Range: `bytes=${range.start}-${range.end}` })),
        )
        .then((answer) => {
          const body = answer.Body;
          if (!(body instanceof Readable)) throw new Error('the object store answered without a body');
          body.on('error', (error) => out.destroy(error));
          body.pipe(out);
        })
        .catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
      return out;
    },
    delete: async (key) => {
      const { client, DeleteObjectCommand } = await sdk();
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }));
    },
    close: async () => {
      // Never used: nothing was loaded, nothing to close.
      if (connected) (await connected).client.destroy();
    },
  };
}
