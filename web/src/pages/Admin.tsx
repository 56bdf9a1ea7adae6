import qrcode from 'qrcode-generator'
import { useEffect, useState } from 'preact/hooks'
import { Offline, gql, gqlWithToken } from '../api'
import { useApp } from '../app'
import { Refused, download } from '../download'
import { Field, RegionSelect, VocabularySelect, terms } from '../forms'
import { language, t } from '../i18n'
import { day } from '../numbers'
import { label } from '../data'
import { ulid } from '../ulid'
import { Erasure } from './Erasure'
import { TokenField, bearerRefusal } from './bearer'
import './admin.css'

// The admins' page: tokens (a new one shown once, also as a QR code for a
// phone; listed; revoked), spaces and stakeholders, a participant's
// erasure (Erasure.tsx), and a backup download. Tokens and erasures are
// made online, at once; the other writes go through the outbox.

interface Token {
  id: string
  subject: string
  role: string
  regions: string[]
  created: string
  expires: string
  revoked: string | null
}

/** QR draws a QR code of a text as SVG squares: no inline style, so the
 * page's content policy holds. */
export function QR({ text, label }: { text: string; label: string }) {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const n = qr.getModuleCount()
  const cells = []
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.isDark(r, c)) cells.push(<rect key={r * n + c} x={c + 4} y={r + 4} width="1" height="1" />)
    }
  }
  return (
    <svg class="qr" viewBox={`0 0 ${n + 8} ${n + 8}`} role="img" aria-label={label}>
      <rect width={n + 8} height={n + 8} fill="#fff" />
      <g fill="#000">{cells}</g>
    </svg>
  )
}

