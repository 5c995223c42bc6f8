export { measureBoundaries } from './boundaries.ts';
export type {
  AgeBoundary,
  AgePoint,
  BoundaryCode,
  BoundaryValueSet,
  DatePoint,
  DeathBoundary,
  EdgeLabel,
  EnrollmentBoundary,
  EventBoundary,
  MeasureBoundaries,
  StatusBoundary,
} from './boundaries.ts';
export { memberArbitrary } from './member.ts';
export type { GeneratorMode, MemberArbitraryOptions } from './member.ts';
