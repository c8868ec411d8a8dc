// How mqadmin commands are declared: their options (letters and long names as RocketMQ's tools have them), the
// group they are listed under, and a run function that calls src/admin and prints. Also the help layout of
// Apache Commons CLI (what `mqadmin <command> -h` prints in RocketMQ) and the command listing.
import { AdminError, MQAdmin } from '../../admin/index.js';
import { sprintf, type FmtArg } from './format.js';

export interface OptionSpec {
  /** One letter, as in RocketMQ (-t, -g, ...). */
  short: string;
  long: string;
  /** Takes a value (`-t <arg>`) or is a flag (`-m`). */
  arg: boolean;
  desc: string;
  required?: boolean;
}

export interface CommandSpec {
  name: string;
  desc: string;
  group: CommandGroup;
  options: OptionSpec[];
  /** Exactly one of these letters must be given (RocketMQ's required option group, e.g. updateTopic -b | -c). */
  oneOf?: string[];
  run(ctx: CommandContext): Promise<void>;
}

export const GROUPS = ['Topic', 'Cluster', 'Broker', 'Message', 'Consumer', 'Connection', 'NameServer', 'Other'] as const;
export type CommandGroup = (typeof GROUPS)[number];

/** Every command gets these two, as ServerUtil.buildCommandlineOptions adds them. */
export const COMMON_OPTIONS: OptionSpec[] = [
  { short: 'h', long: 'help', arg: false, desc: 'Print help' },
  { short: 'n', long: 'namesrvAddr', arg: true, desc: "NameServer address list, e.g. '192.168.0.1:9876;192.168.0.2:9876' (default: $NAMESRV_ADDR)" },
];

/** What a test may set when it runs mqadmin in this process. */
export interface CommandSeams {
  /** Ends a command that runs until SIGINT (startMonitoring). */
  signal?: AbortSignal;
  /** startMonitoring's first delay and round interval instead of 20 s and 60 s. */
  monitor?: { firstDelayMs: number; roundIntervalMs: number };
}

/** A failure with a one-line reason and exit status 1 (bad option value, or a failed step after partial output). */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

export class CommandContext {
  private adminValue: MQAdmin | undefined;

  constructor(
    readonly command: CommandSpec,
    private readonly values: ReadonlyMap<string, string | true>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly write: (text: string) => void,
    /** Test seams of long-running commands (startMonitoring). */
    readonly seams: CommandSeams = {},
  ) {}

  has(letter: string): boolean {
    return this.values.has(letter);
  }

  /** The trimmed value of an option, undefined when not given. */
  str(letter: string): string | undefined {
    const v = this.values.get(letter);
    return v === undefined || v === true ? undefined : v.trim();
  }

  /** A required option's value (the parser already checked it is there). */
  req(letter: string): string {
    const v = this.str(letter);
    if (v === undefined) throw new CommandFailure(`Missing required option: ${letter}`);
    return v;
  }

  /** An integer option (Integer.parseInt / Long.parseLong), with a clear error for anything else. */
  int(letter: string): number | undefined {
    const v = this.str(letter);
    if (v === undefined) return undefined;
    if (!/^[-+]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new CommandFailure(`option -${letter}: "${v}" is not an integer`);
    return Number(v);
  }

  /** Boolean.parseBoolean: "true" in any case is true, anything else false. */
  bool(letter: string): boolean | undefined {
    const v = this.str(letter);
    return v === undefined ? undefined : v.toLowerCase() === 'true';
  }

  /** The admin connection, made on first use from -n or NAMESRV_ADDR. */
  admin(): MQAdmin {
    this.adminValue ??= new MQAdmin({ namesrvAddr: this.str('n') ?? this.env.NAMESRV_ADDR, env: this.env });
    return this.adminValue;
  }

  print(text: string): void {
    this.write(text);
  }

  printf(format: string, ...args: FmtArg[]): void {
    this.write(sprintf(format, ...args));
  }

  async close(): Promise<void> {
    await this.adminValue?.close();
  }
}

// ---------------------------------------------------------------------------------------------- help

const HELP_WIDTH = 110;

function optionKeyOrder(a: OptionSpec, b: OptionSpec): number {
  return a.short.toLowerCase() < b.short.toLowerCase() ? -1 : a.short.toLowerCase() > b.short.toLowerCase() ? 1 : 0;
}

/** Text wrapped at HELP_WIDTH; continuation lines start at `indent`. */
function wrap(text: string, indent: number): string[] {
  const lines: string[] = [];
  let rest = text;
  let first = true;
  while (rest.length > 0) {
    const room = HELP_WIDTH - (first ? 0 : indent);
    const prefix = first ? '' : ' '.repeat(indent);
    if (rest.length <= room) {
      lines.push(prefix + rest);
      break;
    }
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= 0) cut = room;
    lines.push(prefix + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    first = false;
  }
  return lines;
}

/** `usage: mqadmin <cmd> ...` and the option table, as Commons CLI's HelpFormatter lays them out. */
export function helpText(spec: CommandSpec): string {
  const options = [...COMMON_OPTIONS, ...spec.options].sort(optionKeyOrder);
  const oneOf = new Set(spec.oneOf ?? []);
  const usageParts: string[] = [];
  let groupWritten = false;
  for (const o of options) {
    const item = `-${o.short}${o.arg ? ' <arg>' : ''}`;
    if (oneOf.has(o.short)) {
      if (groupWritten) continue;
      groupWritten = true;
      const members = options.filter((m) => oneOf.has(m.short)).map((m) => `-${m.short}${m.arg ? ' <arg>' : ''}`);
      usageParts.push(`(${members.join(' | ')})`);
      continue;
    }
    usageParts.push(o.required === true ? item : `[${item}]`);
  }
  const usage = `usage: mqadmin ${spec.name} ${usageParts.join(' ')}`;
  const left = options.map((o) => ` -${o.short},--${o.long}${o.arg ? ' <arg>' : ''}`);
  const width = Math.max(...left.map((l) => l.length));
  const lines = [...wrap(usage, 'usage: '.length)];
  options.forEach((o, i) => lines.push(...wrap(`${left[i]!.padEnd(width)}   ${o.desc}`, width + 3)));
  return lines.join('\n') + '\n';
}

/** `mqadmin` alone: the commands grouped as in the seed guides' table. */
export function commandList(specs: CommandSpec[]): string {
  let out = 'The most commonly used mqadmin commands are:\n';
  for (const group of GROUPS) {
    const members = specs.filter((s) => s.group === group);
    if (members.length === 0) continue;
    out += `\n${group}:\n`;
    for (const s of members) out += sprintf('   %-20s %s%n', s.name, s.desc);
  }
  out += "\nSee 'mqadmin help <command>' or 'mqadmin <command> -h' for more information on a specific command.\n";
  return out;
}

export function adminErrorText(err: unknown): string {
  if (err instanceof AdminError || err instanceof CommandFailure) return err.message;
  if (err instanceof Error) return err.message.replace(/\s*\n\s*/g, ' ');
  return String(err);
}