function Tokens() {
  const app = useApp()
  const ref = app.reference
  const [tokens, setTokens] = useState<Token[]>([])
  const [role, setRole] = useState('')
  const [regions, setRegions] = useState<string[]>([])
  const [subject, setSubject] = useState('')
  const [days, setDays] = useState('90')
  const [created, setCreated] = useState<{ secret: string; subject: string }>()
  const [problem, setProblem] = useState('')
  const [bearer, setBearer] = useState('')
  const load = () => void gql<{ tokens: Token[] }>('{ tokens { id subject role regions created expires revoked } }').then((a) => setTokens(a.data?.tokens ?? []), () => undefined)
  useEffect(load, [])
  // asAdmin sends one token mutation with the presented token, then
  // forgets it; true when it was accepted.
  const asAdmin = async <T,>(document: string, variables: Record<string, unknown>): Promise<T | undefined> => {
    setProblem('')
    if (!bearer.trim()) return void setProblem(t('admin.tokenNeeded'))
    try {
      const a = await gqlWithToken<T>(bearer, document, variables)
      if (a.errors.length) return void setProblem(bearerRefusal(a.errors[0]!))
      return a.data
    } catch (err) {
      setProblem(err instanceof Offline ? t('status.offline') : String(err))
    } finally {
      setBearer('')
    }
  }
  const create = async (e: Event) => {
    e.preventDefault()
    const made = await asAdmin<{ createToken: { secret: string; token: Token } }>(
      `mutation New($c: ID!, $role: Role!, $regions: [String!], $subject: String, $days: Int) {
        createToken(commandId: $c, role: $role, regions: $regions, subject: $subject, expiresInDays: $days) { secret token { id subject } } }`,
      { c: ulid(), role, regions: role === 'FACILITATOR' ? regions : [], subject: subject || undefined, days: Number(days) },
    )
    if (made) {
      setCreated({ secret: made.createToken.secret, subject: made.createToken.token.subject })
      load()
    }
  }
  const revoke = async (id: string) => {
    if (await asAdmin(`mutation Revoke($c: ID!, $id: ID!) { revokeToken(commandId: $c, id: $id) { id } }`, { c: ulid(), id })) load()
  }
  return (
    <section>
      <h2>{t('admin.tokens')}</h2>
      {created && (
        <div class="card secret" role="status">
          <p>{t('admin.tokenOnce', { subject: created.subject })}</p>
          <code class="token">{created.secret}</code>
          <QR text={created.secret} label={t('admin.qr')} />
          <button type="button" onClick={() => setCreated(undefined)}>{t('admin.tokenDone')}</button>
        </div>
      )}
      <form autoComplete="off" class="card wide" onSubmit={create} aria-label={t('admin.newToken')}>
        <Field id="t-role" label={t('admin.role')}>
          <VocabularySelect id="t-role" vocabulary="Role" ref_={ref} value={role} onChange={setRole} required />
        </Field>
        {role === 'FACILITATOR' && (
          <fieldset>
            <legend>{t('enrol.region')}</legend>
            {terms(ref, 'Region').map((r) => (
              <label key={r.code} class="check">
                <input type="checkbox" checked={regions.includes(r.code)} onChange={(e) => setRegions(e.currentTarget.checked ? [...regions, r.code] : regions.filter((x) => x !== r.code))} /> {r.label}
              </label>
            ))}
          </fieldset>
        )}
        <Field id="t-subject" label={t('admin.subject')}>
          <input id="t-subject" value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
        </Field>
        <Field id="t-days" label={t('admin.days')}>
          <input id="t-days" type="number" min="1" max="1825" value={days} onInput={(e) => setDays(e.currentTarget.value)} />
        </Field>
        <TokenField id="t-bearer" value={bearer} onInput={setBearer} why={t('admin.tokenWhy')} />
        {problem && <p class="error" role="alert">{problem}</p>}
        <button type="submit" class="primary">{t('admin.newToken')}</button>
      </form>
      <table class="tokens">
        <caption class="help">{t('admin.revokeHow')}</caption>
        <thead>
          <tr><th scope="col">{t('admin.subject')}</th><th scope="col">{t('admin.role')}</th><th scope="col">{t('enrol.region')}</th><th scope="col">{t('admin.expires')}</th><th scope="col" /></tr>
        </thead>
        <tbody>
          {tokens.map((tok) => (
            <tr key={tok.id}>
              <td>{tok.subject}</td><td data-label={t('admin.role')}>{label(ref, language(), 'Role', tok.role)}</td><td data-label={t('enrol.region')}>{tok.regions.map((r) => label(ref, language(), 'Region', r)).join(', ')}</td><td data-label={t('admin.expires')}>{day(tok.expires)}</td>
              <td>{tok.revoked ? t('admin.revoked') : <button type="button" disabled={!bearer.trim()} onClick={() => void revoke(tok.id)}>{t('admin.revoke')}<span class="sr-only"> {tok.subject}</span></button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

// Spaces: a new one, or one of the list changed or closed.
function Spaces() {
  const app = useApp()
  const ref = app.reference
  const blank = { name: '', kind: '', region: '', pillar: '', locality: '', establishedOn: new Date().toISOString().slice(0, 10) }
  const [f, setF] = useState(blank)
  const [editing, setEditing] = useState('')
  const [closing, setClosing] = useState({ on: new Date().toISOString().slice(0, 10), reason: '' })
  const [saved, setSaved] = useState('')
  const set = (k: keyof typeof f, v: string) => setF({ ...f, [k]: v })
  const pick = async (id: string) => {
    setEditing(id)
    setSaved('')
    if (!id) return setF(blank)
    const a = await gql<{ space: { name: string; kind: string; region: string; pillar: string; locality: string | null; establishedOn: string } | null }>(
      'query S($id: ID!) { space(id: $id) { name kind region pillar locality establishedOn } }', { id })
    const sp = a.data?.space
    if (sp) setF({ ...sp, locality: sp.locality ?? '' })
  }
  const send = async (mutation: string, input: string, objectId: string, variables: Record<string, unknown>) => {
    const commandId = ulid()
    await app.outbox.add({
      mutation, objectId, summary: f.name,
      document: `mutation M($commandId: ID!${editing ? ', $id: ID!' : ''}, $input: ${input}!) { ${mutation}(commandId: $commandId${editing ? ', id: $id' : ''}, input: $input) { id } }`,
      variables: { commandId, ...(editing ? { id: editing } : {}), ...variables },
    })
    setSaved(t('action.saved'))
    await app.drain()
  }
  const submit = (e: Event) => {
    e.preventDefault()
    const details = { name: f.name, kind: f.kind, region: f.region, pillar: f.pillar, locality: f.locality || undefined }
    if (editing) return void send('changeSpaceDetails', 'SpaceDetailsInput', editing, { input: details })
    const id = ulid()
    void app.outbox.add({
      mutation: 'establishSpace', objectId: id, summary: f.name,
      document: `mutation Establish($commandId: ID!, $input: EstablishSpaceInput!) { establishSpace(commandId: $commandId, input: $input) { id } }`,
      variables: { commandId: id, input: { ...details, establishedOn: f.establishedOn } },
    }).then(() => { setSaved(t('action.saved')); void app.drain() })
  }
  const close = (e: Event) => {
    e.preventDefault()
    void send('closeSpace', 'CloseSpaceInput', editing, { input: { closedOn: closing.on, reason: closing.reason || undefined } })
  }
  return (
    <>
      <form autoComplete="off" class="card wide" onSubmit={submit} aria-labelledby="space-title">
        <h2 id="space-title">{editing ? t('admin.changeSpace') : t('admin.newSpace')}</h2>
        {saved && <p class="notice" role="status">{saved}</p>}
        <Field id="s-which" label={t('admin.whichSpace')}>
          <select id="s-which" value={editing} onChange={(e) => void pick(e.currentTarget.value)}>
            <option value="">{t('admin.newSpace')}</option>
            {(ref?.spaces ?? []).map((sp) => <option key={sp.id} value={sp.id}>{sp.name}</option>)}
          </select>
        </Field>
        <Field id="s-name" label={t('admin.name')}><input id="s-name" value={f.name} required onInput={(e) => set('name', e.currentTarget.value)} /></Field>
        <Field id="s-kind" label={t('admin.kind')}><VocabularySelect id="s-kind" vocabulary="SpaceKind" ref_={ref} value={f.kind} onChange={(v) => set('kind', v)} required /></Field>
        <Field id="s-region" label={t('enrol.region')}>
          <RegionSelect id="s-region" ref_={ref} value={f.region} onChange={(v) => set('region', v)} blank={t('form.choose')} required />
        </Field>
        <Field id="s-pillar" label={t('dialogue.pillar')}><VocabularySelect id="s-pillar" vocabulary="Pillar" ref_={ref} value={f.pillar} onChange={(v) => set('pillar', v)} required /></Field>
        <Field id="s-locality" label={t('dialogue.locality')}><input id="s-locality" value={f.locality} onInput={(e) => set('locality', e.currentTarget.value)} /></Field>
        {!editing && <Field id="s-on" label={t('admin.establishedOn')}><input id="s-on" type="date" value={f.establishedOn} onInput={(e) => set('establishedOn', e.currentTarget.value)} /></Field>}
        <button type="submit" class="primary">{editing ? t('commitment.submit') : t('admin.establish')}</button>
      </form>
      {editing && (
        <form autoComplete="off" class="card wide" onSubmit={close} aria-labelledby="close-title">
          <h2 id="close-title">{t('admin.closeSpace')}</h2>
          <Field id="c-on" label={t('admin.closedOn')}><input id="c-on" type="date" value={closing.on} onInput={(e) => setClosing({ ...closing, on: e.currentTarget.value })} /></Field>
          <Field id="c-reason" label={t('commitment.note')}><input id="c-reason" value={closing.reason} onInput={(e) => setClosing({ ...closing, reason: e.currentTarget.value })} /></Field>
          <button type="submit">{t('admin.closeSpace')}</button>
        </form>
      )}
    </>
  )
}

// Stakeholders: a new one, or one of the list changed.
function Stakeholders() {
  const app = useApp()
  const ref = app.reference
  const blank = { name: '', type: '', level: '', region: '' }
  const [f, setF] = useState(blank)
  const [editing, setEditing] = useState('')
  const [saved, setSaved] = useState('')
  const set = (k: keyof typeof f, v: string) => setF({ ...f, [k]: v })
  const pick = async (id: string) => {
    setEditing(id)
    setSaved('')
    if (!id) return setF(blank)
    const a = await gql<{ stakeholder: { name: string; type: string; level: string; region: string | null } | null }>(
      'query H($id: ID!) { stakeholder(id: $id) { name type level region } }', { id })
    const h = a.data?.stakeholder
    if (h) setF({ ...h, region: h.region ?? '' })
  }
  const submit = async (e: Event) => {
    e.preventDefault()
    const commandId = ulid()
    const mutation = editing ? 'changeStakeholderDetails' : 'registerStakeholder'
    await app.outbox.add({
      mutation, objectId: editing || commandId, summary: f.name,
      document: editing
        ? `mutation Change($commandId: ID!, $id: ID!, $input: StakeholderInput!) { changeStakeholderDetails(commandId: $commandId, id: $id, input: $input) { id } }`
        : `mutation Register($commandId: ID!, $input: StakeholderInput!) { registerStakeholder(commandId: $commandId, input: $input) { id } }`,
      variables: { commandId, ...(editing ? { id: editing } : {}), input: { ...f, region: f.region || undefined } },
    })
    setSaved(t('action.saved'))
    await app.drain()
  }
  return (
    <form autoComplete="off" class="card wide" onSubmit={submit} aria-labelledby="holder-title">
      <h2 id="holder-title">{editing ? t('admin.changeStakeholder') : t('admin.newStakeholder')}</h2>
      {saved && <p class="notice" role="status">{saved}</p>}
      <Field id="h-which" label={t('dialogue.commitmentStakeholder')}>
        <select id="h-which" value={editing} onChange={(e) => void pick(e.currentTarget.value)}>
          <option value="">{t('admin.newStakeholder')}</option>
          {(ref?.stakeholders ?? []).map((h) => <option key={h.id} value={h.id}>{h.name}</option>)}
        </select>
      </Field>
      <Field id="h-name" label={t('admin.name')}><input id="h-name" value={f.name} required onInput={(e) => set('name', e.currentTarget.value)} /></Field>
      <Field id="h-type" label={t('admin.type')}><VocabularySelect id="h-type" vocabulary="StakeholderType" ref_={ref} value={f.type} onChange={(v) => set('type', v)} required /></Field>
      <Field id="h-level" label={t('admin.level')}><VocabularySelect id="h-level" vocabulary="StakeholderLevel" ref_={ref} value={f.level} onChange={(v) => set('level', v)} required /></Field>
      <Field id="h-region" label={t('enrol.region')}>
        <RegionSelect id="h-region" ref_={ref} value={f.region} onChange={(v) => set('region', v)} blank={t('form.none')} />
      </Field>
      <button type="submit" class="primary">{editing ? t('commitment.submit') : t('admin.register')}</button>
    </form>
  )
}

// Backup downloads a copy of the events, with the admin's token
// presented for that request.
function Backup() {
  const [bearer, setBearer] = useState('')
  const [problem, setProblem] = useState('')
  const save = async (e: Event) => {
    e.preventDefault()
    setProblem('')
    if (!bearer.trim()) return setProblem(t('admin.tokenNeeded'))
    try {
      await download('/admin/backup', `palabre-${new Date().toISOString().slice(0, 10)}.backup`, bearer)
    } catch (err) {
      setProblem(err instanceof Refused ? bearerRefusal(err.error) : err instanceof Offline ? t('status.offline') : String(err))
    } finally {
      setBearer('')
    }
  }
  return (
    <form autoComplete="off" class="card wide" onSubmit={save} aria-labelledby="backup-title">
      <h2 id="backup-title">{t('admin.backup')}</h2>
      <p>{t('admin.backupExplain')}</p>
      <TokenField id="b-bearer" value={bearer} onInput={setBearer} why={t('admin.tokenWhy')} />
      {problem && <p class="error" role="alert">{problem}</p>}
      <button type="submit">{t('admin.download')}</button>
    </form>
  )
}

export default function Admin() {
  return (
    <section>
      <h1>{t('admin.title')}</h1>
      <Tokens />
      <Spaces />
      <Stakeholders />
      <Erasure />
      <Backup />
    </section>
  )
}
