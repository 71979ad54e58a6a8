import { builtinModules } from 'node:module'
import { isAbsolute, relative, resolve } from 'node:path'
import type { OnResolveArgs, OnResolveResult, Plugin, PluginBuild } from 'esbuild'
import type { BundleErrorCode } from './bundle-error.ts'
import { type BundleRoots, ENTRY_NAMESPACE, ENTRY_PATH, isInside, SDK_NAMESPACE, toPosix } from './labels.ts'
import type { SdkLocation } from './sdk-location.ts'

const SDK_SPECIFIER = 'isogate/sdk'
const BUILTINS = new Set(builtinModules)
/** Marks our own `build.resolve` calls so the guard lets esbuild resolve them. */
const DELEGATED = Symbol('isogate-delegated-resolve')

export interface ImportGuardOptions {
  roots: BundleRoots
  sdk: SdkLocation
  entry: string
}

/**
 * Resolves every import of the bundle and refuses what a plugin may not use: Node built-ins,
 * files outside the plugin folder, absolute paths and URLs, and packages that are not in the
 * plugin's own node_modules. `isogate/sdk` resolves to the SDK file, which may import only its
 * own folder, so host code can never reach a bundle through it. Refusals are esbuild errors
 * (esbuild adds the importing file and line) whose `detail` is the BundleError code.
 */
export function importGuard({ roots, sdk, entry }: ImportGuardOptions): Plugin {
  return {
    name: 'isogate-import-guard',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.pluginData === DELEGATED) return undefined
        if (args.kind === 'entry-point') return { path: ENTRY_PATH, namespace: ENTRY_NAMESPACE }
        return resolveImport(build, args, roots, sdk)
      })
      build.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, () => ({
        contents: entry,
        loader: 'js',
        resolveDir: roots.dir,
      }))
    },
  }
}

async function resolveImport(
  build: PluginBuild,
  args: OnResolveArgs,
  roots: BundleRoots,
  sdk: SdkLocation,
): Promise<OnResolveResult> {
  const spec = args.path
  if (spec === SDK_SPECIFIER) return inSdk(sdk.entry, roots)
  if (args.namespace === SDK_NAMESPACE) return resolveFromSdk(build, args, roots)
  if (spec.startsWith('node:')) return refuse(spec, 'Node built-ins are not available to plugins')
  if (isAbsolute(spec) || /^[A-Za-z]:[\\/]/.test(spec)) {
    return refuse(spec, 'absolute paths are not allowed; import files of the plugin folder by relative path')
  }
  if (/^[A-Za-z][\w+.-]*:/.test(spec)) return refuse(spec, 'URL imports are not supported')
  if (isRelative(spec)) {
    if (!isInside(resolve(args.resolveDir, spec), roots.dir)) return refuse(spec, outsideReason)
    const found = await delegate(build, args)
    if (found === null) {
      return fail('BUNDLE_UNRESOLVED', `cannot resolve "${spec}" (no such file in the plugin folder)`)
    }
    return isInside(found, roots.dir) ? { path: found } : refuse(spec, outsideReason)
  }
  if (spec === 'isogate' || spec.startsWith('isogate/')) {
    return refuse(spec, `plugins may import only "${SDK_SPECIFIER}" from isogate`)
  }
  // esbuild walks up to every parent's node_modules; only the plugin's own count.
  const found = await delegate(build, args)
  if (found !== null && isInside(found, roots.dir)) return { path: found }
  if (BUILTINS.has(spec)) return refuse(spec, 'Node built-ins are not available to plugins')
  return refuse(spec, "package not found in the plugin's own node_modules")
}

/** The SDK is bundled into every plugin, so it may import nothing but its own files. */
async function resolveFromSdk(
  build: PluginBuild,
  args: OnResolveArgs,
  roots: BundleRoots,
): Promise<OnResolveResult> {
  const reason = 'the SDK may import only files of its own folder, never host code or packages'
  if (!isRelative(args.path) || !isInside(resolve(args.resolveDir, args.path), roots.sdkDir)) {
    return refuse(args.path, reason)
  }
  const found = await delegate(build, args)
  if (found === null) return fail('BUNDLE_UNRESOLVED', `cannot resolve "${args.path}"`)
  return isInside(found, roots.sdkDir) ? inSdk(found, roots) : refuse(args.path, reason)
}

function inSdk(path: string, roots: BundleRoots): OnResolveResult {
  return { path: toPosix(relative(roots.sdkDir, path)), namespace: SDK_NAMESPACE }
}

/** esbuild's own resolution (extensions, `.js` → `.ts`, package.json fields); null when not found. */
async function delegate(build: PluginBuild, args: OnResolveArgs): Promise<string | null> {
  const result = await build.resolve(args.path, {
    kind: args.kind,
    importer: args.importer,
    resolveDir: args.resolveDir,
    pluginData: DELEGATED,
  })
  return result.errors.length === 0 && result.path !== '' && !result.external ? result.path : null
}

const outsideReason = 'it resolves outside the plugin folder'

function isRelative(spec: string): boolean {
  return spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../')
}

function refuse(spec: string, reason: string): OnResolveResult {
  return fail('BUNDLE_FORBIDDEN_IMPORT', `import of "${spec}" is not allowed (${reason})`)
}

function fail(code: BundleErrorCode, text: string): OnResolveResult {
  return { errors: [{ text, detail: code }] }
}
