// NameServer operations: updateKvConfig, deleteKvConfig, getNamesrvConfig, updateNamesrvConfig.
import { AdminError, type MQAdmin } from './admin-client.js';
import { deleteKvConfigAll, getNamesrvConfigAt, putKvConfigAll, updateNamesrvConfigAt } from './api.js';

/** updateKvConfig -s NAMESPACE -k KEY -v VALUE, on every NameServer of the list. */
export async function updateKvConfig(admin: MQAdmin, namespace: string, key: string, value: string): Promise<void> {
  if (namespace.trim() === '' || key.trim() === '') throw new AdminError('namespace (-s) and key (-k) must not be empty');
  await putKvConfigAll(admin, namespace, key, value);
}

/** deleteKvConfig -s NAMESPACE -k KEY, on every NameServer of the list. */
export async function deleteKvConfig(admin: MQAdmin, namespace: string, key: string): Promise<void> {
  if (namespace.trim() === '' || key.trim() === '') throw new AdminError('namespace (-s) and key (-k) must not be empty');
  await deleteKvConfigAll(admin, namespace, key);
}

export interface NamesrvConfigDump {
  namesrvAddr: string;
  entries: Array<[string, string]>;
}

/** getNamesrvConfig: each NameServer's settings. */
export async function getNamesrvConfig(admin: MQAdmin): Promise<NamesrvConfigDump[]> {
  const out: NamesrvConfigDump[] = [];
  for (const namesrvAddr of admin.namesrvAddrs) out.push({ namesrvAddr, entries: await getNamesrvConfigAt(admin, namesrvAddr) });
  return out;
}

/** updateNamesrvConfig -k KEY -v VALUE on each NameServer (the first refusal stops, naming the server). */
export async function updateNamesrvConfig(admin: MQAdmin, key: string, value: string): Promise<string[]> {
  if (key.trim() === '') throw new AdminError('the config key (-k) is empty');
  for (const addr of admin.namesrvAddrs) await updateNamesrvConfigAt(admin, addr, [[key, value]]);
  return admin.namesrvAddrs;
}
