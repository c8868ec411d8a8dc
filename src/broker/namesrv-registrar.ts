// Registration with every NameServer of namesrvAddr (RocketMQ's BrokerOuterAPI.registerBrokerAll /
// unregisterBrokerAll): REGISTER_BROKER carries the topic table (JSON body, bodyCrc32 set), all NameServers
// are contacted in parallel so one that is down does not hold up the others.
import { getLogger } from '../common/logger.js';
import type { TopicConfig, TopicConfigSerializeWrapper } from '../protocol/body-types.js';
import { encodeRegisterBrokerBody } from '../protocol/bodies.js';
import { createRequest, type RemotingCommand } from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import { bodyCrc32 } from '../protocol/crc32.js';
import type { RemotingClient } from '../remoting/client.js';
import { isReadable, isWriteable, newTopicConfig } from './topic-config-manager.js';

/** NameServers in one namesrvAddr at most. */
export const MAX_NAMESRVS = 64;

const log = getLogger('broker');

export interface RegistrarSettings {
  namesrvAddr: string;
  brokerClusterName: string;
  brokerName: string;
  brokerId: number;
  brokerPermission: number;
  compressedRegister: boolean;
  registerBrokerTimeoutMills: number;
}

/** What REGISTER_BROKER answered (a slave learns its master from it). */
export interface RegisterResult {
  namesrvAddr: string;
  masterAddr?: string;
  haServerAddr?: string;
}

/** "a:9876; b:9876" → ["a:9876", "b:9876"]; throws when there are absurdly many. */
export function parseNamesrvAddr(namesrvAddr: string | undefined): string[] {
  if (namesrvAddr === undefined) return [];
  const list = namesrvAddr.split(';').map((a) => a.trim()).filter((a) => a.length > 0);
  if (list.length > MAX_NAMESRVS) throw new Error(`namesrvAddr lists ${list.length} NameServers, at most ${MAX_NAMESRVS} are supported`);
  return list;
}

/**
 * The topic table as registered: when the broker is not both readable and writable, every topic carries
 * the broker's permission instead of its own (registerBrokerAll in 4.9.8).
 */
export function topicsForRegistration(wrapper: TopicConfigSerializeWrapper, brokerPermission: number): TopicConfigSerializeWrapper {
  if (isReadable(brokerPermission) && isWriteable(brokerPermission)) return wrapper;
  const table = new Map<string, TopicConfig>();
  for (const tc of wrapper.topicConfigTable.values()) {
    const adjusted = newTopicConfig(tc.topicName, tc.readQueueNums, brokerPermission);
    adjusted.writeQueueNums = tc.writeQueueNums;
    table.set(tc.topicName, adjusted);
  }
  return { topicConfigTable: table, dataVersion: wrapper.dataVersion };
}

export class NamesrvRegistrar {
  constructor(
    private readonly client: RemotingClient,
    private readonly settings: RegistrarSettings,
    /** brokerIP1:listenPort and brokerIP2:haListenPort, known once the ports are bound. */
    private readonly addresses: () => { brokerAddr: string; haServerAddr: string },
  ) {}

  get namesrvs(): string[] {
    return parseNamesrvAddr(this.settings.namesrvAddr);
  }

  /** REGISTER_BROKER to every NameServer; oneway ones resolve once written. Never rejects. */
  async registerAll(topics: TopicConfigSerializeWrapper, oneway: boolean): Promise<RegisterResult[]> {
    const namesrvs = this.namesrvs;
    if (namesrvs.length === 0) return [];
    const s = this.settings;
    const body = encodeRegisterBrokerBody(
      { topicConfigSerializeWrapper: topicsForRegistration(topics, s.brokerPermission), filterServerList: [] },
      s.compressedRegister,
    );
    const { brokerAddr, haServerAddr } = this.addresses();
    // The order of a 4.9.8 broker's header (Java HashMap order), so captures compare easily.
    const ext = {
      brokerId: String(s.brokerId),
      bodyCrc32: String(bodyCrc32(body)),
      clusterName: s.brokerClusterName,
      brokerAddr,
      haServerAddr,
      compressed: String(s.compressedRegister),
      brokerName: s.brokerName,
    };
    const results = await Promise.all(namesrvs.map((addr) => this.registerOne(addr, { ...ext }, body, oneway)));
    return results.filter((r): r is RegisterResult => r !== undefined);
  }

  /** UNREGISTER_BROKER to every NameServer (shutdown). Never rejects. */
  async unregisterAll(): Promise<void> {
    const { brokerAddr } = this.addresses();
    const s = this.settings;
    await Promise.all(
      this.namesrvs.map(async (addr) => {
        const req = createRequest(RequestCode.UNREGISTER_BROKER, {
          brokerId: String(s.brokerId),
          clusterName: s.brokerClusterName,
          brokerAddr,
          brokerName: s.brokerName,
        });
        try {
          const res = await this.client.invoke(addr, req, s.registerBrokerTimeoutMills);
          if (res.code === ResponseCode.SUCCESS) log.info(`unregisterBroker OK, NamesrvAddr: ${addr}`);
          else log.warn(`unregisterBroker failed, NamesrvAddr: ${addr}, code ${res.code} ${res.remark ?? ''}`);
        } catch (err) {
          log.warn(`unregisterBroker Exception, ${addr}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
  }

  private async registerOne(addr: string, ext: Record<string, string>, body: Buffer, oneway: boolean): Promise<RegisterResult | undefined> {
    const req = createRequest(RequestCode.REGISTER_BROKER, ext, body);
    const s = this.settings;
    try {
      if (oneway) {
        await this.client.invokeOneway(addr, req);
        return undefined;
      }
      const res: RemotingCommand = await this.client.invoke(addr, req, s.registerBrokerTimeoutMills);
      if (res.code !== ResponseCode.SUCCESS) {
        log.warn(`registerBroker to name server ${addr} failed, code ${res.code} ${res.remark ?? ''}`);
        return undefined;
      }
      log.info(`register broker[${s.brokerId}]to name server ${addr} OK`);
      return { namesrvAddr: addr, masterAddr: res.extFields.masterAddr, haServerAddr: res.extFields.haServerAddr };
    } catch (err) {
      log.warn(`registerBroker Exception, ${addr}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}
