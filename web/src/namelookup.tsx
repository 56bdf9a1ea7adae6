import { useState } from 'preact/hooks'
import { Offline, gql } from './api'
import { serverMessage } from './forms'
import { t } from './i18n'

// Finding a person by name while the browser holds no name: the name
// typed goes to the server (POST, never a URL), which answers the codes
// of the people of that name in the facilitator's regions, through a
// keyed index of names; the name stays in this field only, never in the
// device's store. Exact once folded: case, accents, spaces, hyphens and
// word order do not count, a misspelling does; homonyms give several.

export interface Match {
  id: string
  code: string
}

export const participantsNamed = `query Named($name: String!) { participantsNamed(name: $name) { id code } }`

/** findByName asks the server; throws Offline. */
export async function findByName(name: string): Promise<{ matches: Match[]; problem?: string }> {
  const a = await gql<{ participantsNamed: Match[] }>(participantsNamed, { name })
  if (a.errors.length) return { matches: [], problem: serverMessage(a.errors[0]) }
  return { matches: a.data?.participantsNamed ?? [] }
}

/** NameLookup is a name field and its answers: each code found is offered
 * to act on (add it, open it), those already taken shown as such. */
export function NameLookup(props: {
  id: string
  online: boolean
  /** The action on a code found, as a button; or a link when href is given. */
  act: (m: Match) => { label: string; onClick?: () => void; href?: string; done?: boolean }
  /** A name to look up at once (the enrolment form's name field). */
  name?: string
}) {
  const [name, setName] = useState('')
  const [answer, setAnswer] = useState<{ matches: Match[]; problem?: string }>()
  const [busy, setBusy] = useState(false)
  const asked = props.name ?? name
  const search = async (e?: Event) => {
    e?.preventDefault()
    if (!asked.trim()) return
    setBusy(true)
    try {
      setAnswer(await findByName(asked))
    } catch (err) {
      setAnswer({ matches: [], problem: err instanceof Offline ? t('name.offline') : String(err) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="lookup" role="search" aria-labelledby={props.id + '-title'}>
      {props.name === undefined && (
        <div class="field">
          <label id={props.id + '-title'} for={props.id}>{t('name.title')}</label>
          <div class="inline">
            <input id={props.id} value={name} autoComplete="off" spellcheck={false} aria-describedby={props.id + '-help'}
              onInput={(e) => { setName(e.currentTarget.value); setAnswer(undefined) }}
              onKeyDown={(e) => { if (e.key === 'Enter') void search(e) }} />
            <button type="button" disabled={!props.online || busy || !name.trim()} onClick={search}>{t('name.search')}</button>
          </div>
        </div>
      )}
      {props.name !== undefined && (
        <button type="button" id={props.id + '-title'} disabled={!props.online || busy || !asked.trim()} onClick={search}>{t('enrol.checkName')}</button>
      )}
      <p id={props.id + '-help'} class="help">{props.online ? t('name.short') : t('name.offline')}</p>
      <details class="help">
        <summary>{t('name.limits')}</summary>
        {t('name.help')}
      </details>
      {answer && (
        <div role="status">
          {answer.problem ? <p class="error">{answer.problem}</p>
            : answer.matches.length === 0 ? <p>{props.name === undefined ? t('name.none') : t('enrol.nameFree')}</p>
            : (
              <>
                <p>{t('name.found', { n: answer.matches.length })}{answer.matches.length > 1 && <> {t('name.homonyms')}</>}</p>
                <ul class="list">
                  {answer.matches.map((m) => {
                    const a = props.act(m)
                    return (
                      <li key={m.id}>
                        <strong>{m.code}</strong>{' '}
                        {a.done ? <span class="help">{t('name.alreadyAdded')}</span>
                          : a.href ? <a href={a.href}>{a.label}</a>
                          : <button type="button" onClick={a.onClick}>{a.label}</button>}
                      </li>
                    )
                  })}
                </ul>
              </>
            )}
        </div>
      )}
    </div>
  )
}
