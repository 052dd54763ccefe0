/**
 * Anomaly engine: a causal, seasonal, incident-level detector for metric series.
 * Pure TypeScript (no VS Code, Azure SDK or MCP import); see `README.md` beside this file.
 */
export { detectAnomalies, scoreFromSigmas, scoreThreshold, sigmasFromScore } from './detector';
export { DEFAULT_SENSITIVITY } from './types';
export type { AnomalyIncident, DetectionResult, DetectOptions, IncidentDirection, Sensitivity } from './types';
export { METHOD_EXPLANATION, SCORE_EXPLANATION } from './explain';
