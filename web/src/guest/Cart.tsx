// The cart and a checkout that is safe to tap twice: one Idempotency-Key per attempt, kept
// until the attempt succeeds, so a retry after a lost answer finds the same order.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api";
import type { Resource } from "../live";
import { changeQuantity, checkout, formatMoney, hotelCurrency, newIdempotencyKey, orderCode, removeLine, type Cart as CartData, type Line } from "./data";
import type { Shared } from "./GuestApp";
import { explain } from "./parts";
import { t } from "./strings";

const STORED_KEY = "guest.checkoutKey";

interface Attempt {
  room: string;
  version: number;
  key: string;
}

/** The key of the checkout attempt for this cart as it is now: the same until it succeeds or the
 * cart changes (a changed cart is a new attempt; its old key would be refused as reused). */
function attemptKey(room: string, version: number): string {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORED_KEY) ?? "null") as Attempt | null;
    if (stored && stored.room === room && stored.version === version) return stored.key;
  } catch {
    // Storage disabled or unreadable: a fresh key.
  }
  const attempt: Attempt = { room, version, key: newIdempotencyKey() };
  try {
    sessionStorage.setItem(STORED_KEY, JSON.stringify(attempt));
  } catch {
    // The key then lives only as long as this page.
  }
  return attempt.key;
}

function forgetAttempt(): void {
  try {
    sessionStorage.removeItem(STORED_KEY);
  } catch {
    // nothing stored
  }
}

export function Cart({ shared, cart, onOrdered }: { shared: Shared; cart: Resource<CartData>; onOrdered: () => void }) {
  const [currency, setCurrency] = useState("");
  const [busyLine, setBusyLine] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState("");
  const sendingNow = useRef(false);

  useEffect(() => {
    void hotelCurrency().then(setCurrency);
  }, []);

  async function change(line: Line, quantity: number | null) {
    if (busyLine) return;
    setBusyLine(line.itemId);
    setError("");
    try {
      if (quantity === null) await removeLine(shared.room, line.itemId);
      else await changeQuantity(shared.room, line.itemId, quantity);
    } catch (caught) {
      setError(explain(caught));
    } finally {
      setBusyLine(null);
      await cart.reload();
    }
  }

  async function placeOrder() {
    const data = cart.data;
    // The ref stops a second tap that lands before the disabled button is rendered.
    if (!data || sendingNow.current) return;
    sendingNow.current = true;
    setSending(true);
    setError("");
    try {
      const order = await checkout(shared.room, attemptKey(shared.room, data.version));
      forgetAttempt();
      shared.announce(t("orderPlaced", { code: orderCode(order.id) }));
      onOrdered();
      await cart.reload();
      window.location.hash = "#/orders";
    } catch (caught) {
      const item = (caught as { item?: string }).item;
      if (caught instanceof ApiError && caught.code === "item_unavailable") setError(t("errUnavailable", { item: item ?? "" }));
      else if (caught instanceof ApiError && caught.code === "cart_empty") setError(t("errCartEmpty"));
      else if (caught instanceof ApiError && (caught.status === 0 || caught.status >= 500)) setError(`${explain(caught)} ${t("retrySafe")}`);
      else setError(explain(caught));
      if (caught instanceof ApiError && caught.status !== 0 && caught.status < 500) {
        forgetAttempt();
        await cart.reload();
      }
    } finally {
      sendingNow.current = false;
      setSending(false);
    }
  }

  const lines = cart.data?.items ?? [];
  return (
    <>
      <h1>{t("cartTitle")}</h1>
      {cart.error && !cart.data && (
        <p class="g-error" role="alert">
          {explain(cart.error)}{" "}
          <button type="button" class="g-quiet" onClick={() => void cart.reload()}>
            {t("tryAgain")}
          </button>
        </p>
      )}
      {cart.loading && !cart.data && <p role="status">{t("loading")}</p>}
      {cart.data && lines.length === 0 && (
        <div class="g-empty">
          <p>{t("cartEmpty")}</p>
          <a class="g-button" href="#/menu">
            {t("seeMenu")}
          </a>
        </div>
      )}
      {lines.length > 0 && (
        <>
          <ul class="g-list">
            {lines.map((line) => (
              <li key={line.itemId} class="g-card g-line">
                <div class="g-line-text">
                  <p class="g-name">{t("lineOf", { count: line.quantity, name: line.name })}</p>
                  <p class="g-muted">{formatMoney(line.lineTotal, currency)}</p>
                </div>
                <div class="g-stepper">
                  <button
                    type="button"
                    class="g-round"
                    aria-label={t("less", { name: line.name })}
                    disabled={busyLine !== null || sending || line.quantity <= 1}
                    onClick={() => void change(line, line.quantity - 1)}
                  >
                    <span aria-hidden="true">−</span>
                  </button>
                  <span class="g-qty" aria-hidden="true">
                    {line.quantity}
                  </span>
                  <button
                    type="button"
                    class="g-round"
                    aria-label={t("more", { name: line.name })}
                    disabled={busyLine !== null || sending || line.quantity >= 50}
                    onClick={() => void change(line, line.quantity + 1)}
                  >
                    <span aria-hidden="true">+</span>
                  </button>
                  <button
                    type="button"
                    class="g-round"
                    aria-label={t("remove", { name: line.name })}
                    disabled={busyLine !== null || sending}
                    onClick={() => void change(line, null)}
                  >
                    <span aria-hidden="true">✕</span>
                  </button>
                </div>
              </li>
            ))}
          </ul>
          <div class="g-card g-total">
            <p>
              <span>{t("total")}</span> <strong>{formatMoney(cart.data!.subtotal, currency)}</strong>
            </p>
            <p class="g-muted">{t("chargedToRoom", { room: shared.room })}</p>
          </div>
        </>
      )}
      <p class="g-error" role="alert">
        {error}
      </p>
      {lines.length > 0 && (
        <button type="button" class="g-primary g-wide" disabled={sending} onClick={() => void placeOrder()}>
          {sending ? t("placing") : t("placeOrder")}
        </button>
      )}
    </>
  );
}
