type Segment = { literal: string } | { label: string };

interface Route<T> {
  method: string;
  template: string;
  segments: Segment[];
  literalCount: number;
  value: T;
}

export interface RouteMatch<T> {
  value: T;
  template: string;
  /** Path labels, URL-decoded (an ARN arrives with its `:` and `/` escaped). */
  params: Record<string, string>;
}

/**
 * Method and path templates (`/users/{InstanceId}/{UserId}`) to values. The route with the most
 * literal segments wins, so `/contacts/{InstanceId}/{ContactId}/associate-user` beats labels.
 */
export class Router<T> {
  readonly #routes: Route<T>[] = [];

  add(method: string, template: string, value: T): this {
    const segments: Segment[] = template
      .split('/')
      .slice(1)
      .map((part) => {
        const label = /^\{([^}+]+)\+?\}$/.exec(part)?.[1];
        return label === undefined ? { literal: part } : { label };
      });
    const literalCount = segments.filter((s) => 'literal' in s).length;
    const at = this.#routes.findIndex((route) => route.literalCount < literalCount);
    const route = { method, template, segments, literalCount, value };
    this.#routes.splice(at === -1 ? this.#routes.length : at, 0, route);
    return this;
  }

  match(method: string, pathname: string): RouteMatch<T> | undefined {
    const parts = splitPath(pathname);
    if (!parts) return undefined;
    for (const route of this.#routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params = matchSegments(route.segments, parts);
      if (params) return { value: route.value, template: route.template, params };
    }
    return undefined;
  }

  /** `METHOD /template` of every route, most literal segments first. */
  list(): string[] {
    return this.#routes.map((route) => `${route.method} ${route.template}`);
  }
}

/** The path and query of a request's raw URL, the path as sent (not normalised). */
export function splitUrl(rawUrl: string | undefined): { pathname: string; query: URLSearchParams } {
  const url = rawUrl ?? '/';
  const queryAt = url.indexOf('?');
  return {
    pathname: queryAt === -1 ? url : url.slice(0, queryAt),
    query: new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1)),
  };
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    const part = parts[i] as string;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.label] = part;
    }
  }
  return params;
}

function splitPath(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}
