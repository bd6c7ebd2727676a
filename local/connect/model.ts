/**
 * Connect's service model as the installed @aws-sdk/client-connect carries it: every operation's name
 * and HTTP binding, read from the SDK's schema exports once per process, on first use.
 */

/** One operation of the model and its HTTP binding. */
export interface ModelOperation {
  name: string;
  method: string;
  /** The path template, labels in braces: `/contacts/{InstanceId}/{ContactId}`. */
  path: string;
}

let operations: Promise<readonly ModelOperation[]> | undefined;

/** Every operation of the model with an HTTP binding, sorted by name. */
export function modelOperations(): Promise<readonly ModelOperation[]> {
  // The SDK is loaded on first use: `npm run connect-local` starts without paying for it.
  operations ??= import('@aws-sdk/client-connect').then((sdk) =>
    readOperations(sdk as Record<string, unknown>),
  );
  return operations;
}

/** An operation schema is exported as `<Name>$ = [9, namespace, name, traits, input, output]`. */
function readOperations(sdk: Record<string, unknown>): ModelOperation[] {
  const found: ModelOperation[] = [];
  for (const [key, value] of Object.entries(sdk)) {
    if (!key.endsWith('$') || !Array.isArray(value) || value[0] !== 9) continue;
    const [, , name, traits] = value as [
      number,
      string,
      string,
      { http?: [string, string, number] },
    ];
    if (!traits?.http) continue;
    found.push({ name, method: traits.http[0], path: traits.http[1] });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
