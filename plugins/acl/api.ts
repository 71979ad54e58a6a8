import type { AdminKong, ApiAnswer, ApiRequest, Entity, PluginApi } from 'isogate/sdk'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const NOT_FOUND: ApiAnswer = { status: 404, body: { message: 'Not found' } }
/** Bounds the walk through one consumer's ACLs when looking one up by group. */
const PAGE_SIZE = 1000
const MAX_PAGES = 100

/** A kong.db refusal answered as the Admin API answers it (Kong's `{ code, name, message, fields }`). */
function refused(error: unknown): ApiAnswer {
  const { status, body } = error as { status?: number; body?: unknown }
  if (typeof status !== 'number' || body === undefined) throw error
  return { status, body }
}

async function findConsumer(kong: AdminKong, key: string): Promise<Entity | null> {
  return UUID.test(key)
    ? ((await kong.db.consumers.select(key)) ?? kong.db.consumers.selectByUsername(key))
    : kong.db.consumers.selectByUsername(key)
}

/** The consumer's ACL by id, or by group name as Kong's acl api.lua allows. */
async function findAcl(kong: AdminKong, consumer: Entity, key: string): Promise<Entity | null> {
  if (UUID.test(key)) {
    const acl = await kong.db.acls.select(key)
    return (acl?.consumer as { id?: string } | null)?.id === consumer.id ? acl : null
  }
  let offset: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await kong.db.acls.pageForConsumer(
      { id: consumer.id },
      offset === undefined ? { size: PAGE_SIZE } : { size: PAGE_SIZE, offset },
    )
    const found = result.data.find((acl) => acl.group === key)
    if (found || result.offset === null) return found ?? null
    offset = result.offset
  }
  return null
}

type Action = (
  kong: AdminKong,
  consumer: Entity,
  acl: Entity,
  body: Record<string, unknown>,
) => Promise<ApiAnswer>

/**
 * Resolves the consumer and the ACL of the URL (404 when either is missing), then runs `action`.
 * With `upsert`, an unused id names the ACL to create, as the generated PUT does.
 */
function withAcl(action: Action, upsert = false) {
  return async (kong: AdminKong, request: ApiRequest): Promise<ApiAnswer> => {
    const consumer = await findConsumer(kong, request.params.consumers ?? '')
    if (!consumer) return NOT_FOUND
    const key = request.params.acls ?? ''
    const acl = (await findAcl(kong, consumer, key)) ?? (upsert && UUID.test(key) ? { id: key } : null)
    if (!acl) return NOT_FOUND
    try {
      return await action(kong, consumer, acl, request.body ?? {})
    } catch (error) {
      return refused(error)
    }
  }
}

/**
 * Kong's acl api.lua: `/consumers/{consumer}/acls/{acl}` takes the ACL's id or its group name.
 * These replace the generated item endpoints (which take ids only) with the same semantics.
 */
export default {
  '/consumers/:consumers/acls/:acls': {
    GET: withAcl(async (_kong, _consumer, acl) => ({ status: 200, body: acl })),
    PATCH: withAcl(async (kong, consumer, acl, body) => ({
      status: 200,
      body: await kong.db.acls.update({ id: acl.id }, { consumer: { id: consumer.id }, ...body }),
    })),
    PUT: withAcl(
      async (kong, consumer, acl, body) => ({
        status: 200,
        body: await kong.db.acls.upsert({ id: acl.id }, { ...body, consumer: { id: consumer.id } }),
      }),
      true,
    ),
    DELETE: withAcl(async (kong, _consumer, acl) => {
      await kong.db.acls.delete({ id: acl.id })
      return { status: 204 }
    }),
  },
} satisfies PluginApi
