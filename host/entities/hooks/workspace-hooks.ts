import { GatewayError } from '../../errors/index.ts'
import type { DaoRegistry } from '../dao/generic-dao.ts'
import type { EntityHooks } from '../dao/hooks.ts'

/** A workspace can be deleted only when empty, and `default` never (unprefixed paths use it). */
export function workspaceHooks(registry: DaoRegistry): EntityHooks {
  return {
    async beforeDelete(db, workspace) {
      if (workspace.name === 'default') {
        throw new GatewayError('REFERENCED_BY_OTHERS', 'Cannot delete the default workspace')
      }
      for (const dao of registry.all()) {
        if (!dao.schema.workspaceable) continue
        const row = await db
          .selectFrom(dao.schema.name)
          .select('id')
          .where('ws_id', '=', workspace.id)
          .executeTakeFirst()
        if (row) throw new GatewayError('REFERENCED_BY_OTHERS', 'Workspace is not empty')
      }
    },
  }
}
