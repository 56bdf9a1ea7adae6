import { useState } from 'preact/hooks'
import { useApp } from '../app'
import { Field } from '../forms'
import { request } from '../api'
import { download } from '../download'
import { t, type MessageKey } from '../i18n'

// Import a KoboToolbox or ODK export of the form palabre ships (or of
// another form, with a mapping), or a register of participants,
// stakeholders or spaces: check it first (nothing is written), then
// import. Each row is reported; a refused one names its sheet, row and
// column, in the interface's language. The files go to the server and are
// not kept there; names in a register are sealed there, never kept here.

interface Report {
  file: string
  dryRun: boolean
  counts: Record<string, number>
  results: { sheet: string; row: number; outcome: string; problems: Problem[] }[]
  // refusals of a kind beyond the first hundred, counted
  beyond: { count: number; example: Problem }[]
  // the limit (the import's deadline) that stopped it between rows
  stopped?: { limit: string; message: string }
}

interface Problem { sheet: string; row: number; column: string; message: string }

const outcomes = ['imported', 'corrected', 'already', 'checked', 'refused'] as const
const registers = ['participants', 'stakeholders', 'spaces'] as const

export function Import() {
  const app = useApp()
  const [file, setFile] = useState<File>()
  const [mapping, setMapping] = useState<File>()
  const [report, setReport] = useState<Report>()
  const [problem, setProblem] = useState('')
  const [busy, setBusy] = useState(false)
  const send = async (dryRun: boolean) => {
    if (!file) return setProblem(t('import.choose'))
    setBusy(true)
    setProblem('')
    try {
      const body = new FormData()
      body.append('file', file)
      if (mapping) body.append('mapping', mapping)
      const res = await request('/import' + (dryRun ? '?dryRun=true' : ''), { method: 'POST', body })
      const answer = await res.json()
      if (!res.ok) setProblem(answer.errors?.[0]?.message ?? `HTTP ${res.status}`)
      else setReport(answer as Report)
    } catch {
      setProblem(t('signIn.offline'))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section>
      <h1>{t('import.title')}</h1>
      <p>{t('import.explain')}</p>
      <div class="card wide">
        <Field id="export" label={t('import.file')}>
          <input id="export" type="file" accept=".xlsx,.csv,.zip" onChange={(e) => { setFile(e.currentTarget.files?.[0]); setReport(undefined) }} />
        </Field>
        <Field id="mapping" label={t('import.mapping')} help={t('import.mappingHelp')}>
          <input id="mapping" type="file" accept=".yaml,.yml,.json" onChange={(e) => { setMapping(e.currentTarget.files?.[0]); setReport(undefined) }} />
        </Field>
        {problem && <p class="error" role="alert">{problem}</p>}
        <div class="actions">
          <button type="button" disabled={busy || !app.online} onClick={() => void send(true)}>{t('import.check')}</button>
          <button type="button" class="primary" disabled={busy || !app.online} onClick={() => void send(false)}>{t('import.run')}</button>
        </div>
      </div>
      {report && (
        <section aria-live="polite">
          <h2>{report.dryRun ? t('import.checked') : t('import.done')}</h2>
          <ul class="list" id="import-counts">
            {outcomes.filter((o) => report.counts[o]).map((o) => <li key={o}>{t(('import.count.' + o) as MessageKey, { n: report.counts[o] })}</li>)}
          </ul>
          {report.stopped && <p class="error" role="alert" id="import-stopped">{report.stopped.message}</p>}
          {report.results.some((r) => r.outcome === 'refused') && (
            <div class="scroll">
            <table>
              <caption>{t('import.refusals')}</caption>
              <thead><tr><th scope="col">{t('import.sheet')}</th><th scope="col">{t('import.row')}</th><th scope="col">{t('import.column')}</th><th scope="col">{t('import.reason')}</th></tr></thead>
              <tbody>
                {report.results.filter((r) => r.outcome === 'refused').flatMap((r) => r.problems).map((p, i) => (
                  <tr key={i}><td>{p.sheet}</td><td>{p.row}</td><td>{p.column}</td><td>{p.message}</td></tr>
                ))}
                {(report.beyond ?? []).map((b, i) => (
                  <tr key={'beyond' + i}><td>{b.example.sheet}</td><td>{b.example.row}</td><td>{b.example.column}</td><td>{t('import.beyond', { n: b.count, example: b.example.message })}</td></tr>
                ))}
              </tbody>
            </table>
            </div>
          )}
        </section>
      )}
      <h2>{t('import.templates')}</h2>
      <p>{t('import.templatesExplain')}</p>
      <div class="actions">
        {registers.map((kind) => (
          <button key={kind} type="button" disabled={!app.online} onClick={() => void download(`/form/register/${kind}.xlsx`, `${kind}.xlsx`)}>
            {t(('import.template.' + kind) as MessageKey)}
          </button>
        ))}
      </div>
    </section>
  )
}
