/**
 * Kubernetes command/args semantics over the image's Entrypoint/Cmd, and `$(VAR)` expansion.
 *
 * @module
 */

/** Expands `$(VAR)` from `env`; `$$` is an escaped `$`; unknown references stay as written. */
export function expandVars(input: string, env: Record<string, string>): string {
  let out = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== "$" || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const end = input.indexOf(")", i + 2);
      if (end < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, end);
      out += Object.hasOwn(env, name) ? env[name] : `$(${name})`;
      i = end;
    } else {
      out += c;
    }
  }
  return out;
}

/** The container's and the image's command fields. */
export interface CommandSources {
  command?: string[];
  args?: string[];
  entrypoint?: string[];
  cmd?: string[];
}

/**
 * The argv a container runs: `command` replaces the Entrypoint and drops the Cmd; `args`
 * replaces the Cmd; both expanded with `env`. Empty when nothing names a program.
 */
export function resolveArgv(src: CommandSources, env: Record<string, string>): string[] {
  const hasCommand = (src.command?.length ?? 0) > 0;
  const hasArgs = (src.args?.length ?? 0) > 0;
  const head = hasCommand ? src.command! : (src.entrypoint ?? []);
  const tail = hasArgs ? src.args! : hasCommand ? [] : (src.cmd ?? []);
  return [...head, ...tail].map((s) => expandVars(s, env));
}
