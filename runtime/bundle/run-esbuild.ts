import { join } from 'node:path'
import { build, type OutputFile, stop } from 'esbuild'
import { bundleFailure, warningLine } from './build-messages.ts'
import { BUILD_OPTIONS, bundleHash, type InputDigest } from './build-options.ts'
import { importGuard } from './import-guard.ts'
import { type BundleRoots, ENTRY_LABEL, labelOf } from './labels.ts'
import type { SdkLocation } from './sdk-location.ts'
import { sha256, sourceLoader } from './source-loader.ts'
import { inlineSourceMap } from './source-map.ts'

export interface BuiltBundle {
  code: string
  hash: string
  inputs: InputDigest[]
  warnings: string[]
}

/** Never written: it only names the output so esbuild makes map paths relative to the folder. */
const OUTFILE = '__isogate_bundle.js'

/** After this long without a build, esbuild's service process is stopped (~17 MB resident each). */
const SERVICE_IDLE_MS = 2_000
let building = 0
let idleTimer: NodeJS.Timeout | undefined

/**
 * esbuild's API keeps a service process for the life of this one: plugins are bundled at start and
 * seldom after, so it goes once bundling is idle (a later build starts a new one).
 */
function buildEnded(): void {
  if (--building > 0) return
  clearTimeout(idleTimer)
  idleTimer = setTimeout(() => {
    if (building === 0) void stop()
  }, SERVICE_IDLE_MS)
  idleTimer.unref()
}

/** One esbuild run over the generated entry; errors become BundleErrors. */
export async function runEsbuild(
  name: string,
  roots: BundleRoots,
  sdk: SdkLocation,
  entry: string,
): Promise<BuiltBundle> {
  const digests = new Map<string, string>()
  let result: Awaited<ReturnType<typeof build<{ write: false; metafile: true }>>>
  building++
  try {
    result = await build({
      ...BUILD_OPTIONS,
      entryPoints: [ENTRY_LABEL],
      write: false,
      metafile: true,
      absWorkingDir: roots.dir,
      outfile: join(roots.dir, OUTFILE),
      logLevel: 'silent',
      plugins: [importGuard({ roots, sdk, entry }), sourceLoader(roots, digests)],
    })
  } catch (error) {
    throw bundleFailure(error, name, roots)
  } finally {
    buildEnded()
  }
  const inputs = Object.keys(result.metafile.inputs).map((key) => {
    const label = labelOf(key, roots)
    const digest = label === ENTRY_LABEL ? sha256(entry) : digests.get(label)
    if (digest === undefined)
      throw new Error(`plugin ${name}: bundler failure: ${label} was not read by the bundler`)
    return { label, sha256: digest }
  })
  const code = outputText(result.outputFiles, '.js')
  return {
    code: inlineSourceMap(code, outputText(result.outputFiles, '.js.map'), roots),
    hash: bundleHash(inputs),
    inputs,
    warnings: result.warnings.map((warning) => warningLine(warning, roots)),
  }
}

function outputText(files: OutputFile[], suffix: string): string {
  const file = files.find((output) => output.path.endsWith(suffix))
  if (!file) throw new Error(`esbuild produced no ${suffix} output`)
  return file.text
}
