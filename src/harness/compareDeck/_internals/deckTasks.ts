import type { Deck, DeckMember, RowOrigin } from '../../../adapters/deck/types.ts';
import type { Member } from '../../../model/member.ts';
import type { Outcome } from '../../../model/outcome.ts';
import type { Problem } from '../../../model/problem.ts';
import type { Request } from '../../../model/request.ts';
import type { CompiledPack } from '../../../rulepack/compiled.ts';
import type { CompareSelection } from '../types.ts';
import { unknownRequestProblem } from './inputProblems.ts';
import type { OrStop } from './stop.ts';

/** One case to compare: a member for one request. */
export interface Task {
  readonly request: Request;
  /** The deck's expected outcome; undefined when the reference's is the expected one. */
  readonly expected: Outcome | undefined;
  readonly origin: RowOrigin;
}

/** Members read from the deck with their cases, sent to the reference and the implementation together. */
export type Batch = readonly { readonly member: Member; readonly tasks: readonly Task[] }[];

export interface DeckTaskOptions {
  readonly deck: Deck;
  readonly packs: ReadonlyMap<number, CompiledPack>;
  readonly selection: CompareSelection;
  readonly requestsWithoutExpected: readonly Request[];
  readonly keepGoing: boolean;
  readonly skip: (p: Problem) => void;
}

/**
 * Turns a deck member into the cases to compare: its selected expected rows, or, for a deck
 * without expected results, each selected request. An expected row the packs cannot serve is
 * skipped with keepGoing, else it stops the compare.
 */
export function deckTasks(options: DeckTaskOptions): (dm: DeckMember) => OrStop<Task[]> {
  const { selection } = options;
  const selected = (r: Request) =>
    (selection.measures?.includes(r.measure) ?? true) &&
    (selection.years?.includes(r.year) ?? true) &&
    (selection.productLines === undefined ||
      (r.productLine !== undefined && selection.productLines.includes(r.productLine)));
  return (dm) => {
    const tasks: Task[] = [];
    if (options.deck.expectedFile === undefined) {
      for (const request of options.requestsWithoutExpected) {
        if (selected(request)) tasks.push({ request, expected: undefined, origin: dm.origin });
      }
      return { ok: true, value: tasks };
    }
    for (const e of dm.expected) {
      const o = e.outcome;
      const request: Request = {
        measure: o.measure,
        year: o.year,
        ...(o.productLine !== undefined ? { productLine: o.productLine } : {}),
      };
      if (!selected(request)) continue;
      const problem = unknownRequestProblem(options.packs, request, e.origin);
      if (problem) {
        if (!options.keepGoing) return { ok: false, stop: { kind: 'input', problems: [problem] } };
        options.skip(problem);
        continue;
      }
      tasks.push({ request, expected: o, origin: e.origin });
    }
    return { ok: true, value: tasks };
  };
}
