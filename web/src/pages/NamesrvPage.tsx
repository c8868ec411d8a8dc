// NameServers: switch the list the dashboard talks to (at run time, not saved), each NameServer's config and the
// KV config of a namespace.
import { useState, type FormEvent } from 'react';
import { api } from '../api/endpoints.js';
import { useAction } from '../api/useAction.js';
import { useApi } from '../api/useApi.js';
import { Async } from '../components/Async.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { Field } from '../components/Field.js';
import { NAMESRV_CHANGED } from '../components/Header.js';
import { KeyValueTable, pairs } from '../components/KeyValueTable.js';
import { ResultBox } from '../components/ResultBox.js';
import { checkNamesrvList } from '../validate.js';

function SwitchForm({ current, onSwitched }: { current: string; onSwitched: () => void }) {
  const [text, setText] = useState(current);
  const [touched, setTouched] = useState(false);
  const save = useAction(api.setNamesrv);
  const error = touched ? checkNamesrvList(text) : undefined;
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (checkNamesrvList(text)) return;
    if ((await save.run(text.trim())) !== undefined) onSwitched();
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Switch NameServers">
      <div className="wide">
        <Field label="NameServer list" error={error} hint="host:port;host:port — used until the dashboard restarts">
          <input name="addrs" value={text} maxLength={1000} onChange={(e) => setText(e.target.value)} />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.running}>
          {save.running ? 'Switching…' : 'Switch'}
        </button>
      </div>
      <div className="wide">
        <ResultBox error={save.error}>{save.result && `Now using ${save.result.addrs.join(';')}.`}</ResultBox>
      </div>
    </form>
  );
}

function Kv() {
  const [namespace, setNamespace] = useState('ORDER_TOPIC_CONFIG');
  const [shown, setShown] = useState(namespace);
  const kv = useApi(() => api.kv(shown), [shown]);
  return (
    <>
      <form className="toolbar" onSubmit={(e) => { e.preventDefault(); setShown(namespace.trim()); }} aria-label="KV namespace">
        <input name="namespace" aria-label="Namespace" value={namespace} maxLength={255} onChange={(e) => setNamespace(e.target.value)} />
        <button type="submit" className="btn">Show</button>
      </form>
      <Async state={kv}>{(r) => <KeyValueTable label={`KV ${r.namespace}`} entries={pairs(r.items)} />}</Async>
    </>
  );
}

export function NamesrvPage() {
  const info = useApi(api.namesrv, []);
  const config = useApi(api.namesrvConfig, [info.data]);
  const switched = (): void => {
    info.reload();
    window.dispatchEvent(new Event(NAMESRV_CHANGED));
  };
  return (
    <section>
      <h1>NameServers</h1>
      <div className="panel">
        <h2>NameServer list</h2>
        <Async state={info}>{(i) => <SwitchForm current={i.addrs.join(';')} onSwitched={switched} />}</Async>
      </div>
      <div className="grid-2">
        <div className="panel">
          <h2>KV config</h2>
          <Kv />
        </div>
        <div className="panel">
          <h2>Config</h2>
          <Async state={config}>
            {(c) =>
              c.namesrvs.map((n) => (
                <div key={n.namesrvAddr}>
                  <h3>{n.namesrvAddr}</h3>
                  {n.error ? <ErrorBox message={n.error} /> : <KeyValueTable label={`config of ${n.namesrvAddr}`} filterable entries={pairs(n.config)} />}
                </div>
              ))
            }
          </Async>
        </div>
      </div>
    </section>
  );
}
