// Which request code the NameServer answers with which handler (RocketMQ's DefaultRequestProcessor).
import type { RemotingCommand } from '../protocol/command.js';
import { RequestCode } from '../protocol/codes.js';
import type { Dispatcher } from '../remoting/dispatcher.js';
import type { Connection } from '../remoting/types.js';
import { addWritePermOfBroker, deleteTopicInNamesrv, getAllTopicList, getBrokerClusterInfo, getHasUnitSubTopicList,
  getHasUnitSubUnUnitTopicList, getRouteInfoByTopic, getSystemTopicList, getTopicsByCluster, getUnitTopicList,
  wipeWritePermOfBroker } from './route-handlers.js';
import { queryDataVersion, registerBroker, unregisterBroker } from './broker-handlers.js';
import { getNamesrvConfig, updateNamesrvConfig } from './config-handlers.js';
import { guarded, type NamesrvContext } from './context.js';
import { deleteKvConfig, getKvConfig, getKvListByNamespace, putKvConfig } from './kv-handlers.js';

/** Unit-topic queries; absent from codes.ts because only the NameServer answers them. */
export const UnitRequestCode = {
  GET_UNIT_TOPIC_LIST: 311,
  GET_HAS_UNIT_SUB_TOPIC_LIST: 312,
  GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST: 313,
} as const;

type NamesrvHandler = (ctx: NamesrvContext, request: RemotingCommand, conn: Connection) => RemotingCommand;

const HANDLERS: ReadonlyArray<[string, number, NamesrvHandler]> = [
  ['PUT_KV_CONFIG', RequestCode.PUT_KV_CONFIG, putKvConfig],
  ['GET_KV_CONFIG', RequestCode.GET_KV_CONFIG, getKvConfig],
  ['DELETE_KV_CONFIG', RequestCode.DELETE_KV_CONFIG, deleteKvConfig],
  ['GET_KVLIST_BY_NAMESPACE', RequestCode.GET_KVLIST_BY_NAMESPACE, getKvListByNamespace],
  ['QUERY_DATA_VERSION', RequestCode.QUERY_DATA_VERSION, queryDataVersion],
  ['REGISTER_BROKER', RequestCode.REGISTER_BROKER, registerBroker],
  ['UNREGISTER_BROKER', RequestCode.UNREGISTER_BROKER, unregisterBroker],
  ['GET_ROUTEINFO_BY_TOPIC', RequestCode.GET_ROUTEINFO_BY_TOPIC, getRouteInfoByTopic],
  ['GET_BROKER_CLUSTER_INFO', RequestCode.GET_BROKER_CLUSTER_INFO, getBrokerClusterInfo],
  ['WIPE_WRITE_PERM_OF_BROKER', RequestCode.WIPE_WRITE_PERM_OF_BROKER, wipeWritePermOfBroker],
  ['ADD_WRITE_PERM_OF_BROKER', RequestCode.ADD_WRITE_PERM_OF_BROKER, addWritePermOfBroker],
  ['GET_ALL_TOPIC_LIST_FROM_NAMESERVER', RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, getAllTopicList],
  ['DELETE_TOPIC_IN_NAMESRV', RequestCode.DELETE_TOPIC_IN_NAMESRV, deleteTopicInNamesrv],
  ['GET_TOPICS_BY_CLUSTER', RequestCode.GET_TOPICS_BY_CLUSTER, getTopicsByCluster],
  ['GET_SYSTEM_TOPIC_LIST_FROM_NS', RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, getSystemTopicList],
  ['GET_UNIT_TOPIC_LIST', UnitRequestCode.GET_UNIT_TOPIC_LIST, getUnitTopicList],
  ['GET_HAS_UNIT_SUB_TOPIC_LIST', UnitRequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, getHasUnitSubTopicList],
  ['GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST', UnitRequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, getHasUnitSubUnUnitTopicList],
  ['UPDATE_NAMESRV_CONFIG', RequestCode.UPDATE_NAMESRV_CONFIG, updateNamesrvConfig],
  ['GET_NAMESRV_CONFIG', RequestCode.GET_NAMESRV_CONFIG, getNamesrvConfig],
];

/** Registers every NameServer request code on `dispatcher`, each guarded against bad input. */
export function registerNamesrvHandlers(dispatcher: Dispatcher, ctx: NamesrvContext): void {
  for (const [name, code, handler] of HANDLERS) {
    dispatcher.register(code, guarded(ctx, name, (request, conn) => handler(ctx, request, conn)));
  }
}
