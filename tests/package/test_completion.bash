#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# The bash completion, as bash calls it: COMP_WORDS and COMP_CWORD set,
# _proctrace called, COMPREPLY checked. Usage: PROCTRACE=build/proctrace
# test_completion.bash completion/proctrace.bash. Every mismatch is listed.
set -u
bin=${PROCTRACE:-build/proctrace}
# shellcheck source=/dev/null
source "$1" || exit 1

passed=0 failed=0
tmp=$(mktemp -d)
pids=()
cleanup() {
	kill "${pids[@]}" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# complete WORD... : COMPREPLY for the last word, as one line per word.
complete_words() {
	COMP_WORDS=("$bin" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_proctrace
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

check() { # name expected actual
	if [[ $2 == "$3" ]]; then
		passed=$((passed + 1))
		echo "ok   $1"
	else
		failed=$((failed + 1))
		echo "FAIL $1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/     /'
	fi
}

has() { # name word actual
	if grep -qxF -- "$2" <<<"$3"; then
		passed=$((passed + 1))
		echo "ok   $1"
	else
		failed=$((failed + 1))
		echo "FAIL $1: '$2' not offered; offered: $(tr '\n' ' ' <<<"$3" | cut -c1-300)"
	fi
}

# Long options: exactly those of --help (read here with a plainer pattern).
want=$("$bin" --help | sed '/^Examples:/,$d' | grep -oE -- '--[a-z][a-z-]*' | sort -u)
check "long options are those of --help" "$want" "$(complete_words --)"
check "--js completes to --json" "--json" "$(complete_words --js)"
check "short options with -" "$("$bin" --help | sed '/^Examples:/,$d' |
	grep -oE -- '(^|[[:space:]])-[A-Za-z]\b' | tr -d ' ' | sort -u)" \
	"$(complete_words - | grep -vE -- '^--')"
check "an option after an option's value" "--threads" "$(complete_words -o x.csv --thr)"
check "an option after a listed value" "--threads" "$(complete_words --time rel --thr)"

# pids, groups and names of processes that exist now.
# setsid(1) in a script (no job control: not a group leader) makes the
# session in its own process, which then says so on a fifo (the gate) and
# becomes the sleep.
mkfifo "$tmp/ready"
exec 4<>"$tmp/ready"
setsid sh -c 'echo >"$1"; exec sleep 60' - "$tmp/ready" &
leader=$!
pids+=("$leader")
read -r -t 10 -u 4 || echo "setsid: no word from the new session within 10 s"
# A task may rename only itself: this one does, then waits on a fifo that
# nobody writes until it is killed.
mkfifo "$tmp/fifo"
bash -c 'printf "pt comp %s" "$1" >/proc/self/comm; exec 3<>"$2"; read -r -u 3' \
	- "$$" "$tmp/fifo" &
named=$!
pids+=("$named")
for ((i = 0; i < 500; i++)); do # the gate: its new name, within 5 s
	[[ $(cat "/proc/$named/comm") == "pt comp $$" ]] && break
	sleep 0.01
done
has "-p offers this shell's pid" "$$" "$(complete_words -p '')"
has "--pid offers a child's pid from its prefix" "$named" "$(complete_words --pid "${named:0:2}")"
check "-p offers only pids with the prefix" "" \
	"$(complete_words -p "${named:0:2}" | grep -v "^${named:0:2}")"
has "-g offers a new session's group" "$leader" "$(complete_words -g '')"
read -r -a stat </proc/$$/stat # bash's name has no space: field 5 is its group
has "--pgid offers this shell's group" "${stat[4]}" "$(complete_words --pgid '')"
check "-g never offers 0" "" "$(complete_words -g 0)"
has "-c offers a command name with spaces, quoted" "pt\\ comp\\ $$" \
	"$(complete_words -c 'pt com')"
has "--comm offers this shell's name" "$(cat /proc/$$/comm)" "$(complete_words --comm '')"
has "--uid offers root" "0" "$(complete_words --uid '')"
has "-u offers root" "root" "$(complete_words -u ro)"
check "--color offers what --list colors prints" "$("$bin" --list colors | sort)" \
	"$(complete_words --color '')"
has "--uid offers a user name" "nobody" "$(complete_words --uid nob)"

# The words of -e and --signals are the program's (--list), in lists.
check "-e offers every kind of --list events" "$("$bin" --list events | sort)" \
	"$(complete_words -e '')"
check "-e after a comma" "$(printf '%s\n' fork,exec fork,exec_failed fork,exit)" \
	"$(complete_words -e fork,ex)"
has "--signals offers SIGCHLD" "SIGCHLD" "$(complete_words --signals SIGCH)"
has "--signals after '!' and a comma" "!SIGCHLD,SIGRTMIN+3" \
	"$(complete_words --signals '!SIGCHLD,SIGRTMIN+')"
check "--signals offers what --list signals prints" "$("$bin" --list signals | sort)" \
	"$(complete_words --signals '')"
# --list's names: --help's (made from the program's one table of lists),
# each one a list --list prints.
lists=$("$bin" --help | grep -oE -- '--list [a-z|]+' | cut -d' ' -f2 | tr '|' '\n' | sort)
check "--help names --list's lists" yes "$([[ -n $lists ]] && echo yes)"
check "--list offers the lists --help names" "$lists" "$(complete_words --list '')"
for w in $lists; do
	check "--list $w prints values" 0 "$("$bin" --list "$w" >/dev/null 2>&1; echo $?)"
done
check "--time offers what --list times prints" "$("$bin" --list times | sort)" \
	"$(complete_words --time '')"

# Files for outputs and --replay; commands after --.
touch "$tmp/cap.csv" "$tmp/cap.jsonl"
check "-o offers files" "$tmp/cap.csv" "$(complete_words -o "$tmp/cap.c")"
check "--replay offers files" "$(printf '%s\n' "$tmp/cap.csv" "$tmp/cap.jsonl")" \
	"$(complete_words --replay "$tmp/cap")"
for opt in --since --until -d --rotate --keep --linger; do
	check "$opt offers no file name" "" "$(complete_words $opt "$tmp/cap")"
done
has "a COMMAND after --" "true" "$(complete_words -q -- tru)"
check "the COMMAND's arguments are its own" "$tmp/cap.jsonl" \
	"$(complete_words -o x.csv -- true "$tmp/cap.j")"
check "a COMMAND without -- ends the options" "$tmp/cap.jsonl" \
	"$(complete_words -q sh "$tmp/cap.j")"

echo "completion: $passed passed, $failed failed"
((failed == 0))
