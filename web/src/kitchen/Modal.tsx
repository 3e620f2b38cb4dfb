// A modal dialog (native <dialog>): opens when mounted, Escape or the close button ends it, focus
// returns where it was. Confirmations and the menu's forms use it.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import "./kitchen.css";

export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`modal-${Math.random().toString(36).slice(2)}`).current;

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => opener?.focus?.();
  }, []);

  return (
    <dialog ref={dialog} class="kt-modal" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
