// The guest's orders followed step by step (hints from the kitchen refetch them), cancel while pending.
import { useState } from "preact/hooks";
import { ApiError } from "../api";
import type { Resource } from "../live";
import { cancelOrder, formatMoney, formatTime, ORDER_STEPS, orderCode, type CancelledOrder, type Line, type Order } from "./data";
import type { Shared } from "./GuestApp";
import { explain } from "./parts";
import { t, type GuestKey } from "./strings";

const stepName = (status: string) => t(`step_${status}` as GuestKey);

function Items({ items }: { items: Line[] }) {
  return (
    <ul class="g-items">
      {items.map((line) => (
        <li key={line.itemId}>{t("lineOf", { count: line.quantity, name: line.name })}</li>
      ))}
    </ul>
  );
}

function Progress({ order }: { order: Order }) {
  const current = ORDER_STEPS.indexOf(order.status);
  return (
    <ol class="g-steps" aria-label={t("progress")}>
      {ORDER_STEPS.map((step, index) => {
        const state = index < current ? "done" : index === current ? "current" : "todo";
        const at = order.statusTimes[step];
        return (
          <li key={step} class={`g-step g-step-${state}`} aria-current={state === "current" ? "step" : undefined}>
            <span class="g-step-glyph" aria-hidden="true">
              {state === "done" ? "✓" : state === "current" ? "●" : "○"}
            </span>
            <span class="g-step-name">{stepName(step)}</span>
            {state !== "todo" && at && <span class="g-muted g-step-time">{t("stepAt", { time: formatTime(at) })}</span>}
            {state === "done" && <span class="g-sr">({t("stepDone")})</span>}
            {state === "current" && <span class="g-sr">({t("stepCurrent")})</span>}
          </li>
        );
      })}
    </ol>
  );
}

function OrderCard({ order, shared, onCancelled }: { order: Order; shared: Shared; onCancelled: (order: CancelledOrder) => void }) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const code = orderCode(order.id);
  const titleId = `order-${order.id}`;

  async function cancel() {
    if (busy) return;
    setBusy(true);
    setError("");
    try {
      const cancelled = await cancelOrder(order.id, reason.trim());
      onCancelled(cancelled);
      shared.announce(t("orderCancelled", { code }));
    } catch (caught) {
      setError(caught instanceof ApiError && caught.code === "invalid_transition" ? t("cancelTooLate") : explain(caught));
      setBusy(false);
    }
  }

  return (
    <article class={`g-card g-order g-order-${order.status.replace(/ /g, "-")}`} aria-labelledby={titleId}>
      <h2 id={titleId}>{t("orderName", { code })}</h2>
      <p class="g-muted">{t("placedAt", { time: formatTime(order.checkedOutAt) })}</p>
      <p class="g-status" aria-live="polite">
        {t("statusNow", { status: stepName(order.status) })}
      </p>
      <Progress order={order} />
      <Items items={order.items} />
      <p>
        {t("total")}: <strong>{formatMoney(order.totalPrice, order.currency)}</strong>
      </p>
      {order.status === "pending" && !asking && (
        <>
          <p class="g-muted">{t("cancelOnlyPending")}</p>
          <button type="button" class="g-quiet" aria-label={t("cancelOrderLabel", { code })} onClick={() => setAsking(true)}>
            {t("cancelOrder")}
          </button>
        </>
      )}
      {asking && (
        <div class="g-confirm" role="group" aria-labelledby={`${titleId}-q`}>
          <p id={`${titleId}-q`} class="g-name">
            {t("cancelQuestion", { code })}
          </p>
          <label for={`${titleId}-reason`}>{t("cancelReason")}</label>
          <input id={`${titleId}-reason`} maxLength={500} value={reason} onInput={(event) => setReason((event.target as HTMLInputElement).value)} />
          <div class="g-actions">
            <button type="button" class="g-danger" disabled={busy} onClick={() => void cancel()}>
              {busy ? t("cancelling") : t("cancelYes")}
            </button>
            <button type="button" class="g-quiet" disabled={busy} onClick={() => setAsking(false)}>
              {t("cancelNo")}
            </button>
          </div>
        </div>
      )}
      <p class="g-error" role="alert">
        {error}
      </p>
    </article>
  );
}

function CancelledCard({ order }: { order: CancelledOrder }) {
  const code = orderCode(order.originalOrderId);
  const titleId = `cancelled-${order.id}`;
  return (
    <article class="g-card g-order g-order-cancelled" aria-labelledby={titleId}>
      <h2 id={titleId}>{t("orderName", { code })}</h2>
      <p class="g-status">
        <span aria-hidden="true">✕ </span>
        {t("statusNow", { status: t("status_cancelled") })} · {formatTime(order.cancelledAt)}
      </p>
      <Items items={order.items} />
    </article>
  );
}

export function Orders({
  shared,
  orders,
  cancelled,
  onCancelled,
}: {
  shared: Shared;
  orders: Resource<Order[]>;
  cancelled: CancelledOrder[];
  onCancelled: (order: CancelledOrder) => void;
}) {
  const list = orders.data ?? [];
  const gone = new Set(cancelled.map((order) => order.originalOrderId));
  const shown = list.filter((order) => !gone.has(order.id));
  const open = shown.filter((order) => order.status !== "delivered");
  const delivered = shown.filter((order) => order.status === "delivered");

  return (
    <>
      <h1>{t("ordersTitle")}</h1>
      {orders.error && (
        <p class="g-error" role="alert">
          {explain(orders.error)}{" "}
          <button type="button" class="g-quiet" onClick={() => void orders.reload()}>
            {t("tryAgain")}
          </button>
        </p>
      )}
      {orders.loading && !orders.data && <p role="status">{t("loading")}</p>}
      {orders.data && shown.length === 0 && cancelled.length === 0 && (
        <div class="g-empty">
          <p>{t("ordersEmpty")}</p>
          <a class="g-button" href="#/menu">
            {t("seeMenu")}
          </a>
        </div>
      )}
      {[...open, ...delivered].map((order) => (
        <OrderCard
          key={order.id}
          order={order}
          shared={shared}
          onCancelled={(done) => {
            onCancelled(done);
            void orders.reload();
          }}
        />
      ))}
      {cancelled.map((order) => (
        <CancelledCard key={order.id} order={order} />
      ))}
      {orders.asOf && <p class="g-muted g-asof">{t("updatedAt", { time: formatTime(orders.asOf.toISOString()) })}</p>}
    </>
  );
}
