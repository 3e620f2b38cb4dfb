// Short-lived notes for the live events a person should notice; polite, never blinking.
import { useEffect, useState } from "preact/hooks";
import { onEvent } from "../socket";

interface Toast {
  id: number;
  text: string;
}

const SHOWN = ["room.status_changed", "task.assigned", "task.escalated", "task.completed", "alert.sent", "customer.checked_in", "customer.checked_out", "order.placed", "contact_message.created"];

function describe(event: string, payload: Record<string, unknown>): string {
  const room = payload.roomNumber ? `Room ${payload.roomNumber}` : "";
  const changes = Array.isArray(payload.changes) ? (payload.changes as { field: string; newValue: unknown }[]) : [];
  const hk = changes.find((c) => c.field === "housekeepingStatus");
  switch (event) {
    case "room.status_changed":
      return hk ? `${room} → ${hk.newValue}` : `${room} status changed`;
    case "task.assigned":
      return `${room} ${payload.jobType ?? "task"} assigned${payload.employeeId ? ` to ${payload.employeeId}` : ""}`;
    case "task.escalated":
      return `Escalated: ${room} ${payload.jobType ?? "task"}${payload.level ? ` (L${payload.level})` : ""}`;
    case "task.completed":
      return `${room} ${payload.jobType ?? "task"} completed`;
    case "alert.sent":
      return `Alert: ${payload.message ?? ""}`;
    case "customer.checked_in":
      return `${room} checked in`;
    case "order.placed":
      return `New room-service order: ${room}`;
    case "contact_message.created":
      return `Guest message from ${room.toLowerCase() || "a room"}`;
    default:
      return `${room} checked out`;
  }
}

let next = 1;

export function Toasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(
    () =>
      onEvent(SHOWN, (event, payload) => {
        if (!SHOWN.includes(event)) return; // a resync is not news
        const toast = { id: next++, text: describe(event, payload) };
        setToasts((current) => [...current.slice(-3), toast]);
        window.setTimeout(() => setToasts((current) => current.filter((t) => t.id !== toast.id)), 6000);
      }),
    [],
  );
  return (
    <div class="toasts" role="log" aria-live="polite" aria-label="Live updates">
      {toasts.map((toast) => (
        <p key={toast.id} class="toast">{toast.text}</p>
      ))}
    </div>
  );
}
