import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';

const { serialize } = protocol;

/** Statement texts whose parameter types are kept: the app sends a few hundred. */
const TEXTS_KEPT = 2_000;

function joined(parts: Uint8Array[]): Uint8Array {
  const message = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    message.set(part, offset);
    offset += part.length;
  }
  return message;
}

/**
 * PGlite's `query` crosses into WebAssembly six times per statement (parse, describe the
 * parameters, bind, describe the row, execute, sync), and each crossing costs about as much
 * as a small statement's own work. Here a statement is one message: parse, bind, describe,
 * execute, sync. The parameter types, which serializing the values needs, are asked for on
 * the first use of each text (one more message then) and kept. A one-row lookup took
 * 0.40 ms through `query`, 0.25–0.33 ms this way.
 *
 * The statement stays unnamed, as in `query`, so it is planned for each run's values (the
 * queue's and search's partial indexes and estimates depend on that). Named statements
 * would save the parse too, but planning each run of those needs the session's
 * `plan_cache_mode = force_custom_plan`, which also re-plans every statement of every
 * trigger function on every run, where they now keep a generic plan.
 *
 * The values are serialized, the answer parsed and errors raised by PGlite's own functions,
 * so results are those of its `query`. `query` takes PGlite's locks as its `query` does;
 * `queryInTransaction` is for a transaction callback, which holds the transaction lock.
 */
export function statementRunner(client: PGlite) {
  const parameterTypes = new Map<string, number[]>();

  const typesOf = async (text: string, options: QueryOptions | undefined): Promise<number[]> => {
    const known = parameterTypes.get(text);
    if (known) return known;
    const described = await client.execProtocolStream(
      joined([serialize.parse({ text, types: options?.paramTypes }), serialize.describe({ type: 'S' }), serialize.sync()]),
      { syncToFs: false },
    );
    const types = parse.parseDescribeStatementResults(described);
    if (parameterTypes.size >= TEXTS_KEPT) parameterTypes.delete(parameterTypes.keys().next().value as string);
    parameterTypes.set(text, types);
    return types;
  };

  const serialized = (param: unknown, oid: number, options: QueryOptions | undefined): string | null => {
    if (param === null || param === undefined) return null;
    const serializeValue = options?.serializers?.[oid] ?? client.serializers[oid];
    if (serializeValue) return serializeValue(param);
    // A type PGlite has no serializer for (uuid, an enum…) takes the value's text, as in its `query`.
    if (typeof param === 'string') return param;
    return typeof param === 'object' ? JSON.stringify(param) : (param as number | bigint | boolean).toString();
  };

  const execute = async <T>(text: string, params: unknown[], options: QueryOptions | undefined, inTransaction: boolean): Promise<Results<T>> => {
    const types = await typesOf(text, options);
    const values = params.map((param, index) => serialized(param, types[index] ?? 0, options));
    const messages = await client.execProtocolStream(
      joined([
        serialize.parse({ text, types: options?.paramTypes }),
        serialize.bind({ values }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
      { syncToFs: !inTransaction },
    );
    const [results] = parse.parseResults(messages, client.parsers, options);
    if (!results) throw new Error('PGlite answered a statement with no result');
    return results as Results<T>;
  };

  return {
    /** A statement on its own, as `client.query` runs it. */
    query: async <T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> => {
      await client._checkReady();
      return client._runExclusiveTransaction(() => client._runExclusiveQuery(() => execute<T>(text, params, options, false)));
    },
    /** A statement inside a transaction callback, which holds the transaction lock. */
    queryInTransaction: <T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> =>
      client._runExclusiveQuery(() => execute<T>(text, params, options, true)),
  };
}
