export type CompiledSchemas<T> = (schema: object, variant: string, compile: () => T) => T;

/**
 * What was compiled from each schema, kept for the whole process. Building the app compiles
 * every route's schemas, most of what the build costs, and the test suites build hundreds of
 * apps. Routes declare some schemas inline (a new object each build), so a schema is looked
 * up by identity first, then by content.
 */
export function compiledSchemas<T>(): CompiledSchemas<T> {
  const byIdentity = new WeakMap<object, Map<string, T>>();
  const byContent = new Map<string, T>();
  return (schema, variant, compile) => {
    let variants = byIdentity.get(schema);
    if (!variants) byIdentity.set(schema, (variants = new Map<string, T>()));
    let compiled = variants.get(variant);
    if (compiled) return compiled;
    const content = `${variant}\n${JSON.stringify(schema)}`;
    compiled = byContent.get(content);
    if (!compiled) byContent.set(content, (compiled = compile()));
    variants.set(variant, compiled);
    return compiled;
  };
}
