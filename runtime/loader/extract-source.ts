import { GLOBAL_NAME } from '../bundle/index.ts'

/**
 * The body of the closure run in the throw-away isolate; `$0` is the bundle's code. It keeps its
 * own copies of the built-ins it uses before the bundle runs (a bundle may replace globals), runs
 * the bundle as a classic script through indirect eval inside a try, reads the exports, and
 * always returns one JSON string: `{ ok: true, value: PluginMeta }` or `{ ok: false, code, reason }`.
 * Every value it reads from the plugin is turned into plain data here, so only a string leaves.
 */
export const EXTRACT_SOURCE = `
const source = $0
const global = globalThis
const globalEval = global.eval
const stringify = JSON.stringify
const parse = JSON.parse
const ownNames = Object.getOwnPropertyNames
const prototypeOf = Object.getPrototypeOf
const objectPrototype = Object.prototype
const createObject = Object.create
const isFiniteNumber = Number.isFinite
const numberText = String

const fail = (code, reason) => stringify({ ok: false, code, reason })
const describe = (error) => {
  try {
    if (typeof error === 'string') return error
    if (error !== null && typeof error === 'object') {
      const message = error.message
      const name = error.name
      if (typeof message === 'string') return (typeof name === 'string' ? name : 'Error') + ': ' + message
    }
    return 'a thrown ' + (error === null ? 'null' : typeof error)
  } catch {
    return 'an error that could not be described'
  }
}
// JSON-safe copy of priority/version: the value itself when usable, else what it looks like.
const shown = (value) => {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return isFiniteNumber(value) ? value : numberText(value)
  if (value === null || value === undefined || typeof value === 'boolean') return numberText(value)
  if (typeof value === 'bigint') return numberText(value) + 'n'
  return typeof value === 'function' ? 'a function' : typeof value === 'symbol' ? 'a symbol' : 'an object'
}

try {
  globalEval(source)
} catch (error) {
  return fail('META_EVALUATION', 'evaluating the bundle threw ' + describe(error))
}

let plugin, handler, schemaJson
const meta = { priority: null, version: null, phases: [], schema: null, daos: null, migrations: [], api: null }
try {
  plugin = global[${JSON.stringify(GLOBAL_NAME)}]
  if (plugin === null || typeof plugin !== 'object') {
    return fail('META_SHAPE', 'the bundle did not define ' + ${JSON.stringify(GLOBAL_NAME)})
  }
  handler = plugin.handler
  if (handler === null || typeof handler !== 'object') {
    return fail('META_SHAPE', 'handler.ts does not export an object (got ' + shown(handler) + ')')
  }
  meta.priority = shown(handler.priority)
  meta.version = shown(handler.version)
  const seen = createObject(null)
  let depth = 0
  for (let level = handler; level !== null && level !== objectPrototype && depth < 32; level = prototypeOf(level)) {
    depth++
    const names = ownNames(level)
    for (let i = 0; i < names.length; i++) {
      const name = names[i]
      if (name === 'constructor' || seen[name]) continue
      seen[name] = true
      if (typeof handler[name] === 'function') meta.phases[meta.phases.length] = name
    }
  }
} catch (error) {
  return fail('META_READ', 'reading the handler threw ' + describe(error))
}
try {
  schemaJson = stringify(plugin.schema)
} catch (error) {
  return fail('META_READ', 'the schema is not JSON-serialisable: ' + describe(error))
}
if (typeof schemaJson === 'string') meta.schema = parse(schemaJson)
// daos.ts and the migrations are data: a JSON round trip here, checked by the host.
const copy = (value, file) => {
  let json
  try {
    json = stringify(value)
  } catch (error) {
    throw file + ' is not JSON-serialisable: ' + describe(error)
  }
  return typeof json === 'string' ? parse(json) : null
}
try {
  meta.daos = plugin.daos === undefined ? null : copy(plugin.daos, 'daos.ts')
  meta.migrations = []
  const list = plugin.migrations
  const count = list === undefined ? 0 : list.length
  for (let i = 0; i < count; i++) {
    const entry = list[i]
    const name = entry.name
    meta.migrations[i] = { name, value: copy(entry.module, 'migrations/' + name + '.ts') }
  }
  // api.ts: which paths and methods it serves; the functions themselves stay in the bundle.
  meta.api = null
  const api = plugin.api
  if (api !== undefined) {
    meta.api = []
    if (api === null || typeof api !== 'object') throw 'api.ts does not export an object (got ' + shown(api) + ')'
    const paths = ownNames(api)
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i]
      const methods = api[path]
      if (methods === null || typeof methods !== 'object') {
        throw 'api.ts: ' + path + ' must map HTTP methods to functions (got ' + shown(methods) + ')'
      }
      const names = ownNames(methods)
      const found = []
      for (let j = 0; j < names.length; j++) {
        if (typeof methods[names[j]] === 'function') found[found.length] = names[j]
        else throw 'api.ts: ' + path + ' ' + names[j] + ' is not a function'
      }
      meta.api[meta.api.length] = { path, methods: found }
    }
  }
} catch (error) {
  return fail('META_READ', typeof error === 'string' ? error : 'reading daos, migrations or api threw ' + describe(error))
}
return stringify({ ok: true, value: meta })
`
