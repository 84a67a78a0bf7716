import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';

const { serialize } = protocol;

/** Statements kept prepared: the app sends a few hundred texts; the oldest is closed past this. */
const STATEMENTS_KEPT = 500;

/** The SQLSTATE of a prepared statement whose tables changed shape under it. */
const CACHED_PLAN_CHANGED = '0A000';

/** Names unique in the process, so runners over one client never collide. */
let statementsNamed = 0;

interface Prepared {
  name: string;
  parameterTypes: number[];
}

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
 * as a small statement's own work. Here each text is prepared once under a name, with its
 * parameter types (one message on first use), and every run is then one message: bind,
 * describe, execute, sync. A one-row lookup took 0.40 ms through `query`, 0.18 ms this way.
 *
 * The values are serialized, the answer parsed and errors raised by PGlite's own functions,
 * so results are those of its `query`. The session plans every execution for its values
 * (`plan_cache_mode`, set by the caller), as an unnamed statement would be: a generic plan
 * would ignore the partial indexes and estimates the queue and search depend on.
 *
 * `query` takes PGlite's locks as its `query` does; `queryInTransaction` is for a
 * transaction callback, which holds the transaction lock already.
 */
export function statementRunner(client: PGlite) {
  const prepared = new Map<string, Prepared>();
  let closing: string[] = [];

  const prepare = async (text: string, options: QueryOptions | undefined): Promise<Prepared> => {
    const known = prepared.get(text);
    if (known) {
      // Most recently used last, so the oldest in use is closed first.
      prepared.delete(text);
      prepared.set(text, known);
      return known;
    }
    statementsNamed += 1;
    const name = `pglite_${statementsNamed}`;
    const described = await client.execProtocolStream(
      joined([
        ...closing.map((old) => serialize.close({ type: 'S', name: old })),
        serialize.parse({ name, text, types: options?.paramTypes }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    closing = [];
    const statement = { name, parameterTypes: parse.parseDescribeStatementResults(described) };
    prepared.set(text, statement);
    if (prepared.size > STATEMENTS_KEPT) {
      const [oldest] = prepared;
      if (oldest) {
        prepared.delete(oldest[0]);
        closing.push(oldest[1].name);
      }
    }
    return statement;
  };

  const execute = async <T>(text: string, params: unknown[], options: QueryOptions | undefined, inTransaction: boolean): Promise<Results<T>> => {
    const statement = await prepare(text, options);
    const values = params.map((param, index) => {
      if (param === null || param === undefined) return null;
      const oid = statement.parameterTypes[index] ?? 0;
      const serializeValue = options?.serializers?.[oid] ?? client.serializers[oid];
      if (serializeValue) return serializeValue(param);
      // A type PGlite has no serializer for (uuid, an enum…) takes its text form, as in its `query`.
      if (typeof param === 'string') return param;
      return typeof param === 'object' ? JSON.stringify(param) : (param as number | bigint | boolean).toString();
    });
    try {
      const messages = await client.execProtocolStream(
        joined([serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
        { syncToFs: !inTransaction },
      );
      const [results] = parse.parseResults(messages, client.parsers, options);
      if (!results) throw new Error('PGlite answered a statement with no result');
      return results as Results<T>;
    } catch (error) {
      // Prepared again on the next call, for the tables as they are now.
      if ((error as { code?: unknown }).code === CACHED_PLAN_CHANGED && prepared.get(text) === statement) {
        prepared.delete(text);
        closing.push(statement.name);
      }
      throw error;
    }
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
