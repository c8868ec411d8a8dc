// A broker's runtime info and config, loaded when its row is clicked on the Cluster page.
import { useState } from 'react';
import { api } from '../api/endpoints.js';
import { useApi } from '../api/useApi.js';
import { Async } from './Async.js';
import { Drawer } from './Drawer.js';
import { KeyValueTable, pairs } from './KeyValueTable.js';
import { Tabs } from './Tabs.js';

type Tab = 'runtime' | 'config';

export function BrokerDrawer({ addr, title, onClose }: { addr: string; title: string; onClose: () => void }) {
  const [tab, setTab] = useState<Tab>('runtime');
  const runtime = useApi(tab === 'runtime' ? () => api.brokerRuntime(addr) : undefined, [addr, tab]);
  const config = useApi(tab === 'config' ? () => api.brokerConfig(addr) : undefined, [addr, tab]);
  return (
    <Drawer title={title} onClose={onClose}>
      <Tabs<Tab> tabs={[['runtime', 'Runtime info'], ['config', 'Config']]} active={tab} onChange={setTab} />
      {tab === 'runtime' && (
        <Async state={runtime}>
          {(data) => <KeyValueTable label="runtime info" filterable entries={pairs(data.items).sort(([a], [b]) => a.localeCompare(b))} />}
        </Async>
      )}
      {tab === 'config' && <Async state={config}>{(data) => <KeyValueTable label="broker config" filterable entries={pairs(data.items)} />}</Async>}
    </Drawer>
  );
}
