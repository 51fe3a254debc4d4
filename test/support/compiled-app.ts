import { join } from 'node:path';
import { compileWorkspace } from './workspace-build';

export interface CompiledApp {
  /** The compiled demo app (main.js at its root), as `npm start` runs it from apps/demo/dist. */
  dir: string;
  /** What a child running it needs to find third-party packages from a scratch directory. */
  env: { NODE_PATH: string };
  dispose(): void;
}

/**
 * The demo app and the packages it uses compiled once with tsc into a scratch
 * directory (never a dist/, which a build in the work tree may be rewriting),
 * for suites that start the app as a process. Each child then runs plain
 * JavaScript: no per-process transpile racing the others for the CPU. Call in
 * a beforeAll with a roomy timeout.
 */
export function compileApp(): CompiledApp {
  const build = compileWorkspace();
  return { dir: join(build.dir, 'apps/demo/src'), env: build.env, dispose: build.dispose };
}
