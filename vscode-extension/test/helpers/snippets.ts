/** Turns a `configurationSnippets` body into the launch configuration VS Code would run. */

/**
 * A snippet body string `^"..."` is inserted raw into launch.json, where `\$` is the snippet escape
 * for `$`; VS Code then substitutes `${file}` and friends. `variables` supplies those values.
 */
export function resolveSnippetBody(body: Record<string, unknown>, variables: Record<string, string>): Record<string, unknown> {
  const substitute = (text: string): string =>
    text.replace(/\$\{(\w+)\}/g, (_whole, name: string) => {
      if (!(name in variables)) {
        throw new Error(`snippet uses \${${name}}, which the test does not define`);
      }
      return variables[name];
    });
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      // Snippet unescaping (`\$` -> `$`) happens before the inserted text is read as JSON.
      const unescaped = value.replace(/\\\$/g, '$');
      return substitute(unescaped.startsWith('^') ? (JSON.parse(unescaped.slice(1)) as string) : unescaped);
    }
    if (Array.isArray(value)) {
      return value.map(resolve);
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  return resolve(body) as Record<string, unknown>;
}
