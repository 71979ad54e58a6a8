/**
 * Run as a child process by thrown-values.test.ts (never imported): leaves one hostile value
 * behind per case in a fresh isolate, through crossSync as the gateway calls, and prints one JSON
 * line per case with what the host got. With an unpatched isolated-vm the first poisoned case
 * never returns (the parent's timer then kills this process).
 */
import ivm from 'isolated-vm'
import { crossSync } from './crossing.ts'
import { isIsolateError } from './isolate-error.ts'

const LOOP = '{ for (;;) {} }'
const CASES: Record<string, string> = {
  'rejected object with looping getters': `Promise.reject({ get message() ${LOOP}, get stack() ${LOOP} })`,
  'rejected Error with a looping name and message': `const e = new Error('x');
    Object.defineProperty(e, 'message', { get() ${LOOP} });
    Object.defineProperty(e, 'name', { get() ${LOOP} });
    Promise.reject(e)`,
  'rejected Error whose stack formatting loops': `Error.prepareStackTrace = () => ${LOOP};
    Promise.reject(new RangeError('formatted never'))`,
  'rejected Error under a proxy prototype': `const P = new Proxy({}, { get() ${LOOP}, getOwnPropertyDescriptor() ${LOOP}, getPrototypeOf() ${LOOP} });
    function F() {}
    F.prototype = P;
    Promise.reject(Reflect.construct(TypeError, ['behind a proxy'], F))`,
  'rejected 300 MB string': `Promise.reject('s'.repeat(300 * 1024 * 1024))`,
  'rejected Error with a 300 MB message': `Promise.reject(new Error('m'.repeat(300 * 1024 * 1024)))`,
  'thrown proxy': `throw new Proxy(new Error('x'), { get() ${LOOP}, getPrototypeOf() ${LOOP} })`,
  'thrown huge BigInt': `throw 2n ** 100000n`,
}

for (const [name, body] of Object.entries(CASES)) {
  const isolate = new ivm.Isolate({ memoryLimit: 32 })
  const context = isolate.createContextSync()
  const fn = context.evalSync(`(function () { ${body}; return 'returned' })`, { reference: true })
  let outcome: Record<string, unknown>
  try {
    crossSync(isolate, 100, (timeout) => fn.applySync(undefined, [], { timeout }), undefined, name)
    outcome = { name, returned: true }
  } catch (error) {
    outcome = isIsolateError(error)
      ? { name, code: error.code, message: error.message, stack: error.stack?.split('\n')[1] ?? null }
      : { name, other: String(error) }
  }
  console.log(JSON.stringify(outcome))
  isolate.dispose()
}
console.log('done')
