// Small pieces every guest screen uses: the language switch and errors in the guest's words.
import { ApiError } from "../api";
import { LANGUAGES, language, setLanguage, type Language } from "../i18n";
import { describeError } from "../live";
import { t } from "./strings";

export function LanguageSwitch({ id }: { id: string }) {
  return (
    <label class="g-language" for={id}>
      <span>{t("language")}</span>
      <select id={id} value={language()} onChange={(event) => setLanguage((event.target as HTMLSelectElement).value as Language)}>
        {(Object.keys(LANGUAGES) as Language[]).map((code) => (
          <option key={code} value={code} lang={code}>
            {LANGUAGES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** An error as a guest reads it: connection and waiting in their language, the rest as the server says. */
export function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return t("errGeneric", { detail: String(error) });
  if (error.status === 0) return t("errNetwork");
  if (error.status === 429) return error.retryAfter ? t("errThrottled", { seconds: error.retryAfter }) : t("errThrottledSoon");
  if (error.code === "room_not_occupied") return t("errNotOccupied");
  return t("errGeneric", { detail: describeError(error) });
}
