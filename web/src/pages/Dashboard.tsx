import { useEffect, useMemo, useState } from 'preact/hooks'
import { Offline, gql } from '../api'
import { useApp } from '../app'
import { BarChart, LineChart } from '../charts'
import { download, downloadFailed } from '../download'
import { Field, VocabularySelect, terms } from '../forms'
import { language, t, type MessageKey } from '../i18n'
import { count, day, month, percent } from '../numbers'
import { exportName, rangeProblem, viewRefusal } from '../views'
import './dashboard.css'

// The analysts' dashboard: for a region, pillar and period, a table of
// every space with its women, youth, disability and displaced shares
// against its targets, a bar chart of one measure with the target line,
// and the region's trend by month or quarter. A withheld figure is shown
// as withheld ("< 5"), never as 0. One request answers it all (a table by
// space, asked as columns), and the same filters export it. A request the server would
// refuse is named before it is sent where the device knows the rule (a
// view's buckets), and any refusal is told on the page with what to change.

interface Measure {
  count: number | null
  share: number | null
  suppressed: boolean
}
type Figures = Record<'attendance' | 'women' | 'youth' | 'personsWithDisabilities' | 'displaced', Measure>
type Target = 'women' | 'youth' | 'disability' | 'displaced'
type Column = (number | null)[]
interface Answer {
  inclusion: {
    from: string | null
    to: string | null
    widened: boolean
    rows: { from: string; figures: Figures }[]
    total: Figures
    // The table by space as columns, an entry per space: hundreds of
    // spaces as objects cost the server tens of thousands of fields.
    columns: {
      keys: string[]
      spaceNames: (string | null)[]
      targets: Record<Target, Column>
      attendance: { counts: Column }
    } & Record<'women' | 'youth' | 'personsWithDisabilities' | 'displaced', { shares: Column }>
  }
}
interface Group {
  key: string
  space: { name: string; targets: Record<Target, number | null> } | null
  total: Figures
}

const measures = `attendance { count share suppressed } women { count share suppressed } youth { count share suppressed } personsWithDisabilities { count share suppressed } displaced { count share suppressed }`
const query = `query Dashboard($region: String, $pillar: Pillar, $from: Date, $to: Date, $bucket: Bucket) {
  inclusion(region: $region, pillar: $pillar, from: $from, to: $to, bucket: $bucket, groupBy: SPACE) {
    from to widened rows { from figures { ${measures} } } total { ${measures} }
    columns { keys spaceNames targets { women youth disability displaced }
      attendance { counts } women { shares } youth { shares } personsWithDisabilities { shares } displaced { shares } } } }`

// groupsOf reads the columns back as a row per space. A withheld figure
// is null in its column, never 0.
function groupsOf(c: Answer['inclusion']['columns']): Group[] {
  const withheld: Measure = { count: null, share: null, suppressed: true }
  const shareOf = (v: number | null | undefined): Measure => (v == null ? withheld : { count: null, share: v, suppressed: false })
  return c.keys.map((key, i) => {
    const name = c.spaceNames[i]
    const targets = { women: c.targets.women[i] ?? null, youth: c.targets.youth[i] ?? null, disability: c.targets.disability[i] ?? null, displaced: c.targets.displaced[i] ?? null }
    const attendance = c.attendance.counts[i]
    return {
      key,
      space: name == null ? null : { name, targets },
      total: {
        attendance: attendance == null ? withheld : { count: attendance, share: null, suppressed: false },
        women: shareOf(c.women.shares[i]),
        youth: shareOf(c.youth.shares[i]),
        personsWithDisabilities: shareOf(c.personsWithDisabilities.shares[i]),
        displaced: shareOf(c.displaced.shares[i]),
      },
    }
  })
}

const columns = [
  { measure: 'women', target: 'women', label: 'dashboard.women' },
  { measure: 'youth', target: 'youth', label: 'dashboard.youth' },
  { measure: 'personsWithDisabilities', target: 'disability', label: 'dashboard.disability' },
  { measure: 'displaced', target: 'displaced', label: 'dashboard.displaced' },
] as const

// Charted is the measure a chart shows.
type Charted = (typeof columns)[number]

function monthsAgo(n: number): string {
  const d = new Date()
  d.setUTCMonth(d.getUTCMonth() - n, 1)
  return d.toISOString().slice(0, 10)
}

