import { describe, expect, it } from 'vitest';
import {
  type Setting,
  type SettingName,
  settings,
} from '../../../../lambdas/core/settings/table.js';
import { readSettingValue } from '../../../../lambdas/core/settings/values.js';

const table = Object.entries(settings) as [SettingName, Setting][];

describe('the settings table', () => {
  it.each(table.filter(([, setting]) => 'default' in setting && setting.default !== undefined))(
    'holds a default for %s that its own bounds accept, everywhere it is read',
    (name, setting) => {
      const value = 'default' in setting ? setting.default : undefined;

      expect(readSettingValue(name, value)).toMatchObject({ ok: true });
      if (setting.stricter) {
        expect(readSettingValue(name, value, { where: setting.stricter.where })).toMatchObject({
          ok: true,
        });
      }
    },
  );

  it('names each environment variable, context key and override field once', () => {
    for (const field of ['env', 'context', 'override'] as const) {
      const names = table.flatMap(([, setting]) => (setting[field] ? [setting[field]] : []));
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('gives every setting a place it is read and one line of documentation', () => {
    for (const [name, setting] of table) {
      expect({ name, read: Boolean(setting.env || setting.context) }).toEqual({ name, read: true });
      expect(setting.doc).not.toContain('\n');
    }
  });
});
