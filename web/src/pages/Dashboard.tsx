import { useState } from 'preact/hooks'
import { useApp } from '../app'
import { BarChart, LineChart } from '../charts'
import { download } from '../download'
import { Field, VocabularySelect, terms } from '../forms'
import { useQuery } from '../query'
import { t, type MessageKey } from '../i18n'

// The analysts' dashboard: for a region, pillar and period, a table of
// every space with its women, youth, disability and displaced shares
// against its targets, a bar chart of one measure with the target line,
// and the region's trend by month or quarter. A withheld figure is shown
// as withheld ("< 5"), never as 0. One request answers it all (a table by
// space), and the same filters export it.

interface Measure {
  count: number | null
  share: number | null
  suppressed: boolean
}
type Figures = Record<'attendance' | 'women' | 'youth' | 'personsWithDisabilities' | 'displaced', Measure>
interface Answer {
  inclusion: {
    rows: { from: string; figures: Figures }[]
    total: Figures
    groups: { key: string; space: { name: string; targets: Record<'women' | 'youth' | 'disability' | 'displaced', number | null> } | null; total: Figures }[]
  }
}

const measures = `attendance { count share suppressed } women { count share suppressed } youth { count share suppressed } personsWithDisabilities { count share suppressed } displaced { count share suppressed }`
const query = `query Dashboard($region: String, $pillar: Pillar, $from: Date, $to: Date, $bucket: Bucket) {
  inclusion(region: $region, pillar: $pillar, from: $from, to: $to, bucket: $bucket, groupBy: SPACE) {
    rows { from figures { ${measures} } } total { ${measures} }
    groups { key space { name targets { women youth disability displaced } } total { ${measures} } } } }`

const columns = [
  { measure: 'women', target: 'women', label: 'dashboard.women' },
  { measure: 'youth', target: 'youth', label: 'dashboard.youth' },
  { measure: 'personsWithDisabilities', target: 'disability', label: 'dashboard.disability' },
  { measure: 'displaced', target: 'displaced', label: 'dashboard.displaced' },
] as const

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
  return <>{m.share === null ? '—' : `${m.share.toFixed(1)} %`}</>
}

export default function Dashboard() {
  const app = useApp()
  const ref = app.reference
  const [region, setRegion] = useState(app.session.regions[0] ?? '')
  const [pillar, setPillar] = useState('')
  const [from, setFrom] = useState(monthsAgo(11))
  const [to, setTo] = useState(new Date().toISOString().slice(0, 10))
  const [bucket, setBucket] = useState('MONTH')
  const [chart, setChart] = useState<(typeof columns)[number]>(columns[0])
  const filters = { region: region || undefined, pillar: pillar || undefined, from, to, bucket }

  const [answer, problem] = useQuery<Answer>(query, filters, [region, pillar, from, to, bucket])

  const groups = answer?.inclusion.groups ?? []
  const exportAs = (format: 'xlsx' | 'csv') =>
    download(`/export/inclusion.${format}?` + new URLSearchParams({ ...(Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Record<string, string>), groupBy: 'space' }), `palabre-inclusion.${format}`)
  return (
    <section>
      <h1>{t('dashboard.title')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
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
          <input id="from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </Field>
        <Field id="to" label={t('dashboard.to')}>
          <input id="to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
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
          <div class="scroll">
            <table>
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
                    <td>{g.total.attendance.suppressed ? <Share m={g.total.attendance} /> : g.total.attendance.count}</td>
                    {columns.map((c) => {
                      const target = g.space?.targets[c.target]
                      const m = g.total[c.measure]
                      const met = target != null && !m.suppressed && m.share !== null ? m.share >= target : undefined
                      return (
                        <td key={c.measure} class={met === false ? 'below' : met ? 'met' : ''}>
                          <Share m={m} />
                          {target != null && <span class="target"> / {target} %</span>}
                        </td>
                      )
                    })}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('dashboard.total')}</th>
                  <td>{answer.inclusion.total.attendance.count ?? <Share m={answer.inclusion.total.attendance} />}</td>
                  {columns.map((c) => <td key={c.measure}><Share m={answer.inclusion.total[c.measure]} /></td>)}
                </tr>
              </tfoot>
            </table>
          </div>
          <p class="help">{t('dashboard.withheldWhy')}</p>
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
              label: r.from.slice(0, 7),
              // A bucket with no attendance has no share: a gap, not 0 %.
              value: r.figures[chart.measure].suppressed || !r.figures.attendance.count ? null : r.figures[chart.measure].share,
            }))}
          />
        </>
      )}
    </section>
  )
}
