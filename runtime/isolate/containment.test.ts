import { afterEach, describe, expect, it } from 'vitest'
import { fakeIsolate, phaseCall, STANDARD_GLOBALS } from './fake-prelude.fixture.ts'
import type { PluginIsolate } from './index.ts'

let plugin: PluginIsolate | undefined
afterEach(() => plugin?.dispose())

/** Runs `body` (a function body) as the plugin's access handler and returns what it put in `shared`. */
async function probe(body: string): Promise<Record<string, unknown>> {
  plugin = await fakeIsolate(`{ access() { return { shared: (() => { ${body} })() }; } }`)
  const result = plugin.dispatch(phaseCall(), 2000)
  expect(result.outcomes[0]?.status).toBe('ok')
  return result.shared ?? {}
}

describe('what plugin code can reach', () => {
  it('cannot climb from a function to the host', async () => {
    const shared = await probe(`
      try { return { got: typeof this.constructor.constructor('return process')() }; }
      catch (error) { return { error: error.name + ': ' + error.message }; }`)
    expect(shared).toEqual({ error: 'ReferenceError: process is not defined' })
  })

  it('finds only standard globals and the prelude on globalThis and its prototype chain', async () => {
    const shared = await probe(`
      const levels = [];
      for (let o = globalThis; o !== null; o = Object.getPrototypeOf(o)) {
        levels.push({ keys: Reflect.ownKeys(o).map(String), isObjectPrototype: o === Object.prototype });
      }
      return { levels, templateConstructor: String(Object.getPrototypeOf(globalThis).constructor) };`)
    // globalThis → the global template's empty prototype → Object.prototype.
    const [global, template, base] = shared['levels'] as { keys: string[]; isObjectPrototype: boolean }[]
    expect(global!.keys.filter((name) => !STANDARD_GLOBALS.has(name))).toEqual(['__isogate'])
    expect(template!.keys).toEqual(['constructor'])
    expect(shared['templateConstructor']).toMatch(/\[native code\]/)
    expect(base!.isObjectPrototype).toBe(true)
    expect((shared['levels'] as unknown[]).length).toBe(3)
    for (const name of ['require', 'process', 'global', 'ivm', '_ivm', 'WebAssembly', '__isogatePlugin']) {
      expect(global!.keys).not.toContain(name)
    }
  })

  it('reaches no isolated-vm object and no non-native function from globalThis', async () => {
    // Walks everything reachable through own properties (values and accessors) and prototypes.
    const shared = await probe(`
      const seen = new Set([globalThis]);
      const queue = [[globalThis, 'globalThis']];
      const foreign = [];
      const ivmNames = ['Reference', 'ExternalCopy', 'Callback', 'Isolate', 'Context', 'Script', 'Dereference', 'Copy', 'NativeModule', 'Module'];
      const visit = (value, path) => {
        if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
        seen.add(value);
        queue.push([value, path]);
      };
      for (let i = 0; i < queue.length && i < 50000; i++) {
        const [object, path] = queue[i];
        if (path.startsWith('globalThis.__isogate')) continue;
        let ctor = '';
        try { ctor = Object.getPrototypeOf(object)?.constructor?.name ?? ''; } catch {}
        if (ivmNames.includes(ctor) && object !== globalThis[ctor]) foreign.push(path + ' is a ' + ctor);
        if (typeof object === 'function' && !Function.prototype.toString.call(object).includes('[native code]')) {
          foreign.push(path + ' is a non-native function');
        }
        visit(Object.getPrototypeOf(object), path + '.__proto__');
        for (const key of Reflect.ownKeys(object)) {
          const d = Reflect.getOwnPropertyDescriptor(object, key);
          const at = path + '.' + String(key);
          if ('value' in d) visit(d.value, at); else { visit(d.get, at + '(get)'); visit(d.set, at + '(set)'); }
        }
      }
      return { foreign, visited: seen.size };`)
    expect(shared['foreign']).toEqual([])
    console.log(`globalThis scan: ${shared['visited']} objects reachable, none foreign`)
    expect(shared['visited']).toBeGreaterThan(500)
  })

  it('has no WebAssembly (its memory escapes memoryLimit) and no Atomics.waitAsync (aborts the process)', async () => {
    const shared = await probe(
      `return { wasm: typeof WebAssembly, waitAsync: typeof Atomics.waitAsync, wait: typeof Atomics.wait };`,
    )
    expect(shared).toEqual({ wasm: 'undefined', waitAsync: 'undefined', wait: 'function' })
  })

  it('never runs FinalizationRegistry callbacks (V8 tasks run only in async calls, which are never made)', async () => {
    plugin = await fakeIsolate(`{ access() {
      globalThis.registry ??= new FinalizationRegistry(() => { globalThis.cleaned = (globalThis.cleaned || 0) + 1; while (true) {} });
      for (let i = 0; i < 2000; i++) registry.register({ junk: new Array(100).fill(i) }, i);
      const garbage = []; for (let i = 0; i < 200; i++) garbage.push(new Array(1000).fill(i));
      return { shared: { cleaned: globalThis.cleaned ?? 0 } };
    } }`)
    for (let round = 0; round < 5; round++) {
      expect(plugin.dispatch(phaseCall('access', `r${round}`), 2000).shared).toEqual({ cleaned: 0 })
      plugin.heap()
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })
})
