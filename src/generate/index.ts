export { measureBoundaries } from './boundaries.ts';
export type {
  AgeBoundary,
  AgePoint,
  BoundaryCode,
  BoundaryValueSet,
  CoverageBoundary,
  DatePoint,
  DeathBoundary,
  EdgeLabel,
  EnrollmentBoundary,
  EventBoundary,
  MeasureBoundaries,
  OnOrAfterBoundary,
  ReadingBoundary,
  ReadingCode,
  ReadingTestBoundary,
  StatusBoundary,
} from './boundaries.ts';
export { memberArbitrary } from './member.ts';
export type { GeneratorMode, MemberArbitraryOptions } from './member.ts';
