// The README's configuration reference is generated from the variable table, so the two cannot drift.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigTable, replaceConfigTable } from '../../src/config/config-table';
import { VARIABLES } from '../../src/config/variables';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

t.test('the README holds the current configuration table (npm run config-table)', async (t) => {
  t.equal(replaceConfigTable(readme, renderConfigTable()), readme);
  for (const v of VARIABLES) t.match(readme, `| \`${v.name}\` |`, `${v.name} is documented`);
});

t.test('replaceConfigTable refuses a README without markers', async (t) => {
  t.throws(() => replaceConfigTable('# nothing here', 'x'), /no config-table markers/);
});
