import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The folders match the products (docs/layout.md): the Lambdas' code, the CDK app, the local
 * system, the operator's tools and the neutral helpers they share. These tests read the import
 * graph from the sources (type-only imports count: they tie a reader to two files as much as any).
 */

const root = resolve(import.meta.dirname, '..');
const products = ['lambdas', 'lib', 'local', 'operator', 'common'] as const;
type Product = (typeof products)[number];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative module a file names: static imports and re-exports, `import type`, `import()`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g),
    ...text.matchAll(/\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g),
    ...text.matchAll(/^import\s+['"](\.{1,2}\/[^'"]+)['"]/gm),
  ].map((match) => match[1] as string);
  return specifiers.flatMap((specifier) => {
    const target = resolve(dirname(file), specifier);
    const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`];
    const found = candidates.find((path) => existsSync(path) && statSync(path).isFile());
    return found ? [found] : [];
  });
}

const files = products.flatMap((product) => sourceFiles(join(root, product)));
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const name = (file: string) => relative(root, file);
const productOf = (file: string) => name(file).split('/')[0] as Product;

/** Strongly connected components of two or more files, or one that imports itself (Tarjan). */
function circles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) as number, index.get(target) as number));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(name(member));
      } while (member !== file);
      if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

/** The imports that cross from one product into another, as `from -> to` lines. */
function crossings(from: Product, to: Product): string[] {
  return [...graph].flatMap(([file, targets]) =>
    productOf(file) === from
      ? targets
          .filter((target) => productOf(target) === to)
          .map((t) => `${name(file)} -> ${name(t)}`)
      : [],
  );
}

describe('the import graph', () => {
  it('reads the imports of every source file', () => {
    // A reader that found nothing would pass every test below.
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get(join(root, 'lambdas/end-contact/handler.ts'))).toContain(
      join(root, 'lambdas/end-contact/end-contact.ts'),
    );
  });

  it('has no import circle anywhere in lambdas, lib, local, operator or common', () => {
    expect(circles()).toEqual([]);
  });

  it('keeps the Lambdas free of the CDK app, the local system and the operator', () => {
    for (const other of ['lib', 'local', 'operator'] as const) {
      expect(crossings('lambdas', other)).toEqual([]);
    }
  });

  it('keeps the CDK app free of the operator and the local system', () => {
    expect(crossings('lib', 'operator')).toEqual([]);
    expect(crossings('lib', 'local')).toEqual([]);
  });

  it('keeps the shipped operator tools free of the local runner', () => {
    expect(crossings('operator', 'local')).toEqual([]);
  });

  it('keeps the shared helpers neutral: common imports no product', () => {
    for (const other of ['lambdas', 'lib', 'local', 'operator'] as const) {
      expect(crossings('common', other)).toEqual([]);
    }
  });

  it('keeps the operator core out of the Lambdas folder, since it runs in no Lambda', () => {
    expect(existsSync(join(root, 'lambdas/core/operator'))).toBe(false);
  });
});
