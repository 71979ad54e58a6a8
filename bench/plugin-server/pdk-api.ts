import type { RequestState } from './request-state.ts'

/** A PDK method the gateway runs for the plugin server, and the Step method its answer goes back by. */
interface PdkMethod {
  run(state: RequestState, args: unknown[]): unknown
  step?: string
}

const str = (value: unknown) => String(value)

/** A multi-value map as Kong's `fix_mmap` sends it: every value a list of strings. */
function multiMap(entries: Iterable<[string, string | string[]]>): Record<string, string[]> {
  const map: Record<string, string[]> = {}
  for (const [name, value] of entries) {
    map[name] = [...(map[name] ?? []), ...(Array.isArray(value) ? value : [value])]
  }
  return map
}

/**
 * The PDK functions the bench's plugins call (and the other request reads), run against the real
 * request as Kong's `exposed_api` does; answers go back by the typed Step methods Kong picks in
 * mp_rpc.lua's `get_step_method`.
 */
const PDK: Record<string, PdkMethod> = {
  'kong.request.get_method': { run: (s) => s.method },
  'kong.request.get_path': { run: (s) => s.path },
  'kong.request.get_raw_query': { run: (s) => s.rawQuery },
  'kong.request.get_query': {
    run: (s) => multiMap(new URLSearchParams(s.rawQuery)),
    step: 'plugin.StepMultiMap',
  },
  'kong.request.get_header': {
    run: (s, [name]) => {
      const value = s.headers[str(name).toLowerCase()]
      return (Array.isArray(value) ? value[0] : value) ?? null
    },
  },
  'kong.request.get_headers': {
    run: (s) => multiMap(Object.entries(s.headers)),
    step: 'plugin.StepMultiMap',
  },
  'kong.client.authenticate': {
    run: (s, [consumer, credential]) => {
      s.consumer = consumer ?? null
      s.credential = credential ?? null
    },
    step: 'plugin.StepCredential',
  },
  'kong.client.get_consumer': { run: (s) => s.consumer, step: 'plugin.StepConsumer' },
  'kong.client.get_credential': { run: (s) => s.credential, step: 'plugin.StepCredential' },
  'kong.service.request.set_header': {
    run: (s, [name, value]) => {
      s.headers[str(name).toLowerCase()] = str(value)
    },
  },
  'kong.service.request.clear_header': {
    run: (s, [name]) => {
      delete s.headers[str(name).toLowerCase()]
    },
  },
  'kong.response.exit': {
    run: (s, [status, body, headers]) => {
      s.exit ??= { status: Number(status), body, headers: (headers ?? {}) as Record<string, unknown> }
    },
  },
  'kong.response.set_header': {
    run: (s, [name, value]) => {
      s.responseHeaders[str(name).toLowerCase()] = str(value)
    },
  },
}

/**
 * Runs one PDK call against the request; answers the result and the Step method to return it by.
 * An unknown method answers nil, as Kong's `call_pdk_method` does (after logging it).
 */
export function runPdkCall(state: RequestState, method: string, args: unknown): [unknown, string] {
  const pdk = PDK[method]
  if (!pdk) {
    console.error(`could not find pdk method: ${method}`)
    return [null, 'plugin.Step']
  }
  const result = pdk.run(state, Array.isArray(args) ? args : [args])
  return [result ?? null, pdk.step ?? 'plugin.Step']
}
