import type { ClauseEvaluator } from '../context.ts';
import {
  claimsInSettings,
  claimsWithCodes,
  conditionsWithCodes,
  dispensingsOf,
  matchRecords,
  observationsWithCodes,
  ordersWithCodes,
} from '../records.ts';
import type { RecordCandidate } from '../records.ts';

/**
 * Records (claims, observations, dispensings, and when listed conditions and orders) with a code in
 * the clause's value sets (or a listed drug) on at least `minDistinctDates` distinct dates (of their
 * start) in the window, met as `by` says, that pass the clause's filters (kinds, statuses, intents,
 * doNotPerform, categories, value, with). A clause with settings only and no value set or drug
 * reads the claims' settings.
 */
export const event: ClauseEvaluator<'event'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const member = ctx.member;
    const candidates: RecordCandidate<unknown>[] = [];
    if (clause.records.has('claims')) {
      const bySettingOnly = clause.valueSets.length === 0 && clause.drugs === undefined;
      candidates.push(
        ...(bySettingOnly
          ? claimsInSettings(member, clause.settings)
          : claimsWithCodes(member, clause.valueSets, clause.modifiers)),
      );
    }
    if (clause.records.has('observations') && clause.valueSets.length > 0)
      candidates.push(...observationsWithCodes(member, clause.valueSets));
    if (clause.records.has('dispensings') && (clause.valueSets.length > 0 || clause.drugs))
      candidates.push(...dispensingsOf(member, clause.valueSets, clause.drugs));
    if (clause.records.has('conditions') && clause.valueSets.length > 0)
      candidates.push(...conditionsWithCodes(member, clause.valueSets, clause.ongoingStatuses));
    if (clause.records.has('orders') && clause.valueSets.length > 0)
      candidates.push(...ordersWithCodes(member, clause.valueSets));

    const found = matchRecords(clause, candidates, ctx);
    const matches = found.matches.map((m) => m.ref);
    const distinctDates = new Set(matches.map((m) => m.date)).size;
    return {
      result: distinctDates >= clause.minDistinctDates,
      evidence: {
        kind: 'event',
        window: clause.window,
        ...(clause.by !== undefined && clause.by !== 'start' ? { by: clause.by } : {}),
        matches,
        distinctDates,
        needed: clause.minDistinctDates,
        ...(found.after ? { after: found.after } : {}),
        nearMisses: found.nearMisses,
      },
    };
  },
};
