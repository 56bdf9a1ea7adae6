import { useEffect, useState } from 'preact/hooks'
import { logsDialogues, useApp } from '../app'
import { label } from '../data'
import { download } from '../download'
import { language, t } from '../i18n'

export function Home() {
  const app = useApp()
  const [waiting, setWaiting] = useState(0)
  useEffect(() => {
    void app.outbox.list().then((items) => setWaiting(items.filter((i) => i.state !== 'sent').length))
  }, [app.outbox, app.lastDrain])
  const ref = app.reference
  const lang = language()
  if (!logsDialogues(app.session.role)) {
    return (
      <section>
        <h1>{t('home.title')}</h1>
        <p>{t('role.other')}</p>
      </section>
    )
  }
  return (
    <section>
      <h1>{t('home.title')}</h1>
      {waiting > 0 && (
        <p class="notice state-waiting">
          <a href="#/outbox">{t('home.waiting', { n: waiting })}</a>
        </p>
      )}
      <h2>{t('home.recent')}</h2>
      {!ref || ref.dialogues.length === 0 ? (
        <p>{t('home.none')}</p>
      ) : (
        <ul class="list">
          {ref.dialogues.map((d) => (
            <li key={d.id}>
              <a href={`#/view/${d.id}`}>
                <span>{d.heldOn}</span> <strong>{d.space?.name}</strong> <span>{label(ref, lang, 'DialogueFormat', d.format)}</span>
              </a>
              {d.attendance != null && <span class="count">{t('home.attendance', { n: new Intl.NumberFormat(lang).format(d.attendance) })}</span>}
            </li>
          ))}
        </ul>
      )}
      {ref && <p class="help">{t('home.cachedAt', { at: new Date(ref.at).toLocaleString(lang) })}</p>}
      <h2>{t('home.form')}</h2>
      <p>{t('home.formExplain')}</p>
      <button type="button" disabled={!app.online} onClick={() => void download('/form/dialogue.xlsx', 'palabre_dialogue.xlsx')}>{t('home.formDownload')}</button>
    </section>
  )
}
