import { useEffect, useRef, useState } from 'preact/hooks'
import { Offline, gql, gqlWithToken, type ApiError } from '../api'
import { useApp } from '../app'
import { label } from '../data'
import { Field, RegionSelect, serverMessage } from '../forms'
import { TokenField, bearerRefusal } from './bearer'
import { language, t } from '../i18n'
import { count, day } from '../numbers'
import { ulid } from '../ulid'
import './admin.css'

// An erasure, the most serious thing an admin does, from what the screens
// show: the person found by code (with what will be erased: code, region,
// dialogues attended, enrolment date — never a name), confirmed, and done
// at once, online only, never queued in the outbox. A browser session may
// not erase alone: the admin presents their token again, sent with that
// one request and kept nowhere, so a laptop left signed in cannot be
// used to erase people.

interface Person {
  id: string
  code: string
  region: string
  erased: boolean
  erasedOn: string | null
  dialogues: { totalCount: number | null }
  changes: { recordedAt: string }[]
}

const find = `query Find($code: String!) { participants(code: $code, first: 10) { edges { node {
  id code region erased erasedOn dialogues(first: 1) { totalCount } changes { recordedAt } } } } }`
const erase = `mutation Erase($commandId: ID!, $id: ID!, $input: EraseParticipantInput!) {
  eraseParticipant(commandId: $commandId, id: $id, input: $input) { id code erased erasedOn } }`

/** erasureRefusal says why an erasure was refused, in the reader's
 * language, by the error's code. */
export function erasureRefusal(e: ApiError): string {
  return e.code === 'NOT_FOUND' ? t('erase.gone') : bearerRefusal(e)
}

function Found({ p }: { p: Person }) {
  const app = useApp()
  const enrolled = p.changes[0]?.recordedAt
  return (
    <dl class="facts">
      <dt>{t('enrol.code')}</dt><dd>{p.code}</dd>
      <dt>{t('enrol.region')}</dt><dd>{label(app.reference, language(), 'Region', p.region)}</dd>
      <dt>{t('erase.dialogues')}</dt><dd>{p.dialogues.totalCount === null ? '—' : count(p.dialogues.totalCount)}</dd>
      <dt>{t('erase.enrolledOn')}</dt><dd>{enrolled ? day(enrolled) : '—'}</dd>
      {p.erased && <><dt>{t('erase.erasedOn')}</dt><dd>{p.erasedOn ? day(p.erasedOn) : '—'}</dd></>}
    </dl>
  )
}

/** Erasure finds, shows and erases; on its own page (asPage) its title is
 * the page's. */
