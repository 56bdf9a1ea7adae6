import { t } from './i18n'
import { percent } from './numbers'

// Bar and line charts with a target line: no library, a few hundred
// bytes, text a screen reader reads (the bars are a list of labels and
// values; the trend an image with a label; the same figures are in the
// table beside them). A withheld value is drawn as a grey stub and said as
// such, never as 0.

export interface Bar {
  label: string
  /** Percent, or null when withheld. */
  value: number | null
}

// BarChart is a list: each bar under its whole label, in the page's own
// type (legible on a phone, never cut), drawn as a small SVG whose width
// is the share, with the target as a dashed mark at the same place on
// every row.
export function BarChart(props: { title: string; bars: Bar[]; target?: number; withheld: string }) {
  return (
    <figure class="chart bars">
      <figcaption>{props.title}{props.target !== undefined && <> — {t('chart.target', { target: percent(props.target, true) })}</>}</figcaption>
      <ul>
        {props.bars.map((b, i) => (
          <li key={i}>
            <span class="bar-label">{b.label}</span>
            <span class="bar-line">
              <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                {b.value === null ? <rect width="6" height="10" class="chart-withheld" /> : <rect width={Math.max(0.5, Math.min(100, b.value))} height="10" class="chart-bar" />}
                {props.target !== undefined && <line x1={props.target} x2={props.target} y1="0" y2="10" class="chart-target" vector-effect="non-scaling-stroke" />}
              </svg>
              <span class="bar-value">{b.value === null ? props.withheld : percent(b.value, true)}</span>
            </span>
          </li>
        ))}
      </ul>
    </figure>
  )
}

export interface Point {
  label: string
  value: number | null
}

// The trend is drawn narrow, so that its 12 px labels stay near 12 px on
// a phone.
const width = 360

export function LineChart(props: { title: string; points: Point[]; target?: number }) {
  const height = 200
  const left = 46
  const n = Math.max(1, props.points.length - 1)
  const x = (i: number) => left + (i / n) * (width - left - 20)
  const y = (v: number) => height - 30 - (v / 100) * (height - 50)
  const path = props.points
    .map((p, i) => (p.value === null ? null : `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`))
    .filter(Boolean)
    .join(' ')
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.title}>
        {[0, 50, 100].map((v) => (
          <g key={v}>
            <line x1={left} x2={width - 20} y1={y(v)} y2={y(v)} class="chart-grid" />
            <text x={left - 6} y={y(v) + 4} text-anchor="end" class="chart-value">{percent(v, true)}</text>
          </g>
        ))}
        {props.target !== undefined && <line x1={left} x2={width - 20} y1={y(props.target)} y2={y(props.target)} class="chart-target" />}
        <polyline points={path} class="chart-line" />
        {props.points.map((p, i) =>
          p.value === null ? null : <circle key={i} cx={x(i)} cy={y(p.value)} r="3" class="chart-dot" />,
        )}
        {props.points.map((p, i) => (i % Math.ceil(props.points.length / 4) === 0 ? <text key={'l' + i} x={x(i)} y={height - 10} text-anchor="middle" class="chart-value">{p.label}</text> : null))}
      </svg>
    </figure>
  )
}
