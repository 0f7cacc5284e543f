/**
 * Validators for the audit report's machine formats: the project's own JSON report schema
 * (draft-07) and the OASIS SARIF 2.1.0 schema (draft-04, vendored in test/fixtures/sarif).
 */
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import jsonReportSchema from '../../lib/policy/report.schema.json';
import sarifSchema from '../fixtures/sarif/sarif-schema-2.1.0.json';

const draft07 = new Ajv({ allErrors: true, strict: true });
addFormats(draft07);
const validateJsonReport = draft07.compile(jsonReportSchema);

// The SARIF schema predates ajv's strict mode (e.g. `default` inside `items` of strings).
const draft04 = new AjvDraft04({ allErrors: true, strict: false });
addFormats(draft04);
const validateSarif = draft04.compile(sarifSchema);

/** Schema violations of a `toJson()` report, as `path: message`; empty when valid. */
export function jsonReportErrors(report: unknown): string[] {
  return validateJsonReport(report) ? [] : (validateJsonReport.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}

/** SARIF 2.1.0 schema violations of a log, as `path: message`; empty when valid. */
export function sarifErrors(log: unknown): string[] {
  return validateSarif(log) ? [] : (validateSarif.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}
