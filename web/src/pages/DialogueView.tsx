import { useState } from 'preact/hooks'
import { useApp } from '../app'
import { AttendanceFields, attendanceInput, type Attendance } from '../attendance'
import { headcountProblems, rules } from '../checks'
import { label } from '../data'
import { Field, Saved } from '../forms'
import { useQuery } from '../query'
import { language, t, type MessageKey } from '../i18n'
import { ulid } from '../ulid'
import { readableSubject } from '../who'

// One dialogue as its region's facilitator sees it, with its history, and
// the two corrections a facilitator makes: its attendance (replaced
// whole), or its retraction, with a reason.

interface Dialogue {
  id: string
  heldOn: string
  format: string
  pillar: string
  title: string | null
  topics: string[]
  locality: string | null
  language: string | null
  durationMinutes: number | null
  concerns: { category: string; summary: string | null }[]
  retracted: boolean
  space: { name: string } | null
  attendees: { participantId: string; spoke: boolean; participant: { code: string } | null }[] | null
  headcount: Attendance['headcount'] | null
  stakeholders: { name: string }[]
  commitments: { id: string; text: string }[]
  changes: { type: string; recordedAt: string; recordedBy: string }[]
}

const query = `query View($id: ID!) { dialogue(id: $id) { id heldOn format pillar title topics locality language durationMinutes concerns { category summary } retracted space { name }
  attendees { participantId spoke participant { code } } headcount { youngWomen adultWomen youngMen adultMen withDisabilities displaced }
  stakeholders { name } commitments { id text } changes { type recordedAt recordedBy } } }`

// attendanceOf is a dialogue's attendance as recorded, in the form's shape.
function attendanceOf(d: Dialogue): Attendance {
  return {
    attendees: (d.attendees ?? []).map((a) => ({ participantId: a.participantId, spoke: a.spoke, code: a.participant?.code ?? a.participantId })),
    headcount: d.headcount ?? { youngWomen: 0, adultWomen: 0, youngMen: 0, adultMen: 0, withDisabilities: 0, displaced: 0 },
  }
}

// count writes a number as the reader's language does.
const count = (n: number) => new Intl.NumberFormat(language()).format(n)

// DialogueFacts are the meeting's details.
function DialogueFacts({ d }: { d: Dialogue }) {
  const ref = useApp().reference
  const lang = language()
  return (
    <dl class="facts">
      <div><dt>{t('dialogue.space')}</dt><dd>{d.space?.name ?? '—'}</dd></div>
      <div><dt>{t('dialogue.heldOn')}</dt><dd>{d.heldOn}</dd></div>
      <div><dt>{t('dialogue.format')}</dt><dd>{label(ref, lang, 'DialogueFormat', d.format)}</dd></div>
      <div><dt>{t('dialogue.pillar')}</dt><dd>{label(ref, lang, 'Pillar', d.pillar)}</dd></div>
      {d.topics.length > 0 && <div><dt>{t('dialogue.topicsShort')}</dt><dd>{d.topics.join(', ')}</dd></div>}
      {d.locality && <div><dt>{t('dialogue.locality')}</dt><dd>{d.locality}</dd></div>}
      {d.language && <div><dt>{t('dialogue.language')}</dt><dd>{d.language}</dd></div>}
      {d.durationMinutes != null && <div><dt>{t('dialogue.duration')}</dt><dd>{count(d.durationMinutes)}</dd></div>}
    </dl>
  )
}

// AttendanceRecorded is who attended: the registered participants by code
// and the headcount of the others.
function AttendanceRecorded({ current }: { current: Attendance }) {
  const h = current.headcount
  const unregistered = h.youngWomen + h.adultWomen + h.youngMen + h.adultMen
  const row = (name: string, n: number) => <tr><th scope="row">{name}</th><td class="num">{count(n)}</td></tr>
  return (
    <>
      <h2>{t('view.registered')} ({count(current.attendees.length)})</h2>
      {current.attendees.length === 0 ? <p>{t('form.none')}</p> : (
        <ul class="list">
          {current.attendees.map((a) => <li key={a.participantId}><strong>{a.code}</strong>{a.spoke && <> — {t('view.spoke')}</>}</li>)}
        </ul>
      )}
      <div class="scroll">
        <table class="compact">
          <caption>{t('view.headcount')}</caption>
          <tbody>
            {row(`${t('dialogue.women')} — ${t('dialogue.young')}`, h.youngWomen)}
            {row(`${t('dialogue.women')} — ${t('dialogue.adult')}`, h.adultWomen)}
            {row(`${t('dialogue.men')} — ${t('dialogue.young')}`, h.youngMen)}
            {row(`${t('dialogue.men')} — ${t('dialogue.adult')}`, h.adultMen)}
            {row(t('view.total'), unregistered)}
            {row(t('dialogue.withDisabilities'), h.withDisabilities)}
            {row(t('dialogue.displaced'), h.displaced)}
          </tbody>
        </table>
      </div>
    </>
  )
}

