// What both client agents share: their one-line JSON output and their single JSON argument.

/** Prints one event as a JSON line on stdout (the test parses every line). */
export function emit(event: Record<string, string | number | boolean | undefined>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** The agent's settings: argv[2] as JSON; a bad argument is a one-line error and exit status 2. */
export function readSettings<T>(agent: string, check: (v: Record<string, unknown>) => string | undefined): T {
  const text = process.argv[2];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    fail(agent, `expects one JSON object argument, got ${JSON.stringify(text)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail(agent, `argument must be a JSON object, got ${text}`);
  const problem = check(parsed as Record<string, unknown>);
  if (problem !== undefined) fail(agent, problem);
  return parsed as T;
}

function fail(agent: string, message: string): never {
  process.stderr.write(`${agent}: ${message}\n`);
  process.exit(2);
}

/** Runs `stop` once on the first SIGTERM/SIGINT (the test stops agents with SIGTERM). */
export function onStopSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (): void => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${err instanceof Error ? err.stack : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
