// Menu and combos: items by category with price and availability (one click to sell out or bring
// back), create and edit with the service's validation shown at each field, delete after a
// confirmation; combos the same. Editing is the restaurant admin's; others see it read-only.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, ApiError, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import { fieldErrors, formatMoney, mayEditMenu } from "../kitchen/format";
import { Modal } from "../kitchen/Modal";
import "./Menu.css";

interface Food {
  id: string;
  name: string;
  price: string;
  category: string;
  details?: string;
  available: boolean;
  currency?: string;
  version: number;
}

interface Combo {
  id: string;
  title: string;
  description?: string;
  price: string;
  items: { foodId: string; name: string; quantity: number }[];
  active: boolean;
  orderable: boolean;
  currency?: string;
  version: number;
}

type Editing = { kind: "food"; food: Food | null } | { kind: "combo"; combo: Combo | null };
type Deleting = { kind: "food"; food: Food } | { kind: "combo"; combo: Combo };

/** The result of a write: null when done, else the messages by field (form-level under ""). */
type WriteResult = Record<string, string> | null;

function problemFields(caught: unknown, staleText: string): Record<string, string> {
  const problem = caught as ApiError;
  if (problem.status === 412) return { "": staleText };
  const fields = problem.status === 422 ? fieldErrors(problem) : {};
  return Object.keys(fields).length > 0 ? { "": "Not saved: check the fields marked below.", ...fields } : { "": `Not saved: ${describeError(problem)}` };
}

