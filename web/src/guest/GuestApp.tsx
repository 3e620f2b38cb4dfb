// The signed-in guest's app: one room (the grant's), five sections, order hints live.
import { useEffect, useState } from "preact/hooks";
import type { User } from "../api";
import { useResource } from "../live";
import { useRoute } from "../route";
import { connect, disconnect } from "../socket";
import { Cart } from "./Cart";
import { Contact } from "./Contact";
import { loadCart, loadOrders, roomOf, stayOf, type CancelledOrder } from "./data";
import { Menu } from "./Menu";
import { Orders } from "./Orders";
import { LanguageSwitch } from "./parts";
import { RoomServices } from "./RoomServices";
import { t, type GuestKey } from "./strings";

const SECTIONS: [string, GuestKey][] = [
  ["menu", "navMenu"],
  ["cart", "navCart"],
  ["orders", "navOrders"],
  ["room", "navRoom"],
  ["contact", "navContact"],
];

export interface Shared {
  user: User;
  room: string;
  /** Say something to the guest (a polite status line at the bottom of the screen). */
  announce: (text: string) => void;
}

export function GuestApp({ user, onSignOut }: { user: User; onSignOut: () => Promise<void> }) {
  const room = roomOf(user);
  const stay = stayOf(user);
  const route = useRoute();
  const section = SECTIONS.some(([id]) => id === route.page) ? route.page : "menu";
  const [message, setMessage] = useState("");
  const [cancelled, setCancelled] = useState<CancelledOrder[]>([]);
  const cart = useResource(() => loadCart(room), [], room);
  const orders = useResource(async () => (await loadOrders(room)).filter((order) => order.customerId === stay), ["order."], room);

  useEffect(() => {
    connect();
    return () => disconnect();
  }, [user.id]);

  useEffect(() => {
    if (!message) return;
    const timer = window.setTimeout(() => setMessage(""), 5000);
    return () => window.clearTimeout(timer);
  }, [message]);

  useEffect(() => {
    document.getElementById("g-main")?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [section]);

  const shared: Shared = { user, room, announce: setMessage };
  const inCart = cart.data?.items.reduce((sum, line) => sum + line.quantity, 0) ?? 0;
  const active = orders.data?.filter((order) => order.status !== "delivered").length ?? 0;

  return (
    <div class="g-shell">
      <a class="g-skip" href="#g-main">
        {t("sections")}
      </a>
      <header class="g-top">
        <div class="g-room">
          <span aria-hidden="true" class="g-room-glyph">
            ⌂
          </span>
          <span>{t("roomBadge", { room })}</span>
        </div>
        <div class="g-top-actions">
          <LanguageSwitch id="app-language" />
          <button type="button" class="g-quiet" onClick={() => void onSignOut()}>
            {t("signOut")}
          </button>
        </div>
      </header>
      <main id="g-main" class="g-main" tabIndex={-1}>
        {user.username && user.username !== "guest" && <p class="g-welcome">{t("welcome", { name: user.username })}</p>}
        {section === "menu" && <Menu shared={shared} cart={cart} />}
        {section === "cart" && <Cart shared={shared} cart={cart} onOrdered={() => void orders.reload()} />}
        {section === "orders" && (
          <Orders shared={shared} orders={orders} cancelled={cancelled} onCancelled={(order) => setCancelled((list) => [order, ...list])} />
        )}
        {section === "room" && <RoomServices shared={shared} />}
        {section === "contact" && <Contact shared={shared} />}
      </main>
      <p class={message ? "g-toast" : "g-toast g-toast-empty"} role="status">
        {message}
      </p>
      <nav class="g-nav" aria-label={t("sections")}>
        {SECTIONS.map(([id, key]) => (
          <a key={id} href={`#/${id}`} aria-current={id === section ? "page" : undefined}>
            <span>{t(key)}</span>
            {id === "cart" && inCart > 0 && (
              <span class="g-badge">
                <span aria-hidden="true">{inCart}</span>
                <span class="g-sr">{t("itemsInCart", { count: inCart })}</span>
              </span>
            )}
            {id === "orders" && active > 0 && (
              <span class="g-badge">
                <span aria-hidden="true">{active}</span>
                <span class="g-sr">{t("activeOrders", { count: active })}</span>
              </span>
            )}
          </a>
        ))}
      </nav>
    </div>
  );
}
