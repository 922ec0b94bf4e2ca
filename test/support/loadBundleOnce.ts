/**
 * One load of a bundle through the CLI's code cache, in a process of its own (V8 keeps what it
 * compiled in its isolate: a second load in the same process would never consult the cache file).
 * Prints `{"cache":…,"answer":…}` and saves the cache. Args: BUNDLE [FOLDER] ('' = caching off).
 */
import { loadBundle } from '../../src/cli/codeCache.js';

const [bundle, folder] = process.argv.slice(2);
const loaded = loadBundle<{ answer(): number; where(): string }>(bundle!, folder ? folder : undefined);
process.stdout.write(JSON.stringify({ cache: loaded.cache, answer: loaded.exports.answer(), where: loaded.exports.where() }));
loaded.saveCache();
