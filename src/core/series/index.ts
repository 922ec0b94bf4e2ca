/**
 * Host-side shaping of metric histories for the chart panels: histories as typed-array columns
 * per x axis (axes.ts), downsampling that keeps extremes and gaps (lttb.ts), zoom windows
 * (window.ts, rangePoints.ts), several runs on one x array (align.ts), TensorBoard's smoothing
 * (ema.ts), CSV export (csv.ts) and stable run colours (colors.ts). Pure and synchronous.
 */
export { alignSeries, type AlignInput, type Aligned } from './align.js';
export { changeAxis, metricSeries, seriesFromColumns, type AxisOptions, type HistoryPoint, type MetricSeries, type XAxisMode } from './axes.js';
export { assignColorSlots, preferredSlot, runIdHash } from './colors.js';
export { CSV_HEADER, csvField, formatMetricValue, metricsCsv, metricsCsvChunks, parseMetricValue, type CsvSeries } from './csv.js';
export { emaSmooth } from './ema.js';
export { FLAG_ABSENT, FLAG_NAN, FLAG_NEG_INF, FLAG_POS_INF, nonFiniteFlag } from './flags.js';
export { bucketCount, bucketEdges, downsample, MIN_TARGET, type Downsampled, type IndexRange } from './lttb.js';
export { queryRuns, querySeries, valuesAt, type RunsQueryResult, type SeriesQuery, type SeriesSlice } from './rangePoints.js';
export { lowerBound, upperBound, windowRange } from './window.js';
