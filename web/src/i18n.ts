// Every visible string of an app comes from its catalogue: one per app, English and Spanish.
// The browser's language is the default; a switch stores the person's choice on this device.
import { useEffect, useState } from "preact/hooks";

export type Language = "en" | "es";
export const LANGUAGES: Record<Language, string> = { en: "English", es: "Español" };

/** One app's strings: the English catalogue defines the keys; every other language has them all. */
export type Catalogue<K extends string> = Record<Language, Record<K, string>>;

const STORED = "hotel.language";
const listeners = new Set<(language: Language) => void>();

function browserLanguage(): Language {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split("-")[0];
    if (base in LANGUAGES) return base as Language;
  }
  return "en";
}

function storedLanguage(): Language | null {
  try {
    const value = localStorage.getItem(STORED);
    return value && value in LANGUAGES ? (value as Language) : null;
  } catch {
    return null;
  }
}

let current: Language = storedLanguage() ?? browserLanguage();
document.documentElement.lang = current;

export function language(): Language {
  return current;
}

export function setLanguage(next: Language): void {
  current = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORED, next);
  } catch {
    // Storage disabled: the choice lasts until the page is closed.
  }
  listeners.forEach((listener) => listener(next));
}

/** The current language; the component re-renders when the person switches. */
export function useLanguage(): Language {
  const [value, setValue] = useState(current);
  useEffect(() => {
    listeners.add(setValue);
    return () => {
      listeners.delete(setValue);
    };
  }, []);
  return value;
}

/** A translator for one catalogue: t("dueIn", {minutes: 5}) fills `{minutes}` in the string. */
export function translator<K extends string>(catalogue: Catalogue<K>) {
  return (key: K, values: Record<string, string | number> = {}): string => {
    const text = catalogue[current][key] ?? catalogue.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
  };
}
