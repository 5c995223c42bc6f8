import type { CheckResult } from '../harness/check.ts';
import type { FindingGroup } from '../harness/findingGroups.ts';
import { describeClause } from '../engine/explain.ts';
import { orThrow } from '../model/problem.ts';
import { writeReportFile } from './reportFile.ts';
import type { Reporter } from './reporter.ts';

/**
 * Writes the whole result, findings with their members and reference traces, as JSON. The
 * findings grouped by root cause (`findingGroups`) refer to the per-line findings by product line,
 * seed and path rather than repeating their members and traces.
 */
export class JsonReporter implements Reporter {
  constructor(private readonly file: string) {}

  onRunEnd(result: CheckResult): void {
    orThrow(
      writeReportFile(
        this.file,
        `${JSON.stringify(
          {
            format: 'measurecheck-check/1',
            ...result,
            findingGroups: result.findingGroups.map(groupJson),
          },
          null,
          2,
        )}\n`,
      ),
    );
  }
}

/** A finding group as the JSON report carries it. */
export function groupJson(g: FindingGroup): Record<string, unknown> {
  const [first] = g.findings;
  return {
    key: g.key,
    kind: g.kind,
    productLines: g.productLines,
    ...(first.difference
      ? {
          population: first.difference.population,
          implementation: first.difference.implementation,
          reference: first.difference.reference,
        }
      : {}),
    ...(first.failure ? { failure: first.failure.kind } : {}),
    decidingClauses: first.decidingClauses,
    occurrences: g.occurrences,
    ...(g.nearest
      ? {
          nearest: {
            clause: g.nearest.clause.id,
            met: g.nearest.met,
            of: g.nearest.of,
            branches: g.nearest.branches,
            lacking: g.nearest.lacking.map((c) => ({ id: c.id, found: describeClause(c) })),
          },
        }
      : {}),
    rules: g.rules,
    restsOnAssumption: g.restsOnAssumption,
    ...(first.matchesNeighbour ? { matchesNeighbour: first.matchesNeighbour } : {}),
    ...(g.accepted ? { accepted: g.accepted } : {}),
    findings: g.findings.map((f) => ({
      productLine: f.productLine,
      occurrences: f.occurrences,
      seed: f.seed,
      path: f.path,
    })),
  };
}
