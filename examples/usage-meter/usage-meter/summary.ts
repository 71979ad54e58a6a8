import type { Db, Page } from 'isogate/sdk'

/** The fields of a usage record the summary reads. */
interface UsageRecord {
  method: string | null
  status: number | null
}

export interface UsageSummary {
  requests: number
  by_status: Record<string, number>
  by_method: Record<string, number>
  /** Present (true) only when the consumer has more records than one summary reads. */
  truncated?: true
}

const PAGE_SIZE = 1000
/** At most this many pages (10,000 records) per summary: the call stays within the CPU budget. */
const MAX_PAGES = 10

/** Counts a consumer's unexpired usage records by status and by method. */
export async function summarize(db: Db, consumerId: string): Promise<UsageSummary> {
  const summary: UsageSummary = { requests: 0, by_status: {}, by_method: {} }
  let offset: string | null = null
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page: Page<UsageRecord> = await db.usage_records.pageForConsumer(
      { id: consumerId },
      offset === null ? { size: PAGE_SIZE } : { size: PAGE_SIZE, offset },
    )
    for (const record of page.data) {
      summary.requests++
      const status = String(record.status)
      const method = String(record.method)
      summary.by_status[status] = (summary.by_status[status] ?? 0) + 1
      summary.by_method[method] = (summary.by_method[method] ?? 0) + 1
    }
    offset = page.offset
    if (offset === null) return summary
  }
  return { ...summary, truncated: true }
}
