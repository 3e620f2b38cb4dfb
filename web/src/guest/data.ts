// What the guest app reads and writes, always for the signed-in room (never a room typed in).
import { api, ApiError, type Page, type User } from "../api";
import { language } from "../i18n";

/** The guest grant's user: auth adds the room of the stay; the id is `guest:<customerId>`. */
export type GuestUser = User & { roomNumber?: string };

export function roomOf(user: User): string {
  return (user as GuestUser).roomNumber ?? "";
}

/** The stay's customer id (orders carry it), from the guest's user id. */
export function stayOf(user: User): string {
  return user.id.startsWith("guest:") ? user.id.slice("guest:".length) : user.id;
}

export interface Food {
  id: string;
  name: string;
  price: string;
  category: string;
  img: string | null;
  details: string;
  available: boolean;
  currency: string;
}

export interface Combo {
  id: string;
  title: string;
  description: string;
  price: string;
  img: string | null;
  items: { foodId: string; name: string; quantity: number }[];
  orderable: boolean;
  currency: string;
}

export interface Recommendation {
  kind: "food" | "combo";
  id: string;
  name: string;
  price: string;
  reason: string;
}

export interface Line {
  itemId: string;
  kind: "food" | "combo";
  foodId?: string;
  comboId?: string;
  name: string;
  quantity: number;
  unitPrice: string;
  lineTotal: string;
}

export interface Cart {
  roomNumber: string;
  items: Line[];
  subtotal: string;
  version: number;
}

export const ORDER_STEPS = ["pending", "acknowledged", "preparing", "on the way", "delivered"] as const;
export type OrderStatus = (typeof ORDER_STEPS)[number];

export interface Order {
  id: string;
  roomNumber: string;
  customerId: string | null;
  items: Line[];
  totalPrice: string;
  currency: string;
  status: OrderStatus;
  checkedOutAt: string;
  statusTimes: Partial<Record<OrderStatus, string>>;
}

export interface CancelledOrder {
  id: string;
  originalOrderId: string;
  items: Line[];
  totalPrice: string;
  currency: string;
  cancelledAt: string;
}

export interface ServiceRequest {
  taskId: string;
  roomNumber: string;
  jobType: string;
  date: string;
  description: string | null;
  requestedBy: string | null;
  /** The task's status and due time now (tasks joins them into the list). */
  status?: string;
  dueDate?: string | null;
  task?: { status: string } | null;
}

export type GuestServiceStatus = "None" | "DoNotDisturb" | "MakeUpRoom";

/** The short code guests and the kitchen both see for an order ("#0A1F"). */
export function orderCode(id: string): string {
  return id.slice(-4).toUpperCase();
}

export function formatMoney(amount: string, currency: string | undefined): string {
  const value = Number(amount);
  if (!currency || !Number.isFinite(value)) return amount;
  try {
    return new Intl.NumberFormat(language(), { style: "currency", currency }).format(value);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(language(), { hour: "numeric", minute: "2-digit" });
}

const room = (number: string) => encodeURIComponent(number);

export const loadMenu = () => api<Page<Food>>("GET", "/api/menu", { query: { available: true } }).then((page) => page.items);
export const loadCombos = () => api<Page<Combo>>("GET", "/api/combos", { query: { active: true } }).then((page) => page.items);
export const loadRecommendations = (number: string) =>
  api<Page<Recommendation>>("GET", "/api/menu/recommendations", { query: { roomNumber: number } }).then((page) => page.items);

export const loadCart = (number: string) => api<Cart>("GET", `/api/carts/${room(number)}`);
export const addToCart = (number: string, item: { foodId: string } | { comboId: string }) =>
  api<Cart>("POST", `/api/carts/${room(number)}/items`, { body: { ...item, quantity: 1 } });
export const changeQuantity = (number: string, itemId: string, quantity: number) =>
  api<Cart>("PATCH", `/api/carts/${room(number)}/items/${encodeURIComponent(itemId)}`, { body: { quantity } });
export const removeLine = (number: string, itemId: string) =>
  api<Cart>("DELETE", `/api/carts/${room(number)}/items/${encodeURIComponent(itemId)}`);

/** Checkout with the attempt's Idempotency-Key: the same key again answers the same order. An
 * item_unavailable problem names the item (`item`), so the guest is told which one. */
export async function checkout(number: string, key: string): Promise<Order> {
  try {
    return await api<Order>("POST", `/api/carts/${room(number)}/checkout`, { headers: { "Idempotency-Key": key } });
  } catch (caught) {
    if (caught instanceof ApiError && typeof caught.extra.item === "string") throw Object.assign(caught, { item: caught.extra.item });
    throw caught;
  }
}

export const loadOrders = (number: string) =>
  api<Page<Order>>("GET", "/api/orders", { query: { roomNumber: number, limit: 50 } }).then((page) => page.items);
export const cancelOrder = (id: string, reason: string) =>
  api<CancelledOrder>("POST", `/api/orders/${encodeURIComponent(id)}/cancel`, { body: { reason } });

export const loadRequests = (number: string) =>
  api<Page<ServiceRequest>>("GET", "/api/requests", { query: { roomNumber: number, limit: 50 } }).then((page) => page.items);
export const sendRequest = (number: string, jobType: string, description: string) =>
  api<ServiceRequest>("POST", "/api/requests", { body: { roomNumber: number, jobType, description, priority: "normal" } });

/** The room's door sign as it is now: the one part of the room a guest may read. */
export const loadGuestService = (number: string) =>
  api<{ roomNumber: string; guestServiceStatus: GuestServiceStatus; version: number }>("GET", `/api/rooms/${room(number)}/guest-service`);

export const setGuestService = (number: string, guestServiceStatus: GuestServiceStatus) =>
  api<{ guestServiceStatus: GuestServiceStatus }>("PATCH", `/api/rooms/${room(number)}/status`, { body: { guestServiceStatus } });

export const sendMessage = (number: string, name: string, message: string) =>
  api<{ id: string; createdAt: string }>("POST", "/api/contact-messages", { body: { name, roomNumber: number, message } });

// Carts and recommendations carry no currency: the hotel's is read once from the menu.
let currency: Promise<string> | null = null;

export function hotelCurrency(): Promise<string> {
  currency ??= loadMenu().then(
    (foods) => foods[0]?.currency ?? "",
    () => {
      currency = null;
      return "";
    },
  );
  return currency;
}

/** A new random key (randomUUID needs a secure context; a hotel LAN over http may not be one). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
