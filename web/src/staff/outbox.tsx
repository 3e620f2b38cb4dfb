// What the phone still holds: changes waiting to send, and the ones the server refused, each
// with what the server has now and Retry / Discard.
import { useState } from "preact/hooks";
import { discard, retry, type Change } from "./queue";
import { t, tr } from "./strings";

export function describeChange(change: Change): string {
  if (change.kind === "room") return t("changeRoom", { room: change.target, status: tr("hk_", change.to) });
  if (change.kind === "note") return t("changeNote", { task: change.target, text: change.to });
  return t("changeTask", { type: tr("job_", change.context?.type ?? ""), room: change.context?.room ?? "", status: tr("status_", change.to) });
}

function serverState(change: Change): string {
  const current = change.current;
  if (!current) return t("serverUnknown");
  if (change.kind === "room") {
    const status = String(current.housekeepingStatus ?? "");
    return t("serverNow", { state: tr("hk_", status) });
  }
  return t("serverNow", { state: tr("status_", String(current.status ?? "")) });
}

function AttentionItem({ change }: { change: Change }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const label = describeChange(change);
  return (
    <li class="st-attention-item">
      <article aria-label={label}>
        <p class="st-change">
          <span aria-hidden="true">⚠ </span>
          {label}
        </p>
        {change.problem && <p class="st-muted">{t("refusedWhy", { status: change.problem.status, detail: change.problem.detail })}</p>}
        <p class="st-server-now">{serverState(change)}</p>
        {confirming ? (
          <div class="st-actions" role="group" aria-label={t("discardConfirm")}>
            <span>{t("discardConfirm")}</span>
            <button type="button" class="st-danger" onClick={() => void discard(change.id!)}>
              {t("confirmDiscard")}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t("keep")}
            </button>
          </div>
        ) : (
          <div class="st-actions">
            <button
              type="button"
              class="st-primary"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                void retry(change).finally(() => setBusy(false));
              }}
            >
              {t("retry")}
            </button>
            <button type="button" onClick={() => setConfirming(true)}>
              {t("discard")}
            </button>
          </div>
        )}
      </article>
    </li>
  );
}

export function Outbox({ changes }: { changes: Change[] }) {
  const waiting = changes.filter((change) => change.state === "waiting");
  const attention = changes.filter((change) => change.state === "attention");
  return (
    <>
      {attention.length > 0 && (
        <section class="st-attention" aria-labelledby="st-attention-title">
          <h2 id="st-attention-title">{t("attentionTitle")}</h2>
          <p class="st-muted">{t("attentionHint")}</p>
          <ul>
            {attention.map((change) => (
              <AttentionItem key={change.id} change={change} />
            ))}
          </ul>
        </section>
      )}
      {waiting.length > 0 && (
        <section class="st-waiting" aria-labelledby="st-waiting-title">
          <h2 id="st-waiting-title">{t("waitingCount", { count: waiting.length })}</h2>
          <p class="st-muted">{t("waitingHint")}</p>
          <ol>
            {waiting.map((change) => (
              <li key={change.id}>
                <span aria-hidden="true">◷ </span>
                {describeChange(change)}
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}
