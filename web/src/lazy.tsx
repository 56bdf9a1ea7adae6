import type { ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'

// Lazy loads a page's code on first use: charts and the admin's QR codes
// stay out of the first load.
export function Lazy<P extends object>({ load, props }: { load: () => Promise<{ default: ComponentType<P> }>; props: P }) {
  const [Page, setPage] = useState<ComponentType<P>>()
  useEffect(() => {
    void load().then((m) => setPage(() => m.default))
  }, [load])
  return Page ? <Page {...props} /> : <p class="loading">…</p>
}
