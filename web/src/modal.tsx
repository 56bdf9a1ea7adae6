import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'

// A modal dialog (the browser's own: focus kept inside, Escape closes),
// for a form that must not leave the page it is opened from.
export function Modal({ label, onClose, children }: { label: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    ref.current?.showModal()
  }, [])
  return (
    <dialog ref={ref} aria-label={label} onClose={onClose} class="modal">
      <button type="button" class="link close" onClick={() => ref.current?.close()}>
        ✕ <span class="sr-only">{label}</span>
      </button>
      {children}
    </dialog>
  )
}
