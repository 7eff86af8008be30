#!/usr/bin/env node
/** The executable's entry: no exports, so bundlers and the single binary always run it. */
import { EXIT } from './exit-codes';
import { main } from './run-main';
import { PROGRAM_NAME } from './version';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${PROGRAM_NAME}: unexpected failure: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(EXIT.failure);
  },
);
