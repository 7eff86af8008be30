// Writes the README's configuration table from src/config/variables.ts (run: npm run config-table).
// test/docs/readme-config.test.ts fails when the README and the table differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigTable, replaceConfigTable } from '../src/config/config-table';

const readme = join(__dirname, '..', 'README.md');
writeFileSync(readme, replaceConfigTable(readFileSync(readme, 'utf8'), renderConfigTable()));
