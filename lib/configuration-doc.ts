/**
 * Renders docs/configuration.md from the settings table (lambdas/core/settings/table.ts), so the page
 * cannot drift from the code: `npm run docs:config` writes it, test/scripts checks it is current.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Setting, settings } from '../lambdas/core/settings/table.js';
import { expectedOf } from '../lambdas/core/settings/values.js';
import { renderDocExamples } from './doc-examples.js';

export const configurationDocPath = fileURLToPath(
  new URL('../docs/configuration.md', import.meta.url),
);

const isSweeperProp = (s: Setting) =>
  !!s.prop?.startsWith('CallbackSweeper.') || s.context === 'sweepPoliciesFile';

/** The page's sections; every setting falls in exactly one. */
export const sections = [
  {
    title: 'Deployment',
    intro: 'What the stack creates and where; CDK context only.',
    has: (s: Setting) => !s.env && !isSweeperProp(s),
  },
  {
    title: 'End a Contact',
    intro: 'The flow Lambda (`end-contact`) and the HTTP API (`stop-contact-api`).',
    has: (s: Setting) => !!s.env && !s.functions?.includes('callback-sweeper'),
  },
  {
    title: 'Connect client',
    intro: 'Every function that calls Amazon Connect reads these the same way.',
    has: (s: Setting) =>
      !!s.env &&
      !!s.functions?.includes('end-contact') &&
      !!s.functions.includes('callback-sweeper'),
  },
  {
    title: 'Callback tracker and sweeper',
    intro: 'The registry, and what the scheduled sweeper ends and how fast.',
    has: (s: Setting) =>
      isSweeperProp(s) ||
      (!!s.functions?.includes('callback-sweeper') && !s.functions.includes('end-contact')),
  },
];

/** Markdown-safe table cell. */
const cell = (text: string) => text.replaceAll('|', '\\|');
const code = (text: string | undefined) => (text ? `\`${text}\`` : '—');

function defaultOf(setting: Setting): string {
  if (setting.defaultDoc) return setting.defaultDoc;
  if ('default' in setting && setting.default !== undefined) {
    return `\`${String(setting.default)}\``;
  }
  return '—';
}

function row(setting: Setting): string {
  const unit = setting.unit ? ` (${setting.unit})` : '';
  return `| ${[
    code(setting.context),
    code(setting.env),
    code(setting.prop),
    defaultOf(setting),
    cell(`${expectedOf(setting)}${unit}`),
    cell(setting.replaces ? `${setting.doc} Replaces \`${setting.replaces}\`.` : setting.doc),
  ].join(' | ')} |`;
}

export function renderConfigurationDoc(): string {
  const all = Object.values(settings as Record<string, Setting>);
  const lines = [
    '<!-- Generated from lambdas/core/settings/table.ts by `npm run docs:config`: edit the table, not this page. -->',
    '',
    '# Configuration',
    '',
    'Every setting, where it is read, its default and what it accepts. Set a **context key** with',
    '`npx cdk deploy -c key=value` or in `cdk.json` "context"; the stack passes it to the functions',
    'as the **environment variable** beside it. Using the constructs in your own app, give the',
    '**construct prop** instead. A variable without a context key keeps its default unless you add it',
    "through the construct's `environment` prop. A bad value fails synth, or the function's cold",
    'start, with one line naming the key or variable and what it must be.',
    '',
  ];
  for (const section of sections) {
    lines.push(`## ${section.title}`, '', section.intro, '');
    lines.push(
      '| Context key | Environment variable | Construct prop | Default | Accepts | What it does |',
      '|---|---|---|---|---|---|',
    );
    lines.push(...all.filter(section.has).map(row), '');
  }
  const stricter = all.filter((s) => s.stricter);
  const overridable = all.filter((s) => s.override);
  lines.push(
    '## Where one place accepts less',
    '',
    ...stricter.map(
      (s) =>
        `- \`${s.env ?? s.context}\` in \`${s.stricter?.where}\`: ${expectedOf(s, s.stricter?.where)}, because ${s.stricter?.why}.`,
    ),
    '',
    '## A manual sweeper run',
    '',
    'Invoking the sweeper with a JSON object overrides these for that run, with the same bounds:',
    `${overridable.map((s) => `\`${s.override}\``).join(', ')}. Any other field is refused by name.`,
    'With sweep policies, `rule` runs one rule and `schedule` one scheduled clear, among all the rules',
    '(the first match still wins), and `mode` may lower rules to `report`, never raise one to `end`',
    '([sweep-policies.md](sweep-policies.md#running-a-rule-or-a-clear-by-hand)).',
    '',
    '## Worked examples',
    '',
    'Each is a context file in `docs/examples/`, which `.ci/run` synthesizes offline with cdk-nag and',
    'checks with `cfn-lint`. The ARNs are placeholders: use your own. `sweepPolicies` (or the file',
    '`sweepPoliciesFile` names) replaces the one global rule with rules per instance and queue, each',
    'with its own age, mode and duplicates policy, and scheduled clears; [sweep-policies.md](sweep-policies.md)',
    'is the reference: every field, first match, what a clear does, and the errors synth gives.',
    '',
    ...renderDocExamples(),
  );
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(configurationDocPath, renderConfigurationDoc());
  console.log(`wrote ${configurationDocPath}`);
}
