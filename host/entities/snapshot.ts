import type { Db } from '../storage/index.ts'
import type { GenericDao } from './dao/generic-dao.ts'
import type { ConfigSnapshot, PluginEntity, Route, Service, Workspace } from './types.ts'

/** Reads every workspace's proxy configuration with the version it corresponds to (one transaction). */
export async function readSnapshot(
  db: Db,
  daos: { workspaces: GenericDao; services: GenericDao; routes: GenericDao; plugins: GenericDao },
): Promise<ConfigSnapshot> {
  const state = await db
    .selectFrom('config_state')
    .select('version')
    .where('key', '=', 'config')
    .executeTakeFirst()
  return {
    version: Number(state?.version ?? 0),
    workspaces: (await daos.workspaces.all(db, null)) as unknown as Workspace[],
    services: (await daos.services.all(db, null)) as unknown as Service[],
    routes: (await daos.routes.all(db, null)) as unknown as Route[],
    plugins: (await daos.plugins.all(db, null)) as unknown as PluginEntity[],
  }
}
