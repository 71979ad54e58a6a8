/** What `bench/micro/idle-isolates.ts` measures: RSS of a process holding idle plugin isolates. */
export interface IdleIsolates {
  plugin: string
  /** RSS with the isolate code loaded and one isolate built, MB. */
  baselineMb: number
  counts: { count: number; rssMb: number; perIsolateMb: number }[]
}

/** The budget (issue 5): an idle isolate costs at most 1.5 MB of RSS. */
export const IDLE_ISOLATE_BUDGET_MB = 1.5

export function idleIsolatesSection(idle: IdleIsolates | undefined): string[] {
  if (!idle || idle.counts.length === 0) return []
  return [
    '## Idle isolates',
    '',
    `One process builds isolates as a worker does (the prelude and \`${idle.plugin}\`, configured, one`,
    'access call), keeps them alive and reads its RSS after a full GC; per isolate is the growth over',
    `the process with one isolate (${idle.baselineMb} MB), divided by the count. Budget: ${IDLE_ISOLATE_BUDGET_MB} MB each.`,
    '',
    '| isolates | RSS MB | per isolate MB | within budget |',
    '|---:|---:|---:|---|',
    ...idle.counts.map(
      (c) =>
        `| ${c.count} | ${c.rssMb} | ${c.perIsolateMb.toFixed(2)} | ${c.perIsolateMb <= IDLE_ISOLATE_BUDGET_MB ? 'yes' : '**no**'} |`,
    ),
  ]
}