export function Erasure({ code: initial = '', asPage = false }: { code?: string; asPage?: boolean }) {
  const app = useApp()
  const [code, setCode] = useState(initial)
  const [found, setFound] = useState<Person[]>()
  const [chosen, setChosen] = useState<Person>()
  const [sure, setSure] = useState(false)
  const [token, setToken] = useState('')
  const [problem, setProblem] = useState('')
  const [done, setDone] = useState<Person>()
  const [busy, setBusy] = useState(false)
  const doneRef = useRef<HTMLParagraphElement>(null)
  const look = async (e?: Event) => {
    e?.preventDefault()
    setProblem('')
    setDone(undefined)
    setChosen(undefined)
    try {
      const a = await gql<{ participants: { edges: { node: Person }[] } }>(find, { code })
      if (a.errors.length) return setProblem(serverMessage(a.errors[0]!))
      const people = a.data!.participants.edges.map((e) => e.node)
      setFound(people)
      if (people.length === 1 && !people[0]!.erased) setChosen(people[0])
    } catch (err) {
      setProblem(err instanceof Offline ? t('erase.offline') : String(err))
    }
  }
  useEffect(() => void (initial && look()), [initial])
  useEffect(() => doneRef.current?.focus(), [done])
  const confirm = async (e: Event) => {
    e.preventDefault()
    if (!chosen || !sure || !token.trim()) return
    setProblem('')
    setBusy(true)
    try {
      const a = await gqlWithToken<{ eraseParticipant: Person }>(token, erase, {
        commandId: ulid(), id: chosen.id, input: { erasedOn: new Date().toISOString().slice(0, 10) },
      })
      if (a.errors.length) return setProblem(erasureRefusal(a.errors[0]!))
      setDone({ ...chosen, ...a.data!.eraseParticipant })
      setChosen(undefined)
      setFound(undefined)
      setSure(false)
    } catch (err) {
      setProblem(err instanceof Offline ? t('erase.offline') : String(err))
    } finally {
      setToken('') // presented for one request, then forgotten
      setBusy(false)
    }
  }
  return (
    <section class={asPage ? 'erasure' : 'card wide erasure'} aria-labelledby="erase-title">
      {asPage ? <h1 id="erase-title">{t('admin.erasure')}</h1> : <h2 id="erase-title">{t('admin.erasure')}</h2>}
      <p>{t('admin.erasureExplain')}</p>
      {done && (
        <p class="notice" role="status" tabIndex={-1} ref={doneRef}>
          {t('erase.done', { code: done.code, on: day(done.erasedOn ?? new Date().toISOString().slice(0, 10)) })}
        </p>
      )}
      <form autoComplete="off" onSubmit={look} class="find">
        <Field id="e-code" label={t('enrol.code')}>
          <input id="e-code" value={code} required autocomplete="off" onInput={(e) => setCode(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={!app.online}>{t('erase.find')}</button>
      </form>
      {!app.online && <p class="help">{t('erase.offline')}</p>}
      {found && found.length === 0 && <p role="status">{t('erase.nobody', { code: code.trim() })}</p>}
      {found && found.length > 0 && !chosen && (
        <ul class="found">
          {found.map((p) => (
            <li key={p.id}>
              <Found p={p} />
              {p.erased ? <p>{t('erase.already')}</p> : <button type="button" onClick={() => setChosen(p)}>{t('erase.choose', { code: p.code })}</button>}
            </li>
          ))}
        </ul>
      )}
      {chosen && (
        <form autoComplete="off" onSubmit={confirm} class="confirm" aria-labelledby="erase-what">
          <h3 id="erase-what">{t('erase.what')}</h3>
          <Found p={chosen} />
          <p>{t('erase.consequence')}</p>
          <label class="check"><input type="checkbox" checked={sure} onChange={(e) => setSure(e.currentTarget.checked)} /> {t('admin.erasureConfirm')}</label>
          <TokenField id="e-token" value={token} onInput={setToken} why={t('erase.tokenWhy')} />
          <button type="submit" class="danger" disabled={!sure || !token.trim() || busy || !app.online}>{t('erase.submit', { code: chosen.code })}</button>
        </form>
      )}
      {problem && <p class="error" role="alert">{problem}</p>}
    </section>
  )
}

/** AdminParticipants lists a region's participants by code, online (an
 * admin's device keeps no participant list), each with a link to its
 * erasure. */
export function AdminParticipants() {
  const app = useApp()
  const [region, setRegion] = useState('')
  const [page, setPage] = useState<{ list: { id: string; code: string }[]; next: string | null; total: number | null }>()
  const [problem, setProblem] = useState('')
  const load = async (after: string | null) => {
    setProblem('')
    try {
      const a = await gql<{ participants: { totalCount: number | null; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string; code: string } }[] } }>(
        `query Codes($region: String!, $after: String) { participants(region: $region, first: 100, after: $after, orderBy: CODE) { totalCount pageInfo { hasNextPage endCursor } edges { node { id code } } } }`,
        { region, after },
      )
      if (a.errors.length) return setProblem(serverMessage(a.errors[0]!))
      const c = a.data!.participants
      setPage({ list: [...(after ? (page?.list ?? []) : []), ...c.edges.map((e) => e.node)], next: c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null, total: c.totalCount })
    } catch (err) {
      setProblem(err instanceof Offline ? t('status.offline') : String(err))
    }
  }
  useEffect(() => void (region && load(null)), [region])
  return (
    <section class="admin-participants">
      <h1>{t('nav.participants')}</h1>
      <p><a href="#/erase">{t('erase.byCode')}</a></p>
      <div class="card wide">
        <h2>{t('erase.byRegion')}</h2>
        <Field id="p-region" label={t('enrol.region')}>
          <RegionSelect id="p-region" ref_={app.reference} value={region} onChange={setRegion} blank={t('form.choose')} />
        </Field>
        {problem && <p class="error" role="alert">{problem}</p>}
        {page && <p>{t('erase.listed', { n: count(page.total ?? page.list.length) })}</p>}
        {page && (
          <ul class="codes">
            {page.list.map((p) => <li key={p.id}><span>{p.code}</span> <a href={`#/erase/${encodeURIComponent(p.code)}`}>{t('erase.link')}</a></li>)}
          </ul>
        )}
        {page?.next && <button type="button" onClick={() => void load(page.next)}>{t('erase.more')}</button>}
      </div>
    </section>
  )
}

/** ErasePage is an erasure on its own page, from a code in a link. */
export default function ErasePage({ code }: { code?: string }) {
  return <Erasure code={code} asPage />
}
