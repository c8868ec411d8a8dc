// The tools are clients: their log lines (route changes, failed pulls) go to stderr, warnings and errors only,
// instead of into broker.log as the servers' default configuration would have it.
import log4js from 'log4js';

export function configureToolLogging(level: 'debug' | 'info' | 'warn' | 'error' = 'warn'): void {
  log4js.configure({
    appenders: { stderr: { type: 'stderr', layout: { type: 'pattern', pattern: '%d{yyyy-MM-dd hh:mm:ss,SSS} %p %c - %m' } } },
    categories: { default: { appenders: ['stderr'], level } },
  });
}

export function shutdownToolLogging(): Promise<void> {
  return new Promise((resolve) => log4js.shutdown(() => resolve()));
}
