/** `kubectl nmcp completion bash|zsh|fish`: scripts that ask `kubectl-nmcp __complete`. */

import type { Context } from "../context.ts";

const BASH = `# bash completion for kubectl-nmcp (kubectl >= 1.26 also uses kubectl_complete-nmcp)
_kubectl_nmcp() {
  local cur words cword out directive
  cur="\${COMP_WORDS[COMP_CWORD]}"
  out=$(kubectl-nmcp __completeNoDesc "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  directive=\${out##*:}
  out=\${out%:*}
  if [ $((directive & 4)) -eq 0 ] && [ -z "$out" ]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$out" -- "$cur"))
  fi
}
complete -o default -F _kubectl_nmcp kubectl-nmcp
`;

const ZSH = `#compdef kubectl-nmcp
# zsh completion for kubectl-nmcp
_kubectl_nmcp() {
  local -a lines
  local out directive
  out=$(kubectl-nmcp __complete "\${(@)words[2,$CURRENT]}" 2>/dev/null)
  directive=\${out##*:}
  lines=(\${(f)\${out%:*}})
  if (( (directive & 4) == 0 )) && (( \${#lines} == 0 )); then
    _files
  else
    _describe 'kubectl nmcp' lines
  fi
}
compdef _kubectl_nmcp kubectl-nmcp
`;

const FISH = `# fish completion for kubectl-nmcp
function __kubectl_nmcp_complete
  set -l args (commandline -opc)[2..-1] (commandline -ct)
  kubectl-nmcp __complete $args 2>/dev/null | string match -v -r '^:'
end
complete -c kubectl-nmcp -f -a '(__kubectl_nmcp_complete)'
`;

/** The completion scripts by shell. */
export const SCRIPTS: Record<string, string> = { bash: BASH, zsh: ZSH, fish: FISH };

/** Runs `completion SHELL`. */
export function run(
  _name: string,
  args: string[],
  _opts: Record<string, never>,
  ctx: Context,
): Promise<number> {
  ctx.io.out(SCRIPTS[args[0]]);
  return Promise.resolve(0);
}
