import { Worker } from 'node:worker_threads'

/**
 * The last line of defence, for our own bugs. Nothing a plugin does should outlive a crossing's
 * timeout: isolated-vm is patched so that the value of a promise left rejected (or a value thrown)
 * is copied without running plugin code (patches/isolated-vm-5.0.4.patch), and the prelude turns
 * every plugin value into bounded data inside the timeout. Should a crossing still block the host
 * thread, nothing on that thread can interrupt it, so a watchdog thread watches each crossing's
 * deadline and, past deadline + grace, writes one `watchdog fired` line to stderr (a bug to
 * report) and kills the process with SIGKILL; the supervisor replaces the worker (DESIGN.md,
 * "Isolation and failure"). Cost: two atomic stores per crossing (~70 ns measured).
 */
export interface CrossingWatchdog {
  /** A crossing starts that isolated-vm should end within `timeoutMs`; `label` names it in the log line. */
  enter(timeoutMs: number, label: string): void
  leave(): void
  /** Stops the watchdog thread. */
  stop(): Promise<void>
}

export interface WatchdogOptions {
  /** How long past a crossing's own timeout before the process is killed. Default 2000 ms. */
  graceMs?: number
  /** How often the watchdog thread looks. Default 100 ms. */
  checkEveryMs?: number
}

const LABEL_BYTES = 256

// Plain JavaScript run by the worker thread: it shares only the SharedArrayBuffer.
const WATCHDOG_THREAD = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const deadline = new BigInt64Array(workerData.buffer, 0, 1);
const length = new Int32Array(workerData.buffer, 8, 1);
const label = new Uint8Array(workerData.buffer, 12, ${LABEL_BYTES});
setInterval(() => {
  const at = Number(Atomics.load(deadline, 0));
  if (at === 0 || Date.now() <= at + workerData.graceMs) return;
  const name = Buffer.from(label.slice(0, Atomics.load(length, 0))).toString('utf8');
  writeSync(2, 'isogate: watchdog fired (a bug in isogate, please report it): a plugin isolate call (' +
    name + ') ran ' + (Date.now() - at) + ' ms past its timeout and cannot be interrupted; killing worker process ' +
    process.pid + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, workerData.checkEveryMs);
`

/** Starts one watchdog thread for this process; pass it to every createPluginIsolate call. */
export function startCrossingWatchdog(options: WatchdogOptions = {}): CrossingWatchdog {
  const buffer = new SharedArrayBuffer(12 + LABEL_BYTES)
  const deadline = new BigInt64Array(buffer, 0, 1)
  const length = new Int32Array(buffer, 8, 1)
  const label = new Uint8Array(buffer, 12, LABEL_BYTES)
  const encoder = new TextEncoder()
  const worker = new Worker(WATCHDOG_THREAD, {
    eval: true,
    workerData: { buffer, graceMs: options.graceMs ?? 2000, checkEveryMs: options.checkEveryMs ?? 100 },
  })
  worker.unref()
  let lastLabel = ''
  return {
    enter(timeoutMs, name) {
      if (name !== lastLabel) {
        lastLabel = name
        Atomics.store(length, 0, encoder.encodeInto(name, label).written)
      }
      Atomics.store(deadline, 0, BigInt(Date.now() + timeoutMs))
    },
    leave() {
      Atomics.store(deadline, 0, 0n)
    },
    async stop() {
      await worker.terminate()
    },
  }
}
