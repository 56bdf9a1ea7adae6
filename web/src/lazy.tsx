import type { ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'

// Lazy loads a page's code on first use: charts and the admin's QR codes
// stay out of the first load. The page loaded is shown only for the load
// that brought it: moving from one lazy page to another reuses this
// component, and the first page must never render with the next's props.
export function Lazy<P extends object>({ load, props }: { load: () => Promise<{ default: ComponentType<P> }>; props: P }) {
  const [loaded, setLoaded] = useState<{ from: typeof load; Page: ComponentType<P> }>()
  useEffect(() => {
    // a page left before its code came is not shown when it comes
    let current = true
    void load().then((m) => current && setLoaded({ from: load, Page: m.default }))
    return () => void (current = false)
  }, [load])
  if (loaded?.from !== load) return <p class="loading">…</p>
  const Page = loaded.Page
  return <Page {...props} />
}
