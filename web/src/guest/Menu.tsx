// The menu by category, the combos carousel and what goes well with the cart.
import { useRef, useState } from "preact/hooks";
import { ApiError } from "../api";
import { language } from "../i18n";
import { useResource, type Resource } from "../live";
import { addToCart, formatMoney, loadCombos, loadMenu, loadRecommendations, type Cart, type Combo, type Food, type Recommendation } from "./data";
import type { Shared } from "./GuestApp";
import { explain } from "./parts";
import { categoryName, t } from "./strings";

/** Only images the gateway serves: the CSP refuses any other origin (and says so in the console). */
function Picture({ src }: { src: string | null }) {
  return src && src.startsWith("/") ? <img class="g-picture" src={src} alt="" loading="lazy" /> : null;
}

function useAdd(shared: Shared, cart: Resource<Cart>) {
  const [adding, setAdding] = useState<string | null>(null);
  // Adding twice adds two: a second tap before the disabled button renders is ignored here.
  const busy = useRef(false);
  async function add(key: string, name: string, item: { foodId: string } | { comboId: string }) {
    if (busy.current) return;
    busy.current = true;
    setAdding(key);
    try {
      await addToCart(shared.room, item);
      shared.announce(t("added", { name }));
      await cart.reload();
    } catch (error) {
      shared.announce(error instanceof ApiError && error.code === "item_unavailable" ? t("errUnavailable", { item: name }) : explain(error));
    } finally {
      busy.current = false;
      setAdding(null);
    }
  }
  return { adding, add };
}

function AddButton({ name, busy, disabled, onClick }: { name: string; busy: boolean; disabled: boolean; onClick: () => void }) {
  return (
    <button type="button" class="g-add" aria-label={t("addLabel", { name })} disabled={disabled} onClick={onClick}>
      {busy ? t("adding") : `+ ${t("add")}`}
    </button>
  );
}

/** The reason the server gives, in the guest's language (it answers in English). */
function reasonText(reason: string): string {
  const together = /^often ordered with (.+)$/i.exec(reason);
  if (together) return t("oftenOrderedWith", { name: together[1] });
  const hour = /^popular around (\d{1,2}:\d{2})$/i.exec(reason);
  if (hour) return t("popularAround", { time: hour[1] });
  return reason;
}

function Combos({ combos, currency, adder }: { combos: Combo[]; currency: string; adder: ReturnType<typeof useAdd> }) {
  const [index, setIndex] = useState(0);
  if (combos.length === 0) return null;
  const shown = Math.min(index, combos.length - 1);
  const combo = combos[shown];
  const move = (step: number) => setIndex((shown + step + combos.length) % combos.length);
  return (
    <section class="g-carousel" aria-roledescription="carousel" aria-labelledby="combos-title">
      <div class="g-carousel-head">
        <h2 id="combos-title">{t("combosTitle")}</h2>
        {combos.length > 1 && (
          <div class="g-carousel-controls">
            <button type="button" class="g-round" aria-label={t("previousCombo")} onClick={() => move(-1)}>
              <span aria-hidden="true">‹</span>
            </button>
            <button type="button" class="g-round" aria-label={t("nextCombo")} onClick={() => move(1)}>
              <span aria-hidden="true">›</span>
            </button>
          </div>
        )}
      </div>
      <div class="g-card g-combo" role="group" aria-roledescription="slide" aria-label={`${combo.title}, ${t("comboOf", { index: shown + 1, total: combos.length })}`}>
        <Picture src={combo.img} />
        <h3>{combo.title}</h3>
        {combo.description && <p>{combo.description}</p>}
        <p class="g-muted">{t("includes", { items: combo.items.map((item) => `${item.quantity} × ${item.name}`).join(", ") })}</p>
        <div class="g-buy">
          <span class="g-price">{formatMoney(combo.price, combo.currency || currency)}</span>
          <AddButton
            name={combo.title}
            busy={adder.adding === `combo:${combo.id}`}
            disabled={adder.adding !== null || !combo.orderable}
            onClick={() => void adder.add(`combo:${combo.id}`, combo.title, { comboId: combo.id })}
          />
        </div>
        <p class="g-muted g-count" aria-hidden="true">
          {t("comboOf", { index: shown + 1, total: combos.length })}
        </p>
      </div>
    </section>
  );
}

/** Recommendations carry no currency: their prices are the menu's. */
function Recommendations({ items, currency, adder }: { items: Recommendation[]; currency: string; adder: ReturnType<typeof useAdd> }) {
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="recs-title" class="g-recs">
      <h2 id="recs-title">{t("recommendationsTitle")}</h2>
      <ul class="g-list">
        {items.map((item) => (
          <li key={`${item.kind}:${item.id}`} class="g-card g-row">
            <div>
              <p class="g-name">{item.name}</p>
              <p class="g-muted">{reasonText(item.reason)}</p>
            </div>
            <div class="g-buy">
              <span class="g-price">{formatMoney(item.price, currency)}</span>
              <AddButton
                name={item.name}
                busy={adder.adding === `${item.kind}:${item.id}`}
                disabled={adder.adding !== null}
                onClick={() => void adder.add(`${item.kind}:${item.id}`, item.name, item.kind === "combo" ? { comboId: item.id } : { foodId: item.id })}
              />
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Menu({ shared, cart }: { shared: Shared; cart: Resource<Cart> }) {
  const menu = useResource(loadMenu, [], "menu");
  const combos = useResource(loadCombos, [], "combos");
  const recommendations = useResource(() => loadRecommendations(shared.room), [], `${shared.room}:${cart.data?.version ?? 0}`);
  const adder = useAdd(shared, cart);
  const lang = language();

  const foods = menu.data ?? [];
  const currency = foods[0]?.currency ?? combos.data?.[0]?.currency ?? "";
  const categories = new Map<string, Food[]>();
  for (const food of foods) {
    if (!food.available) continue;
    categories.set(food.category, [...(categories.get(food.category) ?? []), food]);
  }

  return (
    <>
      <h1>{t("menuTitle")}</h1>
      <p class="g-muted">{t("menuIntro")}</p>
      {menu.error && (
        <p class="g-error" role="alert">
          {explain(menu.error)}{" "}
          <button type="button" class="g-quiet" onClick={() => void menu.reload()}>
            {t("tryAgain")}
          </button>
        </p>
      )}
      {menu.loading && !menu.data && <p role="status">{t("loading")}</p>}
      {cart.data && cart.data.items.length > 0 && <Recommendations items={recommendations.data ?? []} currency={currency} adder={adder} />}
      <Combos combos={(combos.data ?? []).filter((combo) => combo.orderable)} currency={currency} adder={adder} />
      {menu.data && categories.size === 0 && <p class="g-empty">{t("menuEmpty")}</p>}
      {[...categories].map(([category, items]) => (
        <section key={category} aria-labelledby={`cat-${category}`}>
          <h2 id={`cat-${category}`}>{categoryName(category, lang)}</h2>
          <ul class="g-list">
            {items.map((food) => (
              <li key={food.id} class="g-card g-row">
                <Picture src={food.img} />
                <div>
                  <p class="g-name">{food.name}</p>
                  {food.details && <p class="g-muted">{food.details}</p>}
                </div>
                <div class="g-buy">
                  <span class="g-price">{formatMoney(food.price, food.currency)}</span>
                  <AddButton
                    name={food.name}
                    busy={adder.adding === `food:${food.id}`}
                    disabled={adder.adding !== null}
                    onClick={() => void adder.add(`food:${food.id}`, food.name, { foodId: food.id })}
                  />
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
