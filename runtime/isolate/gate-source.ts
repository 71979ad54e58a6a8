import { BRIDGE_LIMITS } from './bridge-limits.ts'

/** Script names in isolate stack traces (never a host path). */
export const HARDEN_FILENAME = 'isogate:harden'
export const PRELUDE_FILENAME = 'isogate:prelude'
export const GATE_FILENAME = 'isogate:gate'

/** The name a plugin's bundle has in isolate stack traces; mapStack looks for it. */
export function bundleFilename(plugin: string): string {
  return `isogate-plugin:${plugin}`
}

/**
 * Runs first in every context, before any other code. Removes what isolated-vm cannot contain:
 * - WebAssembly memories are allocated outside isolated-vm's `memoryLimit` (measured: 2.3 GB of
 *   host RSS from a 32 MB isolate), and its async compilation only settles from V8 tasks, which
 *   this host never runs (see plugin-isolate.ts).
 * - `Atomics.waitAsync` with a timeout posts a V8 task kind that isolated-vm answers with
 *   std::terminate: one call aborts the whole process.
 */
export const HARDEN_SOURCE = `'use strict';
delete globalThis.WebAssembly;
delete Atomics.waitAsync;
void 0;
`

/**
 * Runs right after the prelude, before any plugin bundle. Takes the prelude's `__isogate`
 * functions into a closure (a bundle that later replaces `globalThis.__isogate` changes nothing)
 * and wraps each in a fence that answers the prelude's JSON answer, or `\0kind\0detail` when the
 * call threw, answered a non-string or an answer over the size cap. A call still pending answers a
 * null-prototype box `{ r }` instead, which the prelude may refill (through `late`, checked the same
 * way) while the crossing's microtasks run; isolated-vm copies it after them, inside the crossing's
 * timeout. So only a bounded string leaves the isolate, never an object plugin code could reach. The builtins the fence uses are
 * captured too, before plugin code could replace them. Completion value: [dispatch, meta, adopt].
 */
export const GATE_SOURCE = `(function (gate, apply, toText, stringSlice, max, create) {
  'use strict';
  if (typeof gate !== 'object' || gate === null) {
    throw new TypeError('the prelude did not define globalThis.__isogate');
  }
  // Slicing flattens a rope whole: text too long to cut cheaply is described by its length only.
  const cut = (text) =>
    text.length > 1048576 ? '[' + text.length + ' characters]'
      : text.length > 16384 ? apply(stringSlice, text, [0, 16384]) : text;
  const describe = (error) => {
    try {
      if (typeof error !== 'object' || error === null) return cut(toText(error));
      const stack = error.stack;
      return cut(typeof stack === 'string' ? stack : 'Error: ' + toText(error.message));
    } catch (_) {
      return 'an error that could not be read';
    }
  };
  const checked = (out) => {
    if (typeof out !== 'string') return '\\u0000type\\u0000' + typeof out;
    if (out.length > max) return '\\u0000size\\u0000' + out.length;
    return out;
  };
  // The box of the crossing running now: a late answer of an earlier crossing never lands in it.
  let current = null;
  const fence = (name, answers) => {
    const fn = gate[name];
    if (typeof fn !== 'function') throw new TypeError('__isogate.' + name + ' is not a function');
    return function (arg) {
      const box = create(null);
      current = box;
      let boxed = false;
      const late = (text) => {
        if (current !== box) return;
        if (text === null) boxed = true;
        else box.r = checked(text);
      };
      let out;
      try {
        out = apply(fn, gate, answers ? [arg, late] : [arg]);
      } catch (error) {
        current = null;
        return '\\u0000threw\\u0000' + describe(error);
      }
      if (!answers) return '';
      box.r = checked(out);
      return boxed ? box : box.r;
    };
  };
  return [fence('dispatch', true), fence('meta', true), fence('adopt', false)];
})(globalThis.__isogate, Reflect.apply, String, String.prototype.slice, ${BRIDGE_LIMITS.resultChars}, Object.create);
`

/** What a fence answered: the prelude's string, or why there is none. */
export type Fenced =
  | { ok: true; text: string }
  | { ok: false; kind: 'threw' | 'type' | 'size'; detail: string }

export function readFenced(answer: unknown): Fenced {
  // A pending call's answer comes boxed (see GATE_SOURCE): its text is the box's `r`.
  const raw = typeof answer === 'object' && answer !== null ? (answer as { r?: unknown }).r : answer
  if (typeof raw !== 'string') return { ok: false, kind: 'type', detail: typeof raw }
  if (!raw.startsWith('\u0000')) return { ok: true, text: raw }
  const end = raw.indexOf('\u0000', 1)
  const kind = raw.slice(1, end)
  const detail = raw.slice(end + 1)
  return kind === 'threw' || kind === 'size'
    ? { ok: false, kind, detail }
    : { ok: false, kind: 'type', detail }
}
