/**
 * The build's last step (scripts/build.mjs runs it as `dist/prebuild.js`): what a node would
 * otherwise make at every start, made once into the package. The prelude goes to
 * `dist/prelude.js` (workers read it instead of running esbuild), and the bundled plugins'
 * bundles and metadata to `dist/bundles` (the catalog's read-only layer: no esbuild and no
 * metadata reader at start while the plugin files are unchanged).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { PREBUILT_BUNDLES } from '../../runtime/bundle/index.ts'
import { packageFile } from '../../runtime/package-files.ts'
import { buildPrelude, PREBUILT_PRELUDE } from '../../runtime/prelude/index.ts'
import { loadPluginCatalog } from '../plugins/index.ts'

const started = performance.now()
const prelude = packageFile(PREBUILT_PRELUDE)
const text = buildPrelude()
if (!existsSync(prelude) || readFileSync(prelude, 'utf8') !== text) {
  // Renamed into place: a worker starting meanwhile reads the old file or the new one.
  const temporary = `${prelude}.${process.pid}.tmp`
  writeFileSync(temporary, text)
  renameSync(temporary, prelude)
}
const catalog = await loadPluginCatalog(
  { plugins: ['bundled'], plugin_paths: [] },
  // No prebuilt layer under it: this is the layer.
  { cacheDir: packageFile(PREBUILT_BUNDLES), prebuiltDir: null },
)
const ms = Math.round(performance.now() - started)
console.log(`isogate: prebuilt the prelude and ${catalog.plugins.length} bundled plugins in ${ms} ms`)
