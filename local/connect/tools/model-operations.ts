/** Reads operation names and HTTP bindings from the installed SDK's service model (dev tooling and tests only). */
export interface ModelOperation {
  name: string;
  method: string;
  path: string;
}

export async function listModelOperations(): Promise<ModelOperation[]> {
  const sdk = (await import('@aws-sdk/client-connect')) as Record<string, unknown>;
  const operations: ModelOperation[] = [];
  for (const [key, value] of Object.entries(sdk)) {
    if (!key.endsWith('$') || !Array.isArray(value) || value[0] !== 9) continue;
    const [, , name, traits] = value as [
      number,
      string,
      string,
      { http?: [string, string, number] },
    ];
    if (!traits?.http) continue;
    operations.push({ name, method: traits.http[0], path: traits.http[1] });
  }
  return operations.sort((a, b) => a.name.localeCompare(b.name));
}