// DialogueCorrections are the two corrections a facilitator makes: the
// attendance, replaced whole, and the retraction, with a reason; each is
// queued and sent at once.
function DialogueCorrections({ d, current, summary, onSaved, corrections }: { d: Dialogue; current: Attendance; summary: string; onSaved: (message: string) => void; corrections: Corrections }) {
  const app = useApp()
  const { attendance, setAttendance, reason, setReason } = corrections
  const codes = new Map((app.reference?.participants ?? []).map((p) => [p.id, p.code]))
  const correct = async (e: Event) => {
    e.preventDefault()
    if (!attendance || Object.keys(headcountProblems(attendance.headcount)).length > 0) return
    await app.outbox.add({
      mutation: 'correctDialogueAttendance', objectId: d.id, refersTo: attendance.attendees.map((a) => a.participantId), summary: `${t('view.correct')} — ${summary}`,
      document: `mutation Correct($commandId: ID!, $id: ID!, $input: AttendanceInput!) { correctDialogueAttendance(commandId: $commandId, id: $id, input: $input) { id } }`,
      variables: { commandId: ulid(), id: d.id, input: attendanceInput(attendance) },
    })
    setAttendance(undefined)
    onSaved(t('action.saved'))
    await app.drain()
  }
  const retract = async (e: Event) => {
    e.preventDefault()
    if (!reason.trim()) return
    await app.outbox.add({
      mutation: 'retractDialogue', objectId: d.id, summary: `${t('view.retract')} — ${summary}`,
      document: `mutation Retract($commandId: ID!, $id: ID!, $input: RetractDialogueInput!) { retractDialogue(commandId: $commandId, id: $id, input: $input) { id } }`,
      variables: { commandId: ulid(), id: d.id, input: { reason: reason.trim() } },
    })
    onSaved(t('action.saved'))
    await app.drain()
  }
  return (
    <>
      {attendance ? (
        <form autoComplete="off" class="card wide" onSubmit={correct} aria-labelledby="correct-title">
          <h2 id="correct-title">{t('view.correct')}</h2>
          <AttendanceFields value={attendance} onChange={setAttendance} codes={codes} online={app.online} problems={headcountProblems(attendance.headcount)} />
          <button type="submit" class="primary">{t('view.saveAttendance')}</button>
        </form>
      ) : (
        <button type="button" onClick={() => setAttendance(current)}>{t('view.correct')}</button>
      )}
      <form autoComplete="off" class="card wide" onSubmit={retract} aria-labelledby="retract-title">
        <h2 id="retract-title">{t('view.retract')}</h2>
        <p class="help">{t('view.retractExplain')}</p>
        <Field id="reason" label={t('commitment.reason')}>
          <input id="reason" value={reason} required maxLength={rules.maxLength.retractReason} onInput={(e) => setReason(e.currentTarget.value)} />
        </Field>
        <button type="submit">{t('view.retract')}</button>
      </form>
    </>
  )
}

// useCorrections are the corrections being written: the attendance and
// the retraction's reason. They are the page's, so that they outlive a
// reload that fails.
function useCorrections() {
  const [attendance, setAttendance] = useState<Attendance>()
  const [reason, setReason] = useState('')
  return { attendance, setAttendance, reason, setReason }
}

type Corrections = ReturnType<typeof useCorrections>

export function DialogueView({ id }: { id: string }) {
  const app = useApp()
  const ref = app.reference
  const lang = language()
  const corrections = useCorrections()
  const [saved, setSaved] = useState('')
  // Kept on the device for offline: a dialogue's codes, never a name.
  const [data, problem, , kept] = useQuery<{ dialogue: Dialogue | null }>(query, { id }, [id, app.lastDrain], app)
  const d = data?.dialogue
  if (problem) return <p class="error" role="alert">{problem}</p>
  if (!d) return <p class="loading">…</p>
  const current = attendanceOf(d)
  const summary = `${d.heldOn} — ${d.space?.name ?? ''}`
  return (
    <section>
      <h1>{d.title ?? summary}</h1>
      {kept && <p class="notice state-waiting" role="status">{t('status.keptAt', { at: new Date(kept.at).toLocaleString(lang) })}</p>}
      {d.retracted && <p class="notice state-refused">{t('view.retracted')}</p>}
      <h2>{t('view.details')}</h2>
      <DialogueFacts d={d} />
      <AttendanceRecorded current={current} />
      <h2>{t('dialogue.concerns')}</h2>
      {d.concerns.length === 0 ? <p>{t('form.none')}</p> : (
        <ul class="list">
          {d.concerns.map((c, i) => <li key={i}><strong>{label(ref, lang, 'ConcernCategory', c.category)}</strong>{c.summary && <> — {c.summary}</>}</li>)}
        </ul>
      )}
      <h2>{t('dialogue.stakeholders')}</h2>
      <p>{d.stakeholders.map((s) => s.name).join(', ') || t('form.none')}</p>
      {d.commitments.length > 0 && (
        <>
          <h2>{t('dialogue.commitments')}</h2>
          <ul class="list">{d.commitments.map((c) => <li key={c.id}>{c.text}</li>)}</ul>
        </>
      )}
      <h2>{t('commitment.history')}</h2>
      <ol class="list">
        {d.changes.map((c, i) => <li key={i}>{new Date(c.recordedAt).toLocaleString(lang)} — {t(('change.' + c.type) as MessageKey)} <span class="help">{t('view.by', { who: readableSubject(c.recordedBy) })}</span></li>)}
      </ol>
      <Saved message={saved} />
      {!d.retracted && <DialogueCorrections d={d} current={current} summary={summary} onSaved={setSaved} corrections={corrections} />}
    </section>
  )
}
