import { VARIABLES } from './variables';

const START = /<!-- config-table:start[^>]*-->/;
const END = '<!-- config-table:end -->';

/** The configuration reference as a Markdown table, one row per variable. */
export function renderConfigTable(): string {
  const rows = VARIABLES.map(
    (v) =>
      `| \`${v.name}\` | ${v.default === undefined ? '—' : `\`${v.default}\``} | ${v.secret ? 'yes' : ''} | ${v.description.replace(/\|/g, '\\|')} |`,
  );
  return ['| variable | default | secret | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** Replaces whatever stands between the README's config-table markers. */
export function replaceConfigTable(readme: string, table: string): string {
  const start = START.exec(readme);
  const end = readme.indexOf(END);
  if (!start || end < start.index) throw new Error('README.md has no config-table markers');
  const head = readme.slice(0, start.index + start[0].length);
  return `${head}\n${table}\n${readme.slice(end)}`;
}
