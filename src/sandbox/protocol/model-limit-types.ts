/** The shape of the generated table of AWS's input rules (src/sandbox/protocol/model-limits.ts). */

/** One input member AWS validates, as its service model describes it. */
export interface MemberRule {
  /** Model member names from the input: `desiredCount`, `deploymentConfiguration.maximumPercent`, `Tags[].Key`. */
  path: string;
  /** The model type: integer (Int32), long (Int64), double, float or string. */
  type: string;
  /** Smallest value (numbers) or length (strings). */
  min?: number;
  /** Largest value (numbers) or length (strings). */
  max?: number;
  /** The model's (Java) regular expression, matched against the whole value. */
  pattern?: string;
  /** A top-level member the request must carry (checked for the Query services). */
  required?: boolean;
}

/** Service (`ecs`, `sts`, ...) → action → rules. */
export type ModelLimits = Readonly<Record<string, Readonly<Record<string, readonly MemberRule[]>>>>;