export function Share({ m }: { m: Measure }) {
  if (m.suppressed) {
    return (
      <span class="withheld" title={t('dashboard.withheldWhy')}>
        {t('dashboard.withheld')}
      </span>
    )
  }
  return <>{m.share === null ? '—' : percent(m.share)}</>
}

function Count({ m }: { m: Measure }) {
  return m.suppressed || m.count === null ? <Share m={m} /> : <>{count(m.count)}</>
}

// useView asks for the table when the filters change, unless the device
// already knows the server would refuse them.
function useView(filters: Record<string, string | undefined>, local: string): [Answer | undefined, string] {
  const [answer, setAnswer] = useState<Answer>()
  const [problem, setProblem] = useState('')
  useEffect(() => {
    setProblem(local)
    if (local) return
    let current = true
    gql<Answer>(query, filters).then(
      // A refusal clears the figures: those of other filters would read
      // as the answer.
      (a) => current && (a.errors.length ? (setAnswer(undefined), setProblem(viewRefusal(a.errors[0]!))) : setAnswer(a.data)),
      (e) => current && setProblem(e instanceof Offline ? t('status.offline') : String(e)),
    )
    return () => void (current = false)
  }, [JSON.stringify(filters), local])
  return [local ? undefined : answer, problem]
}

// InclusionTable is the shares by space against their targets, and the
// total.
function InclusionTable({ groups, answer, nobody }: { groups: Group[]; answer: Answer; nobody: boolean }) {
  return (
    <table class="by-space">
      <caption>{t('dashboard.tableCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('dialogue.space')}</th>
          <th scope="col">{t('dashboard.attendance')}</th>
          {columns.map((c) => <th key={c.measure} scope="col">{t(c.label as MessageKey)}</th>)}
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.key}>
            <th scope="row">{g.space?.name ?? g.key}</th>
            <td data-label={t('dashboard.attendance')}><Count m={g.total.attendance} /></td>
            {columns.map((c) => {
              const target = g.space?.targets[c.target]
              const m = g.total[c.measure]
              const met = target != null && !m.suppressed && m.share !== null ? m.share >= target : undefined
              return (
                <td key={c.measure} data-label={t(c.label as MessageKey)} class={met === false ? 'below' : met ? 'met' : ''}>
                  <Share m={m} />
                  {target != null && <span class="target"> / {percent(target, true)}</span>}
                </td>
              )
            })}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('dashboard.total')}</th>
          <td data-label={t('dashboard.attendance')}><Count m={answer.inclusion.total.attendance} /></td>
          {columns.map((c) => <td key={c.measure} data-label={t(c.label as MessageKey)}>{nobody ? '—' : <Share m={answer.inclusion.total[c.measure]} />}</td>)}
        </tr>
      </tfoot>
    </table>
  )
}

// InclusionCharts are a chosen measure by space and its trend.
function InclusionCharts({ groups, answer, chart, setChart }: { groups: Group[]; answer: Answer; chart: Charted; setChart: (c: Charted) => void }) {
  return (
    <>
    <Field id="chart-measure" label={t('dashboard.chartMeasure')}>
      <select id="chart-measure" value={chart.measure} onChange={(e) => setChart(columns.find((c) => c.measure === e.currentTarget.value)!)}>
        {columns.map((c) => <option key={c.measure} value={c.measure}>{t(c.label as MessageKey)}</option>)}
      </select>
    </Field>
    <BarChart
      title={t('dashboard.barTitle', { measure: t(chart.label as MessageKey).toLowerCase() })}
      withheld={t('dashboard.withheld')}
      target={chart.target === 'women' ? (groups.find((g) => g.space?.targets.women != null)?.space?.targets.women ?? undefined) : undefined}
      bars={groups.map((g) => ({ label: g.space?.name ?? g.key, value: g.total[chart.measure].suppressed ? null : g.total[chart.measure].share }))}
    />
    <LineChart
      title={t('dashboard.trendTitle', { measure: t(chart.label as MessageKey).toLowerCase() })}
      points={answer.inclusion.rows.map((r) => ({
        label: month(r.from),
        // A bucket with no attendance has no share: a gap, not 0 %.
        value: r.figures[chart.measure].suppressed || !r.figures.attendance.count ? null : r.figures[chart.measure].share,
      }))}
    />
    </>
  )
}

