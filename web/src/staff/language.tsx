// The language switch: the browser's language by default, the person's choice kept on this phone.
import { LANGUAGES, setLanguage, useLanguage, type Language } from "../i18n";
import { t } from "./strings";

export function LanguageSwitch({ visibleLabel = false }: { visibleLabel?: boolean }) {
  const current = useLanguage();
  return (
    <label class="st-language">
      <span class={visibleLabel ? "" : "st-visually-hidden"}>{t("language")}</span>
      <select value={current} onChange={(event) => setLanguage(event.currentTarget.value as Language)}>
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
