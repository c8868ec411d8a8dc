// Producers: the online connections of a producer group that sends to a topic.
import { useState, type FormEvent } from 'react';
import { api } from '../api/endpoints.js';
import { useApi } from '../api/useApi.js';
import { Async } from '../components/Async.js';
import { ConnectionsTable } from '../components/ConnectionTables.js';
import { Field } from '../components/Field.js';
import { setParams, type Route } from '../router.js';
import { checkName } from '../validate.js';

export function ProducersPage({ route }: { route: Route }) {
  const group = route.params.get('group') ?? '';
  const topic = route.params.get('topic') ?? '';
  const [groupText, setGroupText] = useState(group);
  const [topicText, setTopicText] = useState(topic);
  const [touched, setTouched] = useState(false);
  const conn = useApi(group && topic ? () => api.producerConnection(group, topic) : undefined, [group, topic, route.params.get('run')]);
  const errors = touched ? { group: checkName('Producer group', groupText.trim(), 255), topic: checkName('Topic', topicText.trim()) } : {};

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (checkName('Producer group', groupText.trim(), 255) || checkName('Topic', topicText.trim())) return;
    setParams(route, { group: groupText.trim(), topic: topicText.trim(), run: Date.now() });
  };

  return (
    <section>
      <h1>Producers</h1>
      <div className="panel">
        <form className="form" onSubmit={submit} noValidate aria-label="Producer query">
          <Field label="Producer group" error={errors.group}>
            <input name="group" value={groupText} maxLength={255} onChange={(e) => setGroupText(e.target.value)} />
          </Field>
          <Field label="Topic" error={errors.topic}>
            <input name="topic" value={topicText} maxLength={255} onChange={(e) => setTopicText(e.target.value)} />
          </Field>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary">
              Show connections
            </button>
          </div>
        </form>
      </div>
      {!(group && topic) && <p className="muted">A producer group is known to the broker that serves the topic: give both.</p>}
      {group && topic && (
        <Async state={conn}>
          {(c) => (
            <>
              <h2>
                {c.group} → {c.topic}
              </h2>
              <ConnectionsTable connections={c.connections} label="producer connections" />
            </>
          )}
        </Async>
      )}
    </section>
  );
}
