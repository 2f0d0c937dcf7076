/**
 * CloudWatch Logs state of one account in one region. ARNs are not stored: they are derived from
 * the account and region when answering, so code that only holds a RegionState can write logs.
 */

export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  /** Unique within the region; FilterLogEvents reports it as eventId. */
  id: number;
}

export interface LogStream {
  name: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  /** Counts accepted PutLogEvents batches; the sequence token is derived from it. */
  sequence: number;
  /** Sorted by timestamp; events of equal timestamp keep their arrival order. */
  events: LogEvent[];
}

export interface LogGroup {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  tags: Record<string, string>;
  streams: Record<string, LogStream>;
}

export interface LogsRegion {
  groups: Record<string, LogGroup>;
  /** Next event id. */
  nextEventId?: number;
}

export function emptyLogsRegion(): LogsRegion {
  return { groups: {} };
}
