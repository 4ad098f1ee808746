/**
 * Pure rendering of the CloudWatch dashboard body: an alarm-status strip, then one graph per kind
 * of alarm with every watched resource's metric and the alarm threshold drawn as a line. Built
 * from the same {@link alarmSpecs} as the alarms, so the dashboard shows exactly what alerts.
 * See https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
import {
  AlarmSpec,
  alarmSpecs,
  MetricRef,
  MonitoredServices,
  MonitoringThresholds,
  WidgetKey,
  WIDGETS,
} from "./monitoringAlarms";

export interface DashboardSpec {
  /** Heading shown on the dashboard. */
  title: string;
  region: string;
  services: MonitoredServices<string>;
  thresholds: MonitoringThresholds;
  /** The alarms shown in the status strip, in order. */
  alarmArns: string[];
}

type MetricRow = (string | Record<string, unknown>)[];

interface Widget {
  type: "text" | "alarm" | "metric";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const GRAPH_WIDTH = 12;
const GRAPH_HEIGHT = 6;
/** CloudWatch's limit on the alarms of one alarm-status widget. */
const MAX_ALARMS_PER_WIDGET = 100;

function metricRow(m: MetricRef<string>, options: Record<string, unknown>): MetricRow {
  const dims = Object.entries(m.dimensions).flat();
  return [m.namespace, m.metricName, ...dims, { stat: m.stat, ...options }];
}

/** The rows of one alarm's metric; expression variables get the alarm's index so ids stay unique. */
function alarmRows(spec: AlarmSpec<string>, index: number): MetricRow[] {
  const source = spec.source;
  if ("metric" in source) {
    const label = Object.entries(source.metric.dimensions)
      .map(([dim, value]) => `${dim}=${value}`)
      .join(", ");
    return [metricRow(source.metric, { label })];
  }
  const rename = (v: string) => `${v}${index}`;
  const rows: MetricRow[] = Object.entries(source.metrics).map(([v, m]) =>
    metricRow(m, { id: rename(v), visible: false }),
  );
  const expression = source.expression.replace(/\b[a-z]\w*\b/g, (v) => (v in source.metrics ? rename(v) : v));
  rows.push([{ expression, label: source.label, id: `e${index}` }]);
  return rows;
}

/** The dashboard body (the object to JSON-encode as `dashboardBody`). */
export function renderDashboard(spec: DashboardSpec): {
  start: string;
  periodOverride: string;
  widgets: Widget[];
} {
  const widgets: Widget[] = [
    {
      type: "text",
      x: 0,
      y: 0,
      width: 24,
      height: 1,
      properties: { markdown: `# ${spec.title}` },
    },
  ];
  let y = 1;
  // An alarm-status widget shows at most 100 alarms; a large fleet gets several strips.
  for (let i = 0; i < spec.alarmArns.length; i += MAX_ALARMS_PER_WIDGET) {
    const part = Math.floor(i / MAX_ALARMS_PER_WIDGET) + 1;
    widgets.push({
      type: "alarm",
      x: 0,
      y,
      width: 24,
      height: 3,
      properties: {
        title: spec.alarmArns.length > MAX_ALARMS_PER_WIDGET ? `Alarms (${part})` : "Alarms",
        alarms: spec.alarmArns.slice(i, i + MAX_ALARMS_PER_WIDGET),
        sortBy: "stateUpdatedTimestamp",
      },
    });
    y += 3;
  }

  const groups = new Map<WidgetKey, AlarmSpec<string>[]>();
  for (const a of alarmSpecs(spec.services, spec.thresholds)) {
    groups.set(a.widget, [...(groups.get(a.widget) ?? []), a]);
  }
  let column = 0;
  for (const [key, alarms] of groups) {
    const first = alarms[0];
    widgets.push({
      type: "metric",
      x: column * GRAPH_WIDTH,
      y,
      width: GRAPH_WIDTH,
      height: GRAPH_HEIGHT,
      properties: {
        title: WIDGETS[key],
        region: spec.region,
        view: "timeSeries",
        stacked: false,
        period: first.periodSeconds,
        metrics: alarms.flatMap((a, i) => alarmRows(a, i + 1)),
        annotations: { horizontal: [{ label: "Alarm threshold", value: first.threshold }] },
        yAxis: { left: { min: 0 } },
      },
    });
    column = (column + 1) % 2;
    if (column === 0) y += GRAPH_HEIGHT;
  }
  return { start: "-PT12H", periodOverride: "inherit", widgets };
}
