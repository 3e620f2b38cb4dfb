// The Chart.js side of a chart, loaded on first use so other pages never download it.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
} from "chart.js";

// Only what these charts draw is bundled.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface DrawSeries {
  label: string;
  values: (number | null)[];
  kind: "bar" | "line";
  right: boolean;
}

// The dashboard's palette (styles.css); lines also differ by dash and point shape, never colour alone.
const COLOURS = ["#0b5cad", "#1e6b34", "#b3261e", "#8a5a00", "#3d434a"];
const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], []];
const POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot"] as const;

/** Draw bars and lines over category labels; the returned function removes the chart. */
export function draw(canvas: HTMLCanvasElement, labels: string[], series: DrawSeries[]): () => void {
  const datasets = series.map((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const common = { label: s.label, data: s.values, yAxisID: s.right ? "right" : "y", borderColor: colour, backgroundColor: colour };
    return s.kind === "line"
      ? ({ ...common, type: "line", borderDash: DASHES[i % DASHES.length], pointStyle: POINTS[i % POINTS.length], pointRadius: 4, borderWidth: 2 } as ChartDataset<"line">)
      : ({ ...common, type: "bar" } as ChartDataset<"bar">);
  });
  const chart = new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: datasets as ChartDataset<"bar">[] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        ...(series.some((s) => s.right) ? { right: { position: "right" as const, beginAtZero: true, grid: { drawOnChartArea: false } } } : {}),
      },
    },
  });
  canvas.dataset.drawn = "true"; // for screenshots: the chart is on the canvas
  return () => chart.destroy();
}
