import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { cpuSecondsBetween, processTree, sampleCpu, treeProcessesRunning } from './cpu-time.ts'
import { stopProcess } from './processes.ts'

describe('sampleCpu and cpuSecondsBetween', () => {
  it("counts the CPU this process spends between two samples, from its threads' own counters", () => {
    const before = sampleCpu([process.pid])
    let spun = 0
    for (const end = performance.now() + 30; performance.now() < end; ) spun++
    const after = sampleCpu([process.pid])
    expect(spun).toBeGreaterThan(0)
    expect(after.threads).toEqual(before.threads)
    expect(after.threadNs).toBeGreaterThan(before.threadNs)
    expect(cpuSecondsBetween(before, after)).toBe((after.threadNs - before.threadNs) / 1e9)
  })

  it("counts a thread started in between, and falls back to the processes' ticks when one ended", () => {
    const before = { threadNs: 1e9, threads: ['7/7', '7/8'], ticks: 100 }
    expect(cpuSecondsBetween(before, { threadNs: 1.5e9, threads: ['7/7', '7/8'], ticks: 160 })).toBe(0.5)
    expect(cpuSecondsBetween(before, { threadNs: 1.5e9, threads: ['7/7', '7/8', '7/9'], ticks: 160 })).toBe(
      0.5,
    )
    expect(cpuSecondsBetween(before, { threadNs: 1.2e9, threads: ['7/7'], ticks: 160 })).toBe(0.6)
  })

  it('counts nothing for a process that is gone', () => {
    expect(sampleCpu([2 ** 22 + 1])).toEqual({ threadNs: 0, threads: [], ticks: 0 })
  })
})

describe('processTree and treeProcessesRunning', () => {
  it('finds a child by what its command line names', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'bench-cpu-time-marker'])
    try {
      const pid = child.pid as number
      expect(processTree(process.pid)).toContain(pid)
      expect(treeProcessesRunning(process.pid, 'bench-cpu-time-marker')).toEqual([pid])
      expect(treeProcessesRunning(process.pid, 'no-such-marker-anywhere')).toEqual([])
    } finally {
      await stopProcess(child)
    }
  })
})
