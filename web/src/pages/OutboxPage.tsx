import { useEffect, useState } from 'preact/hooks'
import { useApp } from '../app'
import type { OutboxItem } from '../db'
import { fieldLabel, serverMessage } from '../forms'
import { language, t, type MessageKey } from '../i18n'
import { blockers, kindOf } from '../outbox'

// What waits to be sent, what was sent, what was refused and why; a
// refused item is fixed in its form and put back in line.

const formOf: Record<string, string> = {
  holdDialogue: 'dialogue', enrolParticipant: 'enrol', harvestOutcome: 'outcome/fix', reviseOutcome: 'outcome/fix',
  ...Object.fromEntries(['defineFramework', 'changeFrameworkDetails', 'setFrameworkOutcome', 'setFrameworkResult', 'setFrameworkIndicator', 'recordIndicatorValue'].map((m) => [m, 'framework/fix'])),
}

export function OutboxPage() {
  const app = useApp()
  // undefined until read: "nothing waiting" is said only once it is known
  const [items, setItems] = useState<OutboxItem[]>()
  const reload = () => void app.outbox.list().then(setItems, () => setItems([])) // locked: a role without an outbox
  useEffect(reload, [app.outbox, app.lastDrain])
  const stopped = app.lastDrain?.stopped
  const name = (x: OutboxItem) => `${kindOf(x)} ${x.summary}`
  return (
    <section>
      <h1>{t('outbox.title')}</h1>
      {stopped && <p class="notice state-waiting" role="status">{t(('outbox.stopped.' + stopped) as MessageKey)}</p>}
      <button type="button" disabled={!app.online} onClick={() => void app.drain().then(reload)}>
        {t('outbox.send')}
      </button>
      {items === undefined ? null : items.length === 0 ? (
        <p>{t('outbox.empty')}</p>
      ) : (
        <ol class="list outbox">
          {items.map((i) => {
            const waitsFor = blockers(i, items)
            const refused = waitsFor.filter((x) => x.state === 'refused')
            return (
              <li key={i.seq} class={'item state-' + i.state}>
                <span class="state">{t(('outbox.' + i.state) as MessageKey)}</span>{' '}
                <span class="kind">{kindOf(i)}</span> <strong>{i.summary}</strong>{' '}
                <span class="help">{new Date(i.createdAt).toLocaleString(language())}</span>
                {i.state !== 'sent' && !app.outbox.ownsItem(i) && <p class="help">{t('outbox.otherToken')}</p>}
                {refused.length > 0 ? <p class="help">{t('outbox.afterRefused', { what: refused.map(name).join(', ') })}</p>
                  : waitsFor.length > 0 && <p class="help">{t('outbox.after', { what: waitsFor.map(name).join(', ') })}</p>}
                {i.state === 'refused' && i.error && (
                  <div>
                    <p class="error" role="alert">
                      {!i.error.problems && fieldLabel(i.error) ? `${fieldLabel(i.error)} : ` : ''}
                      {serverMessage(i.error)}
                    </p>
                    {formOf[i.mutation] && <a href={`#/${formOf[i.mutation]}/${i.seq}`}>{t('outbox.fix')}</a>}{' '}
                    <button type="button" class="link" onClick={() => void app.outbox.remove(i.seq!).then(reload)}>
                      {t('outbox.discard')}
                    </button>
                  </div>
                )}
              </li>
            )
          })}
        </ol>
      )}
    </section>
  )
}
