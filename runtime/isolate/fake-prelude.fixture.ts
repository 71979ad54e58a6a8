import type { InitCall, PhaseCall, RequestState } from '../protocol.ts'
import { createPluginIsolate, type PluginIsolateOptions } from './create-plugin-isolate.ts'
import type { PluginIsolate } from './plugin-isolate.ts'

/**
 * A stand-in prelude (tests only) with the real one's global contract: `__isogate.adopt(name)`,
 * `meta(name)`, `dispatch(json)`. A "plugin" is `{ handler: { <phase>(message, host) {...} } }`:
 * a handler returns a string (sent verbatim: hostile answers), an object (merged into the result),
 * nothing, or a promise (the call is pending; `host.io(op, ...args)` asks the host for I/O).
 */
export const FAKE_PRELUDE = `globalThis.__isogate = (() => {
  const plugins = new Map();
  const waiting = new Map();
  const ioWaiters = new Map();
  let outbox = [];
  let nextIo = 1;
  let nextPending = 1;
  const drain = () => { const io = outbox; outbox = []; return io; };
  const answer = (seq, run, value) => typeof value === 'string' ? value : JSON.stringify({
    seq, outcomes: run ? [{ plugin: run.plugin, config: run.config, status: 'ok' }] : [], mutations: [], ...(value || {}),
  });
  const failed = (seq, run, error) => JSON.stringify({ seq, mutations: [], outcomes: [{
    plugin: run.plugin, config: run.config, status: 'error',
    error: { message: String(error && error.message), stack: error && typeof error.stack === 'string' ? error.stack : null },
  }] });
  const host = {
    io: (op, ...args) => new Promise((resolve, reject) => {
      const id = nextIo++;
      ioWaiters.set(id, { resolve, reject });
      outbox.push({ id, op, args });
    }),
  };
  const settle = (seq, id) => {
    const entry = waiting.get(id);
    if (!entry) throw new Error('no pending call ' + id);
    if (entry.state === 'running') return JSON.stringify({ seq, pending: id, io: drain(), outcomes: [], mutations: [] });
    waiting.delete(id);
    return entry.state === 'failed' ? failed(seq, entry.run, entry.error) : answer(seq, entry.run, entry.value);
  };
  return {
    adopt(name) {
      if (!globalThis.__isogatePlugin) throw new Error('no bundle to adopt for ' + name);
      plugins.set(name, globalThis.__isogatePlugin);
      delete globalThis.__isogatePlugin;
    },
    meta(name) {
      return JSON.stringify({ name, phases: Object.keys(plugins.get(name).handler) });
    },
    dispatch(json) {
      const message = JSON.parse(json);
      if (message.kind === 'init' || message.kind === 'configure') return answer(message.seq, null, undefined);
      if (message.kind === 'resume') {
        for (const result of message.io) {
          const waiter = ioWaiters.get(result.id);
          ioWaiters.delete(result.id);
          if (result.ok) waiter.resolve(result.value); else waiter.reject(new Error(result.error));
        }
        return settle(message.seq, message.pending);
      }
      const run = message.run[0];
      let out;
      try {
        out = plugins.get(run.plugin).handler[message.phase](message, host);
      } catch (error) {
        return failed(message.seq, run, error);
      }
      if (out && typeof out.then === 'function') {
        const id = nextPending++;
        const entry = { state: 'running', run };
        waiting.set(id, entry);
        out.then((value) => { entry.state = 'done'; entry.value = value; }, (error) => { entry.state = 'failed'; entry.error = error; });
        return JSON.stringify({ seq: message.seq, pending: id, io: drain(), outcomes: [], mutations: [] });
      }
      return answer(message.seq, run, out);
    },
  };
})();
`

/** A bundle stand-in: sets `globalThis.__isogatePlugin` as a real bundle does. */
export function fakeBundle(handler: string): string {
  return `globalThis.__isogatePlugin = { handler: ${handler} };`
}

export const INIT: InitCall = {
  kind: 'init',
  seq: 0,
  node: { id: 'node-1', hostname: 'test', version: '0.1.0' },
  workspace: { id: 'ws-1', name: 'default' },
  trustedIps: [],
}

export function phaseCall(phase: PhaseCall['phase'] = 'access', rid = 'r1', plugin = 'p'): PhaseCall {
  return { kind: 'call', seq: 0, phase, rid, run: [{ plugin, config: 'c1' }], last: false, budgetMs: 100 }
}

/** A plausible request state, about 1 KB of JSON. */
export function requestState(rid = 'r1'): RequestState {
  return {
    id: rid,
    startedAt: 1_700_000_000_000,
    scheme: 'http',
    host: 'api.example.test',
    port: 8000,
    method: 'GET',
    path: '/v1/things/42',
    rawQuery: 'expand=owner&limit=10',
    headers: {
      host: 'api.example.test',
      accept: 'application/json',
      'user-agent': 'bench/1.0',
      'x-request-id': rid,
    },
    client: {
      ip: '127.0.0.1',
      port: 51000,
      forwardedIp: '127.0.0.1',
      forwardedPort: 51000,
      protocol: 'http',
    },
    route: null,
    service: null,
    uriCaptures: null,
    workspace: { id: 'ws-1', name: 'default' },
    consumer: null,
    credential: null,
    shared: {},
    upstream: { method: 'GET', path: '/v1/things/42', rawQuery: 'expand=owner&limit=10' },
    response: null,
    serviceResponse: null,
  }
}

/** An isolate holding one fake plugin named `p` whose handler is the given object source. */
export function fakeIsolate(
  handler: string,
  options: Partial<PluginIsolateOptions> = {},
): Promise<PluginIsolate> {
  return createPluginIsolate({
    memoryMb: 32,
    prelude: FAKE_PRELUDE,
    plugins: [{ name: 'p', code: fakeBundle(handler) }],
    init: INIT,
    ...options,
  })
}

/** Every ECMAScript global V8 defines, plus V8's `console` (inert: no inspector, no delegate). */
export const STANDARD_GLOBALS = new Set(
  `Object Function Array Number parseFloat parseInt Infinity NaN undefined Boolean String Symbol Date
  Promise RegExp Error AggregateError EvalError RangeError ReferenceError SyntaxError TypeError URIError
  globalThis JSON Math Intl ArrayBuffer Uint8Array Int8Array Uint16Array Int16Array Uint32Array Int32Array
  Float32Array Float64Array Uint8ClampedArray BigUint64Array BigInt64Array DataView Map BigInt Set WeakMap
  WeakSet Proxy Reflect FinalizationRegistry WeakRef decodeURI decodeURIComponent encodeURI
  encodeURIComponent escape unescape eval isFinite isNaN console SharedArrayBuffer Atomics`.split(/\s+/),
)
