// Web Push on this device: opt in (the VAPID key, a pushManager subscription, stored by
// notifications), opt out (unsubscribe and delete it there). Each phone chooses for itself.
import { api } from "../api";

const STORED = "hotel.staff.push";

export type PushState = "unavailable" | "blocked" | "off" | "on";

interface Stored {
  id: string;
  endpoint: string;
}

export function isPushAvailable(): boolean {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window && window.isSecureContext;
}

function stored(): Stored | null {
  try {
    return JSON.parse(localStorage.getItem(STORED) ?? "null") as Stored | null;
  } catch {
    return null;
  }
}

export async function pushState(): Promise<PushState> {
  if (!isPushAvailable()) return "unavailable";
  if (Notification.permission === "denied") return "blocked";
  try {
    const registration = await navigator.serviceWorker.getRegistration("/staff/");
    const subscription = await registration?.pushManager.getSubscription();
    return subscription && stored() ? "on" : "off";
  } catch {
    return "unavailable";
  }
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

export async function enablePush(): Promise<PushState> {
  if (!isPushAvailable()) return "unavailable";
  const permission = await Notification.requestPermission();
  if (permission === "denied") return "blocked";
  if (permission !== "granted") return "off"; // dismissed: asked again on the next tap
  const answer = await api<{ publicKey?: string; key?: string }>("GET", "/api/push/vapid-public-key");
  const publicKey = answer.publicKey ?? answer.key;
  if (!publicKey) return "unavailable";
  const registration = await navigator.serviceWorker.ready;
  let subscription: PushSubscription;
  try {
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  } catch {
    // No push service behind this browser (headless, or no Google services on the phone).
    return "unavailable";
  }
  const json = subscription.toJSON();
  const saved = await api<{ id: string }>("POST", "/api/push-subscriptions", {
    body: { endpoint: subscription.endpoint, keys: { p256dh: json.keys?.p256dh, auth: json.keys?.auth } },
  });
  localStorage.setItem(STORED, JSON.stringify({ id: saved.id, endpoint: subscription.endpoint }));
  return "on";
}

export async function disablePush(): Promise<PushState> {
  const mine = stored();
  const registration = await navigator.serviceWorker.getRegistration("/staff/");
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
  if (mine) await api("DELETE", `/api/push-subscriptions/${encodeURIComponent(mine.id)}`);
  localStorage.removeItem(STORED);
  return "off";
}
