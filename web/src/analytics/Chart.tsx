// A chart with its numbers: a Chart.js canvas (labelled), the same numbers as a table for screen
// readers, and "Export CSV" that downloads exactly those numbers.
import { useEffect, useRef, useState } from "preact/hooks";
import { downloadCsv, slug, type Cell } from "./csv";

let drawing: Promise<typeof import("./draw")> | null = null;
/** Chart.js arrives with the first chart, in its own file. */
function loadDraw() {
  drawing ??= import("./draw");
  return drawing;
}

export interface Series {
  label: string;
  /** Numbers, or exact decimal strings (money) kept as given in the table and the CSV. */
  values: (number | string | null)[];
  kind?: "bar" | "line";
  /** Drawn against a second axis on the right (money beside counts). */
  right?: boolean;
}

export interface ChartProps {
  id: string;
  title: string;
  /** What the x axis counts (the CSV's first header), e.g. "day". */
  labelHeader: string;
  labels: string[];
  series: Series[];
  /** The file name's tail, e.g. the range "2026-11-25_to_2026-12-01". */
  fileTail: string;
  /** One sentence for the canvas's label (a chart is an image to a screen reader). */
  summary: string;
}

export function chartRows(labelHeader: string, labels: string[], series: Series[]): Cell[][] {
  return [[labelHeader, ...series.map((s) => s.label)], ...labels.map((label, i) => [label, ...series.map((s) => s.values[i] ?? "")])];
}

export function Chart({ id, title, labelHeader, labels, series, fileTail, summary }: ChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const data = JSON.stringify([labels, series]);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let remove: (() => void) | null = null;
    let gone = false;
    loadDraw()
      .then(({ draw }) => {
        if (gone || !canvas.current) return;
        remove = draw(
          canvas.current,
          labels,
          series.map((s) => ({ label: s.label, values: s.values.map((v) => (v === null ? null : Number(v))), kind: s.kind ?? "bar", right: !!s.right })),
        );
      })
      .catch(() => setFailed(true));
    return () => {
      gone = true;
      remove?.();
    };
  }, [data]);

  const rows = chartRows(labelHeader, labels, series);
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <div class="chart-head">
        <h3 id={`${id}-title`}>{title}</h3>
        <button type="button" onClick={() => downloadCsv(`${slug(title)}_${fileTail}.csv`, rows)}>
          Export CSV<span class="sr-only"> of {title}</span>
        </button>
      </div>
      {failed && <p class="form-error" role="alert">The chart could not be drawn; its numbers are in the CSV export.</p>}
      <div class="chart-canvas">
        <canvas ref={canvas} role="img" aria-label={`${title}: ${summary}`} />
      </div>
      <table class="sr-only">
        <caption>{title} (the chart's numbers)</caption>
        <thead>
          <tr>
            {rows[0].map((cell, i) => (
              <th key={i} scope="col">{cell}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(1).map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) => (i === 0 ? <th key={i} scope="row">{cell}</th> : <td key={i}>{cell}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
