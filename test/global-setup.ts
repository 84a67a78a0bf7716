import type { TestProject } from 'vitest/node';
import prepareDatabasesAndServer from '../src/test/global-setup.js';
import prepareWebApp from '../web/e2e/global-setup.js';

/**
 * The run's one global setup. Vitest runs several setup files one after the other; these two
 * (migrating templates, building the web app) share nothing, so they run at once.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [teardown] = await Promise.all([prepareDatabasesAndServer(project), prepareWebApp(project)]);
  return teardown;
}
