import { readdirSync, readFileSync } from 'node:fs'

/** The kernel's clock ticks per second, as /proc/<pid>/stat counts CPU time (Linux: 100). */
export const CLK_TCK = 100

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** A process and all its descendants (the gateway's supervisor and its workers). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const ppid = Number(statFields(entry)[1])
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)])
    } catch {
      // the process ended while we looked
    }
  }
  const all = [root]
  for (let i = 0; i < all.length; i++) all.push(...(parents.get(all[i] as number) ?? []))
  return all
}

/** The processes whose CPU the fixed-rate pass divides by its requests, and what they are. */
export interface CpuCounted {
  of: string
  pids(): number[]
}

/** The whole process tree under `root`, as `of`. */
export const treeCpu = (root: number, of: string): CpuCounted => ({ of, pids: () => processTree(root) })

/** The processes of `root`'s tree whose command line contains `needle` (none: []). */
export function treeProcessesRunning(root: number, needle: string): number[] {
  return processTree(root).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)
    } catch {
      return false
    }
  })
}

/** CPU used so far by some processes, read two ways (see cpuSecondsBetween). */
export interface CpuSample {
  /** User + system time of every live thread (/proc/<pid>/task/<tid>/schedstat), ns. */
  threadNs: number
  /** The threads those ns belong to, as `pid/tid`. */
  threads: string[]
  /** User + system time of the processes, ended threads included (/proc/<pid>/stat), ticks. */
  ticks: number
}

/** Reads the CPU of `pids` now; a process that ended meanwhile counts nothing. */
export function sampleCpu(pids: readonly number[]): CpuSample {
  let threadNs = 0
  let ticks = 0
  const threads: string[] = []
  for (const pid of pids) {
    try {
      const fields = statFields(pid)
      ticks += Number(fields[11]) + Number(fields[12])
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        threadNs += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
        threads.push(`${pid}/${tid}`)
      }
    } catch {
      // the process or thread ended while we looked
    }
  }
  return { threadNs, threads, ticks }
}

/**
 * CPU seconds between two samples of the same processes: to the nanosecond from the threads'
 * own counters while every thread of the first sample still runs (a thread started in between
 * counts all its time, all of it in between), else from the processes' totals, which keep an
 * ended thread's time, at the kernel's 10 ms tick.
 */
export function cpuSecondsBetween(before: CpuSample, after: CpuSample): number {
  const live = new Set(after.threads)
  if (before.threads.every((thread) => live.has(thread))) return (after.threadNs - before.threadNs) / 1e9
  return (after.ticks - before.ticks) / CLK_TCK
}
