import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { combineUserErrors, isUserError, UserError } from '../errors/index.ts'
import { parseConfText } from './conf-file.ts'
import { isLoopback } from './parse-listen.ts'
import type { ParseContext } from './parsers.ts'
import { CONFIG_SCHEMA, type Config, type ConfigKey, type ConfigKeyName } from './schema.ts'
import { closest } from './suggest.ts'
import { ValueError } from './value-error.ts'

export interface LoadConfigOptions {
  /** Configuration file; default `isogate.conf` in `cwd`, read only if it exists. */
  file?: string
  /** Working directory relative paths resolve against; default `process.cwd()`. */
  cwd?: string
  /** Where `ISOGATE_<KEY>` overrides are read; default `process.env`. */
  env?: NodeJS.ProcessEnv
  /** Highest precedence (tests, CLI flags). */
  overrides?: Record<string, string | number | boolean>
}

/** A raw value and where it came from, for error messages. */
interface Source {
  raw: string
  where: string
}

const ENV_PREFIX = 'ISOGATE_'
const KEYS = Object.keys(CONFIG_SCHEMA) as ConfigKeyName[]

function fail(where: string, message: string): never {
  throw new UserError('CONFIG_INVALID', `${where}: ${message}`)
}

function checkKey(key: string, where: string): ConfigKeyName {
  if (Object.hasOwn(CONFIG_SCHEMA, key)) return key as ConfigKeyName
  const hint = closest(key, KEYS)
  return fail(where, `unknown configuration key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`)
}

function readFile(
  file: string | undefined,
  cwd: string,
  into: Map<ConfigKeyName, Source>,
  problems: Problems,
): void {
  const path = resolve(cwd, file ?? 'isogate.conf')
  if (file === undefined && !existsSync(path)) return
  const shown = file ?? 'isogate.conf'
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new UserError('CONFIG_INVALID', `cannot read configuration file ${shown}: ${reason}`)
  }
  for (const entry of parseConfText(text, shown)) {
    const where = `${shown}:${entry.line}`
    problems.collect(() => into.set(checkKey(entry.key, where), { raw: entry.value, where }))
  }
}

function readEnv(env: NodeJS.ProcessEnv, into: Map<ConfigKeyName, Source>, problems: Problems): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue
    const where = `environment variable ${name}`
    const key = name.slice(ENV_PREFIX.length).toLowerCase()
    problems.collect(() => into.set(checkKey(key, where), { raw: value.trim(), where }))
  }
}

function readOverrides(
  overrides: Record<string, string | number | boolean>,
  into: Map<ConfigKeyName, Source>,
  problems: Problems,
) {
  for (const [key, value] of Object.entries(overrides)) {
    const where = `override ${key}`
    const raw = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value).trim()
    problems.collect(() => into.set(checkKey(key, where), { raw, where }))
  }
}

function parseKey(name: ConfigKeyName, source: Source, ctx: ParseContext): unknown {
  const definition = CONFIG_SCHEMA[name] as ConfigKey<unknown>
  try {
    return definition.parse(source.raw, ctx)
  } catch (error) {
    if (!(error instanceof ValueError)) throw error
    const shown = definition.secret ? '(hidden)' : JSON.stringify(source.raw)
    return fail(source.where, `invalid value for "${name}": ${shown} (expected ${error.expected})`)
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

function checkAdminToken(config: Config, sources: Map<ConfigKeyName, Source>): void {
  if (config.admin_token !== null) return
  const open = config.admin_listen.find((address) => !isLoopback(address))
  if (!open) return
  const shown = open.host.includes(':') ? `[${open.host}]:${open.port}` : `${open.host}:${open.port}`
  const where = sources.get('admin_listen')?.where ?? 'admin_listen'
  fail(where, `admin_token is required when admin_listen is not a loopback address (${shown})`)
}

/**
 * Loads the configuration: schema defaults, then the file, then `ISOGATE_<KEY>` variables, then
 * `overrides`. Mistakes (unknown key, bad value, missing explicit file) are one UserError with
 * code CONFIG_INVALID, one line per bad key naming where it came from.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const cwd = resolve(options.cwd ?? process.cwd())
  const sources = new Map<ConfigKeyName, Source>()
  const problems = new Problems()
  readFile(options.file, cwd, sources, problems)
  readEnv(options.env ?? process.env, sources, problems)
  readOverrides(options.overrides ?? {}, sources, problems)

  const sourceOf = (name: ConfigKeyName): Source =>
    sources.get(name) ?? { raw: CONFIG_SCHEMA[name].default, where: `default ${name}` }
  const ctx: ParseContext = { cwd, prefix: cwd }
  ctx.prefix = parseKey('prefix', sourceOf('prefix'), ctx) as string
  const values: Record<string, unknown> = {}
  for (const name of KEYS) problems.collect(() => (values[name] = parseKey(name, sourceOf(name), ctx)))
  problems.throwIfAny()
  const config = values as Config
  checkAdminToken(config, sources)
  return deepFreeze(config)
}

/** Every bad key is reported, not just the first: one line each. */
class Problems {
  private readonly errors: UserError[] = []

  collect(fn: () => unknown): void {
    try {
      fn()
    } catch (error) {
      if (!isUserError(error)) throw error
      this.errors.push(error)
    }
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw combineUserErrors(this.errors)
  }
}

/** `isogate check FILE`: loads that file (with the environment's overrides) or throws the one-line UserError. */
export function checkConfigFile(file: string, options: Omit<LoadConfigOptions, 'file'> = {}): Config {
  return loadConfig({ ...options, file })
}

/** The pid file of a node; not configurable. */
export function pidFilePath(config: Config): string {
  return join(config.prefix, 'isogate.pid')
}
