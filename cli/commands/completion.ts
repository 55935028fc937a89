/**
 * `kubectl nmcp completion bash|zsh|fish`: scripts that ask `kubectl-nmcp __complete` and
 * register both `kubectl-nmcp` and `kubectl nmcp`. For `kubectl`, the script answers only
 * after `kubectl nmcp` and hands every other word to kubectl's own completion when loaded
 * (kubectl >= 1.26 also completes `kubectl nmcp` itself through `kubectl_complete-nmcp`).
 *
 * @module
 */

import type { Context } from "../context.ts";

const BASH = `# bash completion for kubectl-nmcp and kubectl nmcp
_kubectl_nmcp() {
  local cur out directive
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
_kubectl_nmcp_kubectl() {
  if [ "\${COMP_WORDS[1]}" = nmcp ] && [ "$COMP_CWORD" -ge 2 ]; then
    local -a COMP_WORDS=(kubectl-nmcp "\${COMP_WORDS[@]:2}")
    local COMP_CWORD=$((COMP_CWORD - 1))
    _kubectl_nmcp
  elif declare -F __start_kubectl >/dev/null; then
    __start_kubectl "$@"
  fi
}
complete -o default -F _kubectl_nmcp kubectl-nmcp
complete -o default -F _kubectl_nmcp_kubectl kubectl
`;

const ZSH = `#compdef kubectl-nmcp
# zsh completion for kubectl-nmcp and kubectl nmcp
_kubectl_nmcp() {
  local -a lines
  local out directive
  out=$(kubectl-nmcp __complete "\${(@)words[2,$CURRENT]}" 2>/dev/null)
  directive=\${out##*:}
  lines=(\${(f)\${out%:*}})
  lines=(\${lines//:/\\\\:})
  lines=(\${lines//$'\\t'/:})
  if (( (directive & 4) == 0 )) && (( \${#lines} == 0 )); then
    _files
  else
    _describe 'kubectl nmcp' lines
  fi
}
_kubectl_nmcp_kubectl() {
  if [[ \${words[2]} == nmcp ]] && (( CURRENT > 2 )); then
    words=(kubectl-nmcp "\${(@)words[3,-1]}")
    (( CURRENT-- ))
    _kubectl_nmcp
  elif (( $+functions[_kubectl] )); then
    _kubectl "$@"
  fi
}
compdef _kubectl_nmcp kubectl-nmcp
compdef _kubectl_nmcp_kubectl kubectl
`;

const FISH = `# fish completion for kubectl-nmcp and kubectl nmcp
function __kubectl_nmcp_complete
  set -l args (commandline -opc)
  test "$args[1]" = kubectl; and set -e args[1]
  set -e args[1]
  kubectl-nmcp __complete $args (commandline -ct) 2>/dev/null | string match -v -r '^:'
end
complete -c kubectl-nmcp -f -a '(__kubectl_nmcp_complete)'
complete -c kubectl -n '__fish_seen_subcommand_from nmcp' -f -a '(__kubectl_nmcp_complete)'
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
