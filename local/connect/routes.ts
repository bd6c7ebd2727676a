import { Router } from '../../common/http/router.js';
import { type ModelOperation, modelOperations } from './model.js';
import { OPERATION_NAMES, type OperationName } from './types.js';

export interface RouteMatch<Name extends string = OperationName> {
  name: Name;
  template: string;
  /** Path labels, URL-decoded (an ARN arrives with its `:` and `/` escaped). */
  params: Record<string, string>;
}

/** The requests the API answers: the implemented operations at their modelled bindings, and every other. */
export interface ConnectRoutes {
  /** The implemented operation a request addresses, if any. */
  matchImplemented(method: string, pathname: string): RouteMatch | undefined;
  /** Any Connect operation (implemented or not) a request addresses, to name it in an error. */
  recognise(method: string, pathname: string): RouteMatch<string> | undefined;
}

let routes: Promise<ConnectRoutes> | undefined;

/** The routes, built from the SDK's service model once per process, on first use. */
export function connectRoutes(): Promise<ConnectRoutes> {
  routes ??= modelOperations().then(buildRoutes);
  return routes;
}

function buildRoutes(model: readonly ModelOperation[]): ConnectRoutes {
  const byName = new Map(model.map((operation) => [operation.name, operation]));
  const implemented = new Router<OperationName>();
  for (const name of OPERATION_NAMES) {
    const operation = byName.get(name);
    if (!operation) {
      throw new Error(
        `the installed @aws-sdk/client-connect has no operation ${name} in its model`,
      );
    }
    implemented.add(operation.method, operation.path, name);
  }
  const known = new Router<string>();
  for (const { name, method, path } of model) known.add(method, path, name);
  return {
    matchImplemented: (method, pathname) => named(implemented.match(method, pathname)),
    recognise: (method, pathname) => named(known.match(method, pathname)),
  };
}

function named<Name extends string>(
  match: { value: Name; template: string; params: Record<string, string> } | undefined,
): RouteMatch<Name> | undefined {
  return match && { name: match.value, template: match.template, params: match.params };
}
