# shellcheck shell=bash
# Sourced by bin/stsfleet. Answers `credential-process`, `env` and `exec ... PROFILE -- COMMAND` from the memo the
# full command left, before any JVM starts: the AWS CLI runs a credential_process before every call, and a JVM's
# start alone is 0.1 s here. The memo's format, its name and what makes it valid are decided by
# dev.stsfleet.cli.FastPath, which writes memos and reads them too (for `java -jar`); this file follows the same
# rules, and MemoLauncherTest holds the two to the same answers. Anything unusual (an argument or a value outside
# printable ASCII, a backslash, a missing command) is left to the full command: a miss here only costs time.
#
#   answer_from_memo ARGS...   prints the memoised answer and returns 0, or runs the child of `exec` in this
#                              process (never returns); returns 1 when there is no valid memo

_memo_escape() { # the memo's escaping, into REPLY
  REPLY=${1//\\/\\\\}
  REPLY=${REPLY//$'\n'/\\n}
  REPLY=${REPLY//$'\t'/\\t}
  REPLY=${REPLY//$'\r'/\\r}
}

answer_from_memo() {
  local -a key_args=() child=()
  local a dashes=false
  for a in "$@"; do
    if ! $dashes && [[ $a == -- ]]; then
      dashes=true
    elif $dashes; then
      child+=("$a")
    else
      key_args+=("$a")
    fi
  done
  ((${#key_args[@]})) || return 1
  if $dashes; then ((${#child[@]})) && [[ -n ${child[0]} ]] || return 1; fi

  # The name: each argument with bytes outside [A-Za-z0-9._=,:@+_-] as %XX, joined by spaces.
  local name="" enc i c
  for a in "${key_args[@]}"; do
    [[ $a == *[!\ -~]* ]] && return 1
    enc=$a
    if [[ $a == *[!A-Za-z0-9._=,:@+_-]* ]]; then
      enc=""
      for ((i = 0; i < ${#a}; i++)); do
        c=${a:i:1}
        case $c in
          [A-Za-z0-9._=,:@+_-]) enc+=$c ;;
          *) printf -v c '%%%02X' "'$c"; enc+=$c ;;
        esac
      done
    fi
    [[ -n $name ]] && name+=" "
    name+=$enc
  done
  ((${#name} <= 240)) || return 1

  # The working directory as the JVM sees it (physical), without changing what the child inherits.
  local logical=$PWD had_oldpwd=${OLDPWD+x} oldpwd=${OLDPWD-} cwd
  cd -P . 2>/dev/null || return 1
  cwd=$PWD
  PWD=$logical
  if [[ -n $had_oldpwd ]]; then OLDPWD=$oldpwd; else unset OLDPWD; fi

  # Where memos live: --cache-dir, else $STSFLEET_HOME, else $HOME/.stsfleet.
  local dir="" has_dir=false root
  for ((i = 0; i < ${#key_args[@]}; i++)); do
    a=${key_args[i]}
    if [[ $a == --cache-dir ]] && ((i + 1 < ${#key_args[@]})); then
      dir=${key_args[i + 1]}; has_dir=true
    elif [[ $a == --cache-dir=* ]]; then
      dir=${a#--cache-dir=}; has_dir=true
    fi
  done
  if $has_dir; then
    root=$dir
  elif [[ -n ${STSFLEET_HOME-} ]]; then
    root=$STSFLEET_HOME
  elif [[ -n ${HOME-} ]]; then
    root=$HOME/.stsfleet
  else
    return 1
  fi
  [[ $root == /* ]] || root=$cwd/$root
  local memo=$root/cache/answers/$name.memo
  [[ -f $memo && ! -L $memo && -O $memo ]] || return 1

  # The key: arguments, directory, and the variables that can change the answer (secrets as "(set)"), in the
  # order Java's TreeMap sorts their names (AWS_* < HOME < STSFLEET_*, bash lists each prefix sorted).
  local key="" n v
  for a in "${key_args[@]}"; do
    _memo_escape "$a"; key+=arg$'\t'$REPLY$'\n'
  done
  _memo_escape "$cwd"; key+=cwd$'\t'$REPLY$'\n'
  for n in ${!AWS_*} HOME ${!STSFLEET_*}; do
    [[ -v $n && ${!n@a} == *x* ]] || continue
    v=${!n}
    case $n in
      *SECRET* | *TOKEN* | *PASSWORD* | *MFA_CODE* | AWS_ACCESS_KEY_ID) v="(set)" ;;
    esac
    _memo_escape "$n"; key+=env$'\t'$REPLY$'\t'
    _memo_escape "$v"; key+=$REPLY$'\n'
  done

  local text="" head=$'stsfleet-memo 2\n'$key
  IFS= read -r -d '' text <"$memo" || [[ -n $text ]] || return 1
  [[ $text == "$head"* ]] || return 1
  local rest=${text:${#head}} line kind="" until="" path
  local -a unsets=() paths=() prints=() absent=()
  while :; do
    [[ $rest == *$'\n'* ]] || return 1
    line=${rest%%$'\n'*}
    rest=${rest#*$'\n'}
    case $line in
      output) break ;;
      kind$'\t'*) kind=${line#kind$'\t'} ;;
      until$'\t'*) until=${line#until$'\t'} ;;
      unset$'\t'*) unsets+=("${line#unset$'\t'}") ;;
      file$'\t'*$'\t'*)
        line=${line#file$'\t'}
        path=${line%$'\t'*}
        [[ $path == *\\* ]] && return 1
        if [[ ${line##*$'\t'} == absent ]]; then
          absent+=("$path")
        else
          paths+=("$path"); prints+=("${line##*$'\t'}")
        fi
        ;;
      *) return 1 ;;
    esac
  done
  if ((${#child[@]})); then [[ $kind == exec ]] || return 1; else [[ $kind == print ]] || return 1; fi
  local now
  printf -v now '%(%s)T' -1
  [[ $until =~ ^[0-9]+$ ]] && ((now < until)) || return 1
  for path in "${absent[@]}"; do
    [[ -e $path || -L $path ]] && return 1
  done

  # One process for what bash cannot see itself: the memo's mode and each file's checksum and size. A file gone
  # since (a pruned cache entry, a signed-out token) is a miss, and a quiet one.
  local checked expected
  checked=$({ stat -c '%a' -- "$memo" && { ((${#paths[@]} == 0)) || cksum -- "${paths[@]}"; }; } 2>/dev/null) || return 1
  expected=$'\n'
  for ((i = 0; i < ${#paths[@]}; i++)); do
    expected+="${prints[i]} ${paths[i]}"$'\n'
  done
  [[ ${checked%%$'\n'*} == [0-7]00 ]] || return 1
  [[ ${checked#*[0-7]00}$'\n' == "$expected" ]] || return 1

  if ! ((${#child[@]})); then
    printf '%s' "$rest"
    return 0
  fi
  # exec: the role's variables (NAME=VALUE lines) over the caller's, without other identities' variables.
  local -a names=() values=()
  while [[ -n $rest ]]; do
    [[ $rest == *$'\n'* ]] || return 1
    line=${rest%%$'\n'*}
    rest=${rest#*$'\n'}
    n=${line%%=*}
    v=${line#*=}
    [[ $line == *=* && $n =~ ^[A-Za-z_][A-Za-z0-9_]*$ && $v != *\\* ]] || return 1
    names+=("$n"); values+=("$v")
  done
  ((${#names[@]})) && type -P -- "${child[0]}" >/dev/null || return 1
  for n in "${unsets[@]}"; do
    unset -v "$n"
  done
  for ((i = 0; i < ${#names[@]}; i++)); do
    export "${names[i]}=${values[i]}"
  done
  exec -- "${child[@]}"
}
