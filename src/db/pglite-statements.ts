import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';
import { PgliteSession } from 'drizzle-orm/pglite';
import { NAMED_PER_CONNECTION, nameOfText, PLAN_ONCE } from './statement-names.js';

const { serialize } = protocol;

/** A query's options as `statementRunner` reads them: PLAN_ONCE's flag besides PGlite's own. */
type StatementOptions = QueryOptions & { planOnce?: boolean };

/*
 * drizzle's PGlite session drops a prepared query's name before the client sees the query,
 * so PLAN_ONCE travels as a flag of the options the query is run with. Held by
 * statement-names.test.ts, which fails if a drizzle upgrade stops carrying it.
 */
// eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the session as `this`
const { prepareQuery } = PgliteSession.prototype;
PgliteSession.prototype.prepareQuery = function (this: PgliteSession<Record<string, never>, never>, ...args: Parameters<typeof prepareQuery>) {
  const prepared = prepareQuery.apply(this, args);
  if (args[2] === PLAN_ONCE) {
    const configs = prepared as unknown as { rawQueryConfig: StatementOptions; queryConfig: StatementOptions };
    configs.rawQueryConfig = { ...configs.rawQueryConfig, planOnce: true };
    configs.queryConfig = { ...configs.queryConfig, planOnce: true };
  }
  return prepared;
} as typeof prepareQuery;

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
 * A statement stays unnamed, as in `query`, so it is planned for each run's values (the
 * queue's and search's partial indexes and estimates depend on that), unless it asked for
 * PLAN_ONCE: then it is parsed once under its name and PostgreSQL may keep its plan, as on a
 * server (src/db/statement-names.ts).
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

  /**
   * A query's own parsers over the client's. PGlite's `parseResults` merges them by copying
   * the client's 318 into a new object on every statement (0.12 ms, as much as a small
   * statement's own work, and drizzle gives every query parsers); a prototype does the same
   * lookups for the cost of the query's few.
   */
  const parsersFor = (options: QueryOptions | undefined): PGlite['parsers'] =>
    options?.parsers ? Object.assign(Object.create(client.parsers) as PGlite['parsers'], options.parsers) : client.parsers;

  const prepared = new Map<string, { name: string; types: number[] }>();

  /**
   * The text prepared under its name on its first run here, if this runner named fewer than
   * NAMED_PER_CONNECTION. The backend outlives a runner (a test database is lent again), so
   * the name is closed first: closing one that does not exist is no error.
   */
  const preparedStatement = async (text: string, options: StatementOptions | undefined) => {
    const known = prepared.get(text);
    if (known || prepared.size >= NAMED_PER_CONNECTION) return known;
    const name = nameOfText(text);
    const described = await client.execProtocolStream(
      joined([
        serialize.close({ type: 'S', name }),
        serialize.parse({ name, text, types: options?.paramTypes }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const statement = { name, types: parse.parseDescribeStatementResults(described) };
    prepared.set(text, statement);
    return statement;
  };

  const execute = async <T>(text: string, params: unknown[], options: StatementOptions | undefined, inTransaction: boolean): Promise<Results<T>> => {
    const statement = options?.planOnce ? await preparedStatement(text, options) : undefined;
    const types = statement?.types ?? (await typesOf(text, options));
    const values = params.map((param, index) => serialized(param, types[index] ?? 0, options));
    const messages = await client.execProtocolStream(
      joined([
        ...(statement ? [] : [serialize.parse({ text, types: options?.paramTypes })]),
        serialize.bind({ statement: statement?.name, values }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
      { syncToFs: !inTransaction },
    );
    const [results] = parse.parseResults(messages, parsersFor(options), { rowMode: options?.rowMode });
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
