import { createServer } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerExecutable } from '../../temporal/local-servers';
import { reasonOf } from '../../log/describe-error';

/** The Temporal CLI's own default UI port; the demo only takes it when nothing else listens there. */
export const DEMO_UI_PORT = 8233;

export interface DevServer {
  env: TestWorkflowEnvironment;
  /** Web UI base URL, when the UI runs. */
  uiUrl: string | undefined;
  /** The `temporal` executable to suggest for inspecting workflows. */
  cliPath: string;
}

export class DevServerError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      `cannot start the Temporal dev server: ${reason} (build it with 'bash scripts/provision-dev-server.sh' and export TEMPORAL_CLI_PATH=<the path it prints>)`,
      options,
    );
    this.name = 'DevServerError';
  }
}

/** A throw-away in-memory dev server on a free port (the SDK picks it), with the UI if its port is free. */
export async function startDevServer(wantUi: boolean): Promise<DevServer> {
  const executable = devServerExecutable();
  const ui = wantUi && (await portIsFree(DEMO_UI_PORT));
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        ...(ui ? { ui: true, uiPort: DEMO_UI_PORT } : { ui: false }),
        log: { format: 'pretty', level: 'error' },
        // JSON output mode drops the CLI's start-up banner, which would otherwise interleave with the demo's story.
        extraArgs: ['--output', 'json'],
      },
    });
    return {
      env,
      uiUrl: ui ? `http://127.0.0.1:${DEMO_UI_PORT}` : undefined,
      cliPath: executable.type === 'existing-path' ? executable.path : 'temporal',
    };
  } catch (err) {
    throw new DevServerError(reasonOf(err), { cause: err });
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
