import { useApp } from '../app'
import { t } from '../i18n'
import { NameLookup } from '../namelookup'

// The facilitator's participants, by code: the device holds codes only,
// never a name. A name is looked up on the server, which answers codes.
// A code opens the profile to correct.
export function Participants() {
  const app = useApp()
  const list = app.reference?.participants ?? []
  return (
    <section>
      <h1>{t('nav.participants')}</h1>
      <NameLookup id="participant-name" online={app.online} act={(m) => ({ label: t('name.open', { code: m.code }), href: `#/participant/${m.id}` })} />
      {list.length === 0 ? <p>{t('home.none')}</p> : (
        <ul class="list columns">
          {list.map((p) => <li key={p.id}><a href={`#/participant/${p.id}`}>{p.code}</a></li>)}
        </ul>
      )}
    </section>
  )
}
