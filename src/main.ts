import 'dotenv/config';
import { ConfigError, loadConfig, type Config } from './config.js';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
// Loaded only once the configuration is sound: a bad setting is reported at once, not after
// the second the server's modules take to load.
const { serve } = await import('./server.js');
await serve(config);
