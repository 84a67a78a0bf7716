import { customType } from 'drizzle-orm/pg-core';

/** Full-text search document; only ever written by generated columns. */
export const tsvector = customType<{ data: string }>({
  dataType() {
    return 'tsvector';
  },
});
