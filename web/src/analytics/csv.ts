// CSV export: the numbers a chart shows, as a file the browser downloads.

export type Cell = string | number | null | undefined;

/** One field, quoted when it holds a comma, a quote or a line break (RFC 4180); a leading
 * =, +, - or @ is prefixed with ' so a spreadsheet does not run it as a formula. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (the first is the header) as CSV text with CRLF line ends. */
export function toCsv(rows: Cell[][]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** A file name part: lower case, words joined by dashes. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** Hand the rows to the browser as a download named `fileName`. */
export function downloadCsv(fileName: string, rows: Cell[][]): void {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; give it a moment before the blob is released.
  window.setTimeout(() => URL.revokeObjectURL(url), 10000);
}
