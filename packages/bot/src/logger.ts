// One pino logger per process; child loggers carry context (incidentId, jobId). Messages are
// static strings, details go in fields.
import { type Logger, pino } from "pino";

export type { Logger };

export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, base: { service: name } });
}

/**
 * `text` with credentials taken out: the user:password of URLs (redis://:pass@host, also without
 * the "//" or a scheme), and anything shaped like a Slack token (xoxb-, xapp-, ...).
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\/\/)[^\s/@"']*@/g, "$1***@")
    .replace(/(^|[\s"'(=])[^\s/@"'(=:]+:[^\s/@"']*@/g, "$1***@")
    .replace(/\bxox[a-z]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+/g, "xox*-***");
}
