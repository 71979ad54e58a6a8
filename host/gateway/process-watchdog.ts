import { type CrossingWatchdog, startCrossingWatchdog } from '../../runtime/isolate/index.ts'

let watchdog: CrossingWatchdog | undefined

/**
 * The one crossing watchdog of this process (a thread that kills the process when a call into an
 * isolate overruns its deadline by far: the one isolated-vm hang nothing else can stop).
 */
export function processWatchdog(): CrossingWatchdog {
  watchdog ??= startCrossingWatchdog()
  return watchdog
}