export function Menu({ user }: { user: User }) {
  const foods = useResource(() => api<Page<Food>>("GET", "/api/menu"), []);
  const combos = useResource(() => api<Page<Combo>>("GET", "/api/combos"), []);
  const mayEdit = mayEditMenu(user);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<Deleting | null>(null);

  const foodList = foods.data?.items ?? [];
  const comboList = combos.data?.items ?? [];
  const categories = [...new Set(foodList.map((f) => f.category))].sort();
  const reloadAll = () => Promise.all([foods.reload(), combos.reload()]);

  /** Switch an item's or a combo's availability; a 412 means someone changed it meanwhile. */
  async function switchAvailability(
    target: { id: string; version: number; path: string; name: string },
    body: Record<string, boolean>,
    outcome: string,
    reload: () => Promise<unknown>,
  ) {
    setBusy(target.id);
    try {
      await api("PATCH", target.path, { body, ifMatch: target.version });
      setMessage(`${target.name} is now ${outcome}.`);
    } catch (caught) {
      const problem = caught as ApiError;
      setMessage(problem.status === 412 ? `${target.name} was changed elsewhere meanwhile; the list now shows it. Try again if still needed.` : `${target.name} not changed: ${describeError(problem)}`);
    } finally {
      setBusy(null);
      await reload();
    }
  }

  const toggleFood = (food: Food) =>
    switchAvailability(
      { id: food.id, version: food.version, path: `/api/menu/${encodeURIComponent(food.id)}`, name: food.name },
      { available: !food.available },
      food.available ? "unavailable: guests cannot order it" : "available",
      reloadAll, // a combo's "orderable" follows its foods
    );

  const toggleCombo = (combo: Combo) =>
    switchAvailability(
      { id: combo.id, version: combo.version, path: `/api/combos/${encodeURIComponent(combo.id)}`, name: combo.title },
      { active: !combo.active },
      combo.active ? "inactive: guests cannot order it" : "active",
      combos.reload,
    );

  async function saveFood(food: Food | null, body: Record<string, unknown>): Promise<WriteResult> {
    try {
      if (food) await api("PATCH", `/api/menu/${encodeURIComponent(food.id)}`, { body, ifMatch: food.version });
      else await api("POST", "/api/menu", { body });
      setMessage(`${String(body.name)} ${food ? "saved" : "added to the menu"}.`);
      setEditing(null);
      await reloadAll();
      return null;
    } catch (caught) {
      if ((caught as ApiError).status === 412) await foods.reload();
      return problemFields(caught, "Someone changed this item while you edited it. Close, check the list and edit again.");
    }
  }

  async function saveCombo(combo: Combo | null, body: Record<string, unknown>): Promise<WriteResult> {
    try {
      if (combo) await api("PATCH", `/api/combos/${encodeURIComponent(combo.id)}`, { body, ifMatch: combo.version });
      else await api("POST", "/api/combos", { body });
      setMessage(`${String(body.title)} ${combo ? "saved" : "added to the combos"}.`);
      setEditing(null);
      await combos.reload();
      return null;
    } catch (caught) {
      if ((caught as ApiError).status === 412) await combos.reload();
      return problemFields(caught, "Someone changed this combo while you edited it. Close, check the list and edit again.");
    }
  }

  async function remove(target: Deleting): Promise<string | null> {
    const [path, name, version] =
      target.kind === "food"
        ? [`/api/menu/${encodeURIComponent(target.food.id)}`, target.food.name, target.food.version]
        : [`/api/combos/${encodeURIComponent(target.combo.id)}`, target.combo.title, target.combo.version];
    try {
      await api("DELETE", path, { ifMatch: version });
      setMessage(`${name} deleted.`);
      setDeleting(null);
      await reloadAll();
      return null;
    } catch (caught) {
      await reloadAll();
      const problem = caught as ApiError;
      return problem.status === 412 ? `${name} was changed elsewhere meanwhile. Close, check it and delete again if still wanted.` : describeError(problem);
    }
  }

  return (
    <section aria-labelledby="menu-title" class="mn-page">
      <div class="page-head">
        <h1 id="menu-title">Menu &amp; combos</h1>
        {foods.asOf && <span class="muted">as of {foods.asOf.toLocaleTimeString()}</span>}
      </div>
      {!mayEdit && <p class="muted">View only: the restaurant admin edits the menu and combos.</p>}
      <p class="status-line" role="status" aria-live="polite">{message}</p>
      {(foods.error || combos.error) && <p class="form-error" role="alert">The menu could not be loaded: {describeError((foods.error || combos.error)!)}</p>}

      <div class="mn-section-head">
        <h2 id="items-title">Items ({foodList.length})</h2>
        {mayEdit && (
          <button type="button" class="primary" onClick={() => setEditing({ kind: "food", food: null })}>
            New item
          </button>
        )}
      </div>
      {foods.data && foodList.length === 0 && <p class="mn-empty">The menu is empty. {mayEdit ? "Add the first item with “New item”." : ""}</p>}
      {categories.map((category) => {
        const id = `cat-${category.replace(/\W+/g, "-")}`;
        return (
          <section key={category} aria-labelledby={id} class="mn-category">
            <h3 id={id}>{category}</h3>
            <table class="audit mn-table" aria-labelledby={id}>
              <thead>
                <tr>
                  <th scope="col" class="mn-col-name">Item</th>
                  <th scope="col" class="mn-num mn-col-price">Price</th>
                  <th scope="col" class="mn-col-avail">Availability</th>
                  {mayEdit && <th scope="col" class="mn-col-actions">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {foodList
                  .filter((f) => f.category === category)
                  .map((food) => (
                    <tr key={food.id} class={food.available ? "" : "mn-unavailable"}>
                      <th scope="row">
                        {food.name}
                        {food.details && <span class="muted mn-details">{food.details}</span>}
                      </th>
                      <td class="mn-num">{formatMoney(food.price, food.currency)}</td>
                      <td>
                        <Availability on={food.available} onText="Available" offText="Unavailable" />
                      </td>
                      {mayEdit && (
                        <RowActions
                          name={food.name}
                          toggleText={food.available ? "Mark unavailable" : "Mark available"}
                          busy={busy === food.id}
                          onToggle={() => void toggleFood(food)}
                          onEdit={() => setEditing({ kind: "food", food })}
                          onDelete={() => setDeleting({ kind: "food", food })}
                        />
                      )}
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        );
      })}

      <div class="mn-section-head">
        <h2 id="combos-title">Combos ({comboList.length})</h2>
        {mayEdit && (
          <button type="button" class="primary" onClick={() => setEditing({ kind: "combo", combo: null })} disabled={foodList.length === 0}>
            New combo
          </button>
        )}
      </div>
      {combos.data && comboList.length === 0 && <p class="mn-empty">No combos yet. {mayEdit ? "Put menu items together with “New combo”." : ""}</p>}
      {comboList.length > 0 && (
        <table class="audit mn-table" aria-labelledby="combos-title">
          <thead>
            <tr>
              <th scope="col" class="mn-col-name">Combo</th>
              <th scope="col" class="mn-col-contents">Contents</th>
              <th scope="col" class="mn-num mn-col-price">Price</th>
              <th scope="col" class="mn-col-avail">Availability</th>
              {mayEdit && <th scope="col" class="mn-col-actions">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {comboList.map((combo) => (
              <tr key={combo.id} class={combo.orderable ? "" : "mn-unavailable"}>
                <th scope="row">
                  {combo.title}
                  {combo.description && <span class="muted mn-details">{combo.description}</span>}
                </th>
                <td>
                  <ul class="mn-contents">
                    {combo.items.map((item) => (
                      <li key={item.foodId}>
                        {item.quantity} × {item.name}
                      </li>
                    ))}
                  </ul>
                </td>
                <td class="mn-num">{formatMoney(combo.price, combo.currency)}</td>
                <td>
                  <Availability on={combo.active} onText="Active" offText="Inactive" />
                  {combo.active && !combo.orderable && <span class="mn-blocked">Cannot be ordered: one of its items is unavailable</span>}
                </td>
                {mayEdit && (
                  <RowActions
                    name={combo.title}
                    toggleText={combo.active ? "Deactivate" : "Activate"}
                    busy={busy === combo.id}
                    onToggle={() => void toggleCombo(combo)}
                    onEdit={() => setEditing({ kind: "combo", combo })}
                    onDelete={() => setDeleting({ kind: "combo", combo })}
                  />
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {editing?.kind === "food" && <FoodForm food={editing.food} categories={categories} onSave={saveFood} onClose={() => setEditing(null)} />}
      {editing?.kind === "combo" && <ComboForm combo={editing.combo} foods={foodList} onSave={saveCombo} onClose={() => setEditing(null)} />}
      {deleting && <DeleteDialog target={deleting} onDelete={remove} onClose={() => setDeleting(null)} />}
    </section>
  );
}

/** A row's buttons; each names its row for screen readers ("Edit Caesar salad"). */
function RowActions(props: { name: string; toggleText: string; busy: boolean; onToggle: () => void; onEdit: () => void; onDelete: () => void }) {
  return (
    <td>
      <div class="mn-actions">
        <button type="button" disabled={props.busy} onClick={props.onToggle}>
          {props.toggleText}
          <span class="sr-only"> {props.name}</span>
        </button>
        <button type="button" onClick={props.onEdit}>
          Edit<span class="sr-only"> {props.name}</span>
        </button>
        <button type="button" onClick={props.onDelete}>
          Delete<span class="sr-only"> {props.name}</span>
        </button>
      </div>
    </td>
  );
}

function Availability({ on, onText, offText }: { on: boolean; onText: string; offText: string }) {
  return (
    <span class={on ? "mn-avail mn-on" : "mn-avail mn-off"}>
      <span aria-hidden="true">{on ? "✓ " : "✕ "}</span>
      {on ? onText : offText}
    </span>
  );
}

/** A labelled input with its error from the service right under it. */
function Field(props: { label: string; name: string; errors: Record<string, string>; children: (attrs: Record<string, unknown>) => JSX.Element }) {
  const error = props.errors[props.name];
  const errorId = `field-${props.name.replace(/\W/g, "-")}-error`;
  return (
    <label>
      {props.label}
      {props.children({ name: props.name, "aria-invalid": error ? true : undefined, "aria-describedby": error ? errorId : undefined })}
      {error && (
        <span id={errorId} class="kt-field-error">
          {error}
        </span>
      )}
    </label>
  );
}

function FormErrors({ errors }: { errors: Record<string, string> }) {
  return errors[""] ? (
    <p class="form-error" role="alert">
      {errors[""]}
    </p>
  ) : null;
}

function FoodForm(props: { food: Food | null; categories: string[]; onSave: (food: Food | null, body: Record<string, unknown>) => Promise<WriteResult>; onClose: () => void }) {
  const { food } = props;
  const [name, setName] = useState(food?.name ?? "");
  const [category, setCategory] = useState(food?.category ?? "");
  const [price, setPrice] = useState(food?.price ?? "");
  const [details, setDetails] = useState(food?.details ?? "");
  const [available, setAvailable] = useState(food?.available ?? true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    // Validation is the service's: its 422 names each field, shown next to it.
    const result = await props.onSave(food, { name: name.trim(), category: category.trim(), price: price.trim(), details: details.trim(), available });
    setErrors(result ?? {});
    setBusy(false);
  }

  return (
    <Modal title={food ? `Edit ${food.name}` : "New menu item"} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <FormErrors errors={errors} />
        <Field label="Name" name="name" errors={errors}>
          {(attrs) => <input {...attrs} value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={120} />}
        </Field>
        <Field label="Category" name="category" errors={errors}>
          {(attrs) => <input {...attrs} value={category} list="menu-categories" onInput={(e) => setCategory(e.currentTarget.value)} maxLength={60} />}
        </Field>
        <datalist id="menu-categories">
          {props.categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <Field label="Price (for example 12.50)" name="price" errors={errors}>
          {(attrs) => <input {...attrs} value={price} inputMode="decimal" onInput={(e) => setPrice(e.currentTarget.value)} />}
        </Field>
        <Field label="Description" name="details" errors={errors}>
          {(attrs) => <textarea {...attrs} value={details} onInput={(e) => setDetails(e.currentTarget.value)} maxLength={2000} />}
        </Field>
        <label class="check">
          <input type="checkbox" checked={available} onChange={(e) => setAvailable(e.currentTarget.checked)} />
          Available to order
        </label>
        <div class="kt-modal-actions">
          <button type="button" onClick={props.onClose}>
            Close without saving
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? "Saving…" : food ? "Save item" : "Add item"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

interface ComboRow {
  key: number;
  foodId: string;
  quantity: string;
}

let rowKeys = 1;

function ComboForm(props: { combo: Combo | null; foods: Food[]; onSave: (combo: Combo | null, body: Record<string, unknown>) => Promise<WriteResult>; onClose: () => void }) {
  const { combo } = props;
  const [title, setTitle] = useState(combo?.title ?? "");
  const [description, setDescription] = useState(combo?.description ?? "");
  const [price, setPrice] = useState(combo?.price ?? "");
  const [active, setActive] = useState(combo?.active ?? true);
  const [rows, setRows] = useState<ComboRow[]>(
    combo ? combo.items.map((item) => ({ key: rowKeys++, foodId: item.foodId, quantity: String(item.quantity) })) : [{ key: rowKeys++, foodId: "", quantity: "1" }],
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const setRow = (key: number, change: Partial<ComboRow>) => setRows((current) => current.map((row) => (row.key === key ? { ...row, ...change } : row)));

  async function submit(event: Event) {
    event.preventDefault();
    const unchosen = rows.map((row, index) => [row, index] as const).filter(([row]) => !row.foodId);
    if (unchosen.length > 0) {
      setErrors(Object.fromEntries([["", "Not saved: check the fields marked below."], ...unchosen.map(([, index]) => [`items.${index}.foodId`, "Choose an item, or remove this row."])]));
      return;
    }
    setBusy(true);
    const items = rows.map((row) => ({ foodId: row.foodId, quantity: Number(row.quantity) }));
    const result = await props.onSave(combo, { title: title.trim(), description: description.trim(), price: price.trim(), items, active });
    setErrors(result ?? {});
    setBusy(false);
  }

  return (
    <Modal title={combo ? `Edit ${combo.title}` : "New combo"} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <FormErrors errors={errors} />
        <Field label="Title" name="title" errors={errors}>
          {(attrs) => <input {...attrs} value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={120} />}
        </Field>
        <Field label="Price (for example 22.00)" name="price" errors={errors}>
          {(attrs) => <input {...attrs} value={price} inputMode="decimal" onInput={(e) => setPrice(e.currentTarget.value)} />}
        </Field>
        <Field label="Description" name="description" errors={errors}>
          {(attrs) => <textarea {...attrs} value={description} onInput={(e) => setDescription(e.currentTarget.value)} maxLength={2000} />}
        </Field>
        <fieldset class="mn-combo-items" aria-describedby={errors.items ? "combo-items-error" : undefined}>
          <legend>Items in the combo</legend>
          {errors.items && (
            <p id="combo-items-error" class="kt-field-error">
              {errors.items}
            </p>
          )}
          {rows.map((row, index) => {
            const rowError = [errors[`items.${index}.foodId`], errors[`items.${index}.quantity`]].filter(Boolean).join(" ");
            return (
              <div key={row.key} class="mn-combo-row">
                <label>
                  Item {index + 1}
                  <select value={row.foodId} onChange={(e) => setRow(row.key, { foodId: e.currentTarget.value })} aria-invalid={rowError ? true : undefined} aria-describedby={rowError ? `combo-row-${row.key}-error` : undefined}>
                    <option value="">Choose an item…</option>
                    {props.foods.map((food) => (
                      <option key={food.id} value={food.id}>
                        {food.name}
                        {food.available ? "" : " (unavailable)"}
                      </option>
                    ))}
                  </select>
                </label>
                <label class="mn-qty">
                  Quantity
                  <input type="number" min={1} max={20} value={row.quantity} onInput={(e) => setRow(row.key, { quantity: e.currentTarget.value })} />
                </label>
                <button type="button" disabled={rows.length === 1} onClick={() => setRows((current) => current.filter((r) => r.key !== row.key))}>
                  Remove<span class="sr-only"> item {index + 1}</span>
                </button>
                {rowError && (
                  <span id={`combo-row-${row.key}-error`} class="kt-field-error mn-combo-row-error">
                    {rowError}
                  </span>
                )}
              </div>
            );
          })}
          <button type="button" disabled={rows.length >= 20} onClick={() => setRows((current) => [...current, { key: rowKeys++, foodId: "", quantity: "1" }])}>
            Add an item
          </button>
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          Active (guests can order it)
        </label>
        <div class="kt-modal-actions">
          <button type="button" onClick={props.onClose}>
            Close without saving
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? "Saving…" : combo ? "Save combo" : "Add combo"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function DeleteDialog({ target, onDelete, onClose }: { target: Deleting; onDelete: (target: Deleting) => Promise<string | null>; onClose: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = target.kind === "food" ? target.food.name : target.combo.title;
  const consequence =
    target.kind === "food"
      ? "Guests can no longer order it, and combos holding it stop being orderable. Marking it unavailable instead keeps it for later."
      : "Guests can no longer order it. Deactivating it instead keeps it for later.";

  async function confirm() {
    setBusy(true);
    setError(await onDelete(target));
    setBusy(false);
  }

  return (
    <Modal title={`Delete ${name}?`} onClose={onClose}>
      <p>{consequence}</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="kt-modal-actions">
        <button type="button" onClick={onClose}>
          Keep it
        </button>
        <button type="button" class="kt-danger" disabled={busy} onClick={() => void confirm()}>
          {busy ? "Deleting…" : `Delete ${name}`}
        </button>
      </div>
    </Modal>
  );
}
