/**
 * The program of the metadata reader process (`node -e`, plain CommonJS: no tsx to start, so a
 * reader costs a bare node start). `process.argv[1]` is isolated-vm's path. The first message
 * carries the hardening and extractor sources and the limits; each next one a bundle, read in a
 * fresh isolate that is thrown away. Each answer is the extractor's JSON string (its length
 * checked here, before it is sent), or what stopped it. A read that never returns is the
 * supervisor's to end: it kills this process.
 */
export const META_CHILD_SOURCE = `
const ivm = require(process.argv[1])
let setup
process.on('message', (message) => {
  if (message.t === 'setup') {
    setup = message
    return
  }
  const isolate = new ivm.Isolate({ memoryLimit: setup.memoryMb })
  let answer
  try {
    const context = isolate.createContextSync()
    context.evalSync(setup.harden, { timeout: setup.timeoutMs })
    const raw = context.evalClosureSync(setup.extract, [message.code], {
      timeout: setup.timeoutMs,
      arguments: { copy: true },
      result: { copy: true },
    })
    answer = typeof raw === 'string' && raw.length <= setup.maxChars ? { raw } : { tooLong: true }
  } catch (error) {
    answer = { error: String(error && error.message), disposed: isolate.isDisposed }
  } finally {
    if (!isolate.isDisposed) isolate.dispose()
  }
  process.send({ i: message.i, ...answer })
})
process.on('disconnect', () => process.exit(0))
process.send({ t: 'hello' })
`
