// One pino logger per process; child loggers carry context (incidentId, jobId). Messages are
// static strings, details go in fields.
import { type Logger, pino } from "pino";

export type { Logger };

export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, base: { service: name } });
}
