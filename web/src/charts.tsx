// Bar and line charts with a target line, drawn as SVG: no library, a few
// hundred bytes, text a screen reader reads (each chart is an image with
// a label, and the same figures are in the table beside it). A withheld
// value is drawn as a hatched stub and said as such, never as 0.

export interface Bar {
  label: string
  /** Percent, or null when withheld. */
  value: number | null
}

const width = 640
const rowHeight = 28
const labelWidth = 220

export function BarChart(props: { title: string; bars: Bar[]; target?: number; withheld: string }) {
  const height = props.bars.length * rowHeight + 30
  const x = (v: number) => labelWidth + (v / 100) * (width - labelWidth - 40)
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.title}>
        <defs>
          <pattern id="withheld" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="3" height="6" fill="#9aa8ad" />
          </pattern>
        </defs>
        {props.bars.map((b, i) => (
          <g key={b.label} transform={`translate(0 ${i * rowHeight + 4})`}>
            <text x={labelWidth - 8} y="16" text-anchor="end" class="chart-label">
              {b.label.length > 34 ? b.label.slice(0, 33) + '…' : b.label}
            </text>
            {b.value === null ? (
              <>
                <rect x={labelWidth} y="4" width="24" height="16" fill="url(#withheld)" />
                <text x={labelWidth + 30} y="16" class="chart-value">{props.withheld}</text>
              </>
            ) : (
              <>
                <rect x={labelWidth} y="4" width={Math.max(1, x(b.value) - labelWidth)} height="16" class="chart-bar" />
                <text x={x(b.value) + 4} y="16" class="chart-value">{b.value.toFixed(0)} %</text>
              </>
            )}
          </g>
        ))}
        {props.target !== undefined && (
          <g>
            <line x1={x(props.target)} x2={x(props.target)} y1="0" y2={height - 22} class="chart-target" />
            <text x={x(props.target)} y={height - 6} text-anchor="middle" class="chart-value">{props.target} %</text>
          </g>
        )}
      </svg>
      <figcaption>{props.title}</figcaption>
    </figure>
  )
}

export interface Point {
  label: string
  value: number | null
}

export function LineChart(props: { title: string; points: Point[]; target?: number }) {
  const height = 200
  const left = 40
  const n = Math.max(1, props.points.length - 1)
  const x = (i: number) => left + (i / n) * (width - left - 20)
  const y = (v: number) => height - 30 - (v / 100) * (height - 50)
  const path = props.points
    .map((p, i) => (p.value === null ? null : `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`))
    .filter(Boolean)
    .join(' ')
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.title}>
        {[0, 50, 100].map((v) => (
          <g key={v}>
            <line x1={left} x2={width - 20} y1={y(v)} y2={y(v)} class="chart-grid" />
            <text x={left - 6} y={y(v) + 4} text-anchor="end" class="chart-value">{v}</text>
          </g>
        ))}
        {props.target !== undefined && <line x1={left} x2={width - 20} y1={y(props.target)} y2={y(props.target)} class="chart-target" />}
        <polyline points={path} class="chart-line" />
        {props.points.map((p, i) =>
          p.value === null ? null : <circle key={i} cx={x(i)} cy={y(p.value)} r="3" class="chart-dot" />,
        )}
        {props.points.map((p, i) => (i % Math.ceil(props.points.length / 6) === 0 ? <text key={'l' + i} x={x(i)} y={height - 10} text-anchor="middle" class="chart-value">{p.label}</text> : null))}
      </svg>
      <figcaption>{props.title}</figcaption>
    </figure>
  )
}
