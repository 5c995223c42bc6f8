/**
 * What a rule pack is, in a few words after its id on every report: a reader must never take a
 * shipped pack for the measure steward's licensed specification.
 */
export function packNotice(family: string | undefined): string {
  if (family === 'ecqm') {
    return "eCQM logic rewritten from the published CQL; not the measure steward's specification";
  }
  if (family === 'hedis' || family === undefined) {
    return 'HEDIS-style, from public sources; not the NCQA specification';
  }
  return 'from public sources; not a measure steward’s specification';
}
