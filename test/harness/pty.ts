// Runs a command under a real pseudo-terminal, for tests of interactive prompts (the picker, `Proceed? [y/N]`).
// No tmux (CI may lack it): python3's standard `pty` module forks the command on a new pty, relays the pty's
// output to our pipe and our pipe to the pty. The command sees isTTY stdin/stdout, raw mode, a window size and a
// controlling terminal (so a Ctrl-C typed in cooked mode is a real SIGINT).
//
// Secrets: argv is visible to every local user (ps). Tests on trust-auth clusters pass URLs without passwords, so
// putting them in argv is harmless there; anything with a password should go through `env` and be read by the
// command from its environment.
import { spawn } from 'node:child_process';

export interface PtyStep {
  /** Waited for in the output printed since the previous step matched (ANSI escapes removed). */
  readonly waitFor: RegExp;
  /**
   * Keys to type: a string goes in one write; an array is typed key by key with a short pause between; a function
   * gets the transcript so far (escapes removed) and returns the keys, for answers that depend on what is shown.
   */
  readonly send: string | readonly string[] | ((transcript: string) => string | readonly string[]);
}

export interface PtyOptions {
  /** Merged over process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly steps?: readonly PtyStep[];
  /** The whole run, steps and exit included; the command is killed when it runs out. */
  readonly timeoutMs?: number;
  readonly columns?: number;
  readonly rows?: number;
}

export interface PtyResult {
  /** Everything the command printed, ANSI escapes removed (stdout and stderr share the terminal). */
  readonly transcript: string;
  /** As printed, escapes included. */
  readonly raw: string;
  /** The command's exit code; 128 + n when signal n ended it. */
  readonly exitCode: number;
}

export const KEYS = { enter: '\r', space: ' ', down: '\x1b[B', up: '\x1b[A', ctrlC: '\x03', backspace: '\x7f' } as const;

const DEFAULT_TIMEOUT_MS = 60_000;
const KEY_PAUSE_MS = 40;

// argv[1..] is the command. The child sets the window size on its own terminal before exec, so the first render
// already knows its width. SIGTERM to the relay kills the command (it is in its own session, out of our reach).
const RELAY = String.raw`
import os, pty, sys, select, signal, struct, fcntl, termios
cols, rows = int(sys.argv[1]), int(sys.argv[2])
argv = sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    try:
        os.execvp(argv[0], argv)
    except OSError as e:
        sys.stderr.write('cannot run %s: %s\n' % (argv[0], e))
        os._exit(127)
def stop(signum, frame):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
signal.signal(signal.SIGTERM, stop)
inputs = [fd, 0]
out = sys.stdout.buffer
while True:
    try:
        ready, _, _ = select.select(inputs, [], [])
    except InterruptedError:
        continue
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            break
        out.write(data)
        out.flush()
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
        else:
            inputs.remove(0)
_, status = os.waitpid(pid, 0)
if os.WIFEXITED(status):
    sys.exit(os.WEXITSTATUS(status))
sys.exit(128 + os.WTERMSIG(status))
`;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[78=>]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(/\r/g, '');
}

/**
 * Runs argv under a pty, answering each step's pattern with its keys in order. Rejects (after killing the command)
 * when a step's pattern never appears, with the transcript so far; otherwise resolves when the command exits.
 */
export function runInPty(argv: readonly string[], options: PtyOptions = {}): Promise<PtyResult> {
  const [command] = argv;
  if (command === undefined) throw new Error('runInPty: empty argv');
  const columns = options.columns ?? 200;
  const rows = options.rows ?? 50;
  const child = spawn('python3', ['-c', RELAY, String(columns), String(rows), ...argv], {
    cwd: options.cwd,
    env: { ...process.env, TERM: 'xterm-256color', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  let relayErrors = '';
  let seen = 0;
  let wake: (() => void) | null = null;
  child.stdout.on('data', (chunk: Buffer) => {
    raw += chunk.toString('utf8');
    wake?.();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    relayErrors += chunk.toString('utf8');
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
  });
  let exitCode: number | null = null;
  void exited.then((c) => {
    exitCode = c;
    wake?.();
  }, () => wake?.());

  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const transcript = (): string => stripAnsi(raw);

  const waitFor = async (pattern: RegExp): Promise<void> => {
    for (;;) {
      const rest = transcript().slice(seen);
      const m = pattern.exec(rest);
      if (m) {
        seen += m.index + m[0].length;
        return;
      }
      if (exitCode !== null) throw new Error(`the command exited (${exitCode}) before printing ${pattern}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  };

  const drive = async (): Promise<PtyResult> => {
    for (const step of options.steps ?? []) {
      await waitFor(step.waitFor);
      const send = typeof step.send === 'function' ? step.send(transcript().slice(0, seen)) : step.send;
      const keys = typeof send === 'string' ? [send] : send;
      for (const [i, k] of keys.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, KEY_PAUSE_MS));
        child.stdin.write(k);
      }
    }
    const left = deadline - Date.now();
    const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), Math.max(left, 0)))]);
    if (code === null) throw new Error('timed out waiting for the command to exit');
    return { transcript: transcript(), raw, exitCode: code };
  };

  return drive().catch(async (e: unknown) => {
    child.kill('SIGTERM');
    await exited.catch(() => undefined);
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`runInPty ${argv.join(' ')}: ${why}\n--- transcript ---\n${transcript()}${relayErrors ? `\n--- relay stderr ---\n${relayErrors}` : ''}`);
  });
}