export default function Dashboard() {
  const app = useApp()
  const ref = app.reference
  const [region, setRegion] = useState(app.session.regions[0] ?? '')
  const [pillar, setPillar] = useState('')
  const [from, setFrom] = useState(monthsAgo(11))
  const [to, setTo] = useState(new Date().toISOString().slice(0, 10))
  const [bucket, setBucket] = useState('MONTH')
  // The measure charted outlives a refused filter's cleared figures.
  const [chart, setChart] = useState<Charted>(columns[0])
  const [exportProblem, setExportProblem] = useState('')
  // Every space by month is a region's detail: for every region it is
  // more than a request may cost, so it is offered for one.
  const [detail, setDetail] = useState(false)
  const filters = { region: region || undefined, pillar: pillar || undefined, from, to, bucket }
  const local = rangeProblem(from, to, bucket)
  const [answer, problem] = useView(filters, local)

  // Roles without access to names see sums of perturbed cells.
  const exact = app.session.role === 'facilitator' || app.session.role === 'admin'
  const groups = useMemo(() => (answer ? groupsOf(answer.inclusion.columns) : []), [answer])
  // a share of nobody is no share: 0 % would read as women kept away
  const nobody = answer?.inclusion.total.attendance.count === 0
  const exportAs = async (format: 'xlsx' | 'csv') => {
    setExportProblem('')
    const params = Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Record<string, string>
    try {
      await download(`/export/inclusion.${format}?` + new URLSearchParams({ ...params, groupBy: 'space', groupRows: String(detail && !!region), lang: language() }), exportName(region, from, to, format))
    } catch (e) {
      setExportProblem(downloadFailed(e, viewRefusal))
    }
  }
  return (
    <section class="dashboard">
      <h1>{t('dashboard.title')}</h1>
      <form autoComplete="off" class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field id="region" label={t('enrol.region')}>
          <select id="region" value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
            {app.session.regions.length === 0 && <option value="">{t('dashboard.allRegions')}</option>}
            {terms(ref, 'Region').filter((r) => app.session.regions.length === 0 || app.session.regions.includes(r.code)).map((r) => <option key={r.code} value={r.code}>{r.label}</option>)}
          </select>
        </Field>
        <Field id="pillar" label={t('dialogue.pillar')}>
          <VocabularySelect id="pillar" vocabulary="Pillar" ref_={ref} value={pillar} onChange={setPillar} />
        </Field>
        <Field id="from" label={t('dashboard.from')}>
          <input id="from" type="date" value={from} min="1950-01-01" max="2099-12-31" onInput={(e) => setFrom(e.currentTarget.value)} />
        </Field>
        <Field id="to" label={t('dashboard.to')}>
          <input id="to" type="date" value={to} min="1950-01-01" max="2099-12-31" onInput={(e) => setTo(e.currentTarget.value)} />
        </Field>
        <Field id="bucket" label={t('dashboard.bucket')}>
          <select id="bucket" value={bucket} onChange={(e) => setBucket(e.currentTarget.value)}>
            <option value="MONTH">{t('dashboard.month')}</option>
            <option value="QUARTER">{t('dashboard.quarter')}</option>
          </select>
        </Field>
      </form>
      {problem && <p class="error" role="alert">{problem}</p>}
      {answer && (
        <>
          <div class="actions">
            <button type="button" onClick={() => void exportAs('xlsx')}>{t('dashboard.exportXlsx')}</button>
            <button type="button" onClick={() => void exportAs('csv')}>{t('dashboard.exportCsv')}</button>
          </div>
          <label class="check">
            <input type="checkbox" checked={detail && !!region} disabled={!region} aria-describedby="detail-help" onChange={(e) => setDetail(e.currentTarget.checked)} /> {t('dashboard.exportDetail')}
          </label>
          <p id="detail-help" class="help">{region ? t('dashboard.exportDetailHelp') : t('dashboard.exportDetailRegion')}</p>
          {exportProblem && <p class="error" role="alert" id="export-problem">{exportProblem}</p>}
          <InclusionTable groups={groups} answer={answer} nobody={nobody} />
          {nobody && <p role="status">{t('dashboard.nobody')}</p>}
          {answer.inclusion.widened && answer.inclusion.from && answer.inclusion.to && (
            <p role="status" id="widened">{t('dashboard.widened', { from: day(answer.inclusion.from), to: day(answer.inclusion.to) })}</p>
          )}
          {!exact && <p class="help">{t('dashboard.perturbedWhy')}</p>}
          <p class="help">{t('dashboard.withheldWhy')}</p>
          <InclusionCharts groups={groups} answer={answer} chart={chart} setChart={setChart} />
        </>
      )}
    </section>
  )
}
