import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deployDocPath,
  grantReasons,
  type RoleGrant,
  renderRoleTable,
  templateGrants,
  withRoleTable,
} from '../../lib/role-doc.js';

describe("docs/deploy.md's roles section", () => {
  let grants: RoleGrant[];

  beforeAll(async () => {
    grants = await templateGrants();
  });

  it('is what `npm run docs:roles` renders from the full deploy’s template', () => {
    const page = readFileSync(deployDocPath, 'utf8');

    // On a difference: run `npm run docs:roles` and commit the page.
    expect(page).toBe(withRoleTable(page, renderRoleTable(grants)));
  });

  it('refuses to render a grant it has no reason for, naming the role and the action', () => {
    const unexplained = [{ role: 'callback-tracker', action: 'dynamodb:Scan', resources: ['*'] }];

    expect(() => renderRoleTable(unexplained)).toThrow(/callback-tracker is granted dynamodb:Scan/);
  });

  it('gives no reason for a grant the template does not make', () => {
    const granted = new Set(grants.map((grant) => `${grant.role} ${grant.action}`));
    const explained = Object.entries(grantReasons).flatMap(([role, actions]) =>
      Object.keys(actions).map((action) => `${role} ${action}`),
    );

    expect(explained.filter((entry) => !granted.has(entry))).toEqual([]);
  });
});
