import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Setting, settings } from '../../lambdas/core/settings/table.js';
import {
  configurationDocPath,
  renderConfigurationDoc,
  sections,
} from '../../lib/configuration-doc.js';

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` renders from the settings table', () => {
    const page = readFileSync(configurationDocPath, 'utf8');

    // On a difference: run `npm run docs:config` and commit the page.
    expect(page).toBe(renderConfigurationDoc());
  });

  it('lists every setting in exactly one section', () => {
    for (const [name, setting] of Object.entries(settings as Record<string, Setting>)) {
      const holding = sections.filter((section) => section.has(setting)).map((s) => s.title);
      expect({ name, holding }).toEqual({ name, holding: [expect.any(String)] });
    }
  });
});
