# bash completion for proctrace(8)                          -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The options, which of them take a value and what value (FILE, SECS...,
# or the words --help lists: --time abs|rel|iso|us, --list's) are read from
# `proctrace --help`, and the words of -e, --signals and --color from
# `proctrace --list` (once per shell): they follow the program, with no
# list of its own here. Other values come from the
# running system: pids, process groups and command names from /proc, users
# from the name service. Only a FILE is completed as a file name. Needs
# bash only; uses bash-completion's helpers for a COMMAND's own arguments
# when they are there.

# Fills _proctrace_opts (every option) and _proctrace_argopts (those that
# take a value, each with the name --help gives it: "-o, --csv FILE" names
# both forms and FILE, "--time abs|rel|iso|us" its words).
_proctrace_read_help()
{
	local bin=$1 help spec
	[[ -n ${_proctrace_opts-} ]] && return 0
	_proctrace_bin=$bin
	help=$("$bin" --help 2>/dev/null) || { _proctrace_bin=proctrace &&
		help=$(command proctrace --help 2>/dev/null); } || return 1
	help=${help%%$'\n'Examples:*}
	_proctrace_opts=()
	declare -gA _proctrace_argopts=()
	while read -r spec; do
		local words
		read -r -a words <<<"${spec//,/ }"
		local last=${words[${#words[@]} - 1]}
		local w
		for w in "${words[@]}"; do
			[[ $w == -* ]] || continue
			_proctrace_opts+=("$w")
			# a value named (FILE) or its words listed (abs|rel|iso|us)
			[[ $last == [A-Z]* || $last == *'|'* ]] && _proctrace_argopts[$w]=$last
		done
	done < <(grep -oE -- '(^|[[:space:](])(-[A-Za-z], )?--?[A-Za-z][A-Za-z-]*( [A-Z][A-Z]*| [a-z]+(\|[a-z]+)+)?' <<<"$help")
	return 0
}

_proctrace_takes_arg()
{
	[[ -n ${_proctrace_argopts[$1]-} ]]
}

# The words of `proctrace --list WHAT`, once per shell each.
_proctrace_list()
{
	local -n _list=_proctrace_list_$1
	[[ -n ${_list-} ]] || mapfile -t _list < <("$_proctrace_bin" --list "$1" 2>/dev/null)
	printf '%s\n' "${_list[@]}"
}

# A comma-separated list (-e, --signals): the items of $1 after what is
# typed up to the last comma (and a leading '!', kept).
_proctrace_add_item()
{
	local head="" items w
	[[ $cur == *,* ]] && head=${cur%,*},
	[[ -z $head && $cur == !* ]] && head="!"
	mapfile -t items < <(_proctrace_list "$1")
	for w in "${items[@]}"; do
		[[ $head$w == "$cur"* ]] && COMPREPLY+=("$head$w")
	done
	compopt -o nospace 2>/dev/null
}

# Adds to COMPREPLY the words of $@ that start with $cur, once each,
# quoted for the command line (command names may hold spaces).
_proctrace_add()
{
	local w
	local -A seen=()
	for w in "$@"; do
		[[ $w == "$cur"* && -z ${seen[$w]-} ]] || continue
		seen[$w]=1
		COMPREPLY+=("$(printf '%q' "$w")")
	done
}

_proctrace_pids()
{
	local p
	for p in /proc/[0-9]*; do
		printf '%s\n' "${p#/proc/}"
	done
}

# Field 5 of /proc/PID/stat, counted after the command name, which is in
# parentheses and may hold spaces or parentheses itself.
_proctrace_pgids()
{
	local f line fields
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		read -r -a fields <<<"${line##*) }" # state ppid pgrp ...
		printf '%s\n' "${fields[2]}"
	done
}

_proctrace_comms()
{
	local f comm
	for f in /proc/[0-9]*/comm; do
		read -r comm 2>/dev/null <"$f" && printf '%s\n' "$comm"
	done
}

_proctrace()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i w
	COMPREPLY=()
	_proctrace_read_help "${COMP_WORDS[0]}" || return 0

	# Where the COMMAND starts: after "--", or at the first word that is
	# neither an option nor an option's value (getopt stops there too).
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -- ]]; then
			((i++))
			break
		elif [[ $w != -?* ]]; then
			break
		elif [[ $w == --*=* ]]; then
			continue
		elif _proctrace_takes_arg "$w" ||
			{ [[ $w != --* ]] && _proctrace_takes_arg "-${w: -1}"; }; then
			((i++)) # its value, in the next word
		fi
	done
	if ((i < COMP_CWORD)) || { ((i == COMP_CWORD)) && [[ ${COMP_WORDS[i - 1]} == -- ]]; }; then
		if ((i == COMP_CWORD)); then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur" | sort -u)
		elif declare -F _command_offset >/dev/null; then
			_command_offset "$i"
		else
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return 0
	fi

	case $prev in
	-p | --pid)
		mapfile -t w < <(_proctrace_pids)
		_proctrace_add "${w[@]}"
		return 0
		;;
	-g | --pgid)
		# pgid 0 (kernel threads) is not a group one can follow
		mapfile -t w < <(_proctrace_pgids | sort -un | grep -vx 0)
		_proctrace_add "${w[@]}"
		return 0
		;;
	-c | --comm)
		mapfile -t w < <(_proctrace_comms)
		_proctrace_add "${w[@]}"
		return 0
		;;
	--uid)
		# names and numbers, as --uid takes both
		mapfile -t w < <(getent passwd | cut -d: -f1,3 | tr : '\n')
		_proctrace_add "${w[@]}"
		return 0
		;;
	--cgroup)
		# the cgroups of the cgroup2 mount, as paths from its root
		local root
		root=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") break }
			$(i + 1) == "cgroup2" { print $5; exit }' /proc/self/mountinfo 2>/dev/null)
		[[ -n $root ]] || return 0
		mapfile -t w < <(cd "$root" 2>/dev/null && find . -mindepth 1 -maxdepth 4 -type d 2>/dev/null | sed 's|^\.||')
		_proctrace_add "${w[@]}"
		return 0
		;;
	-u | --user)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		return 0
		;;
	-e | --events)
		_proctrace_add_item events
		return 0
		;;
	--signals)
		_proctrace_add_item signals
		return 0
		;;
	--color)
		mapfile -t w < <(_proctrace_list colors)
		_proctrace_add "${w[@]}"
		return 0
		;;
	--ringbuf-kb)
		_proctrace_add 4 16 64 256 1024 4096 16384 65536 262144 1048576
		return 0
		;;
	esac
	if [[ ${_proctrace_argopts[$prev]-} == *'|'* ]]; then
		# the words --help lists for it (--time abs|rel|iso|us, --list ...)
		IFS='|' read -r -a w <<<"${_proctrace_argopts[$prev]}"
		_proctrace_add "${w[@]}"
		return 0
	fi
	if _proctrace_takes_arg "$prev"; then
		# Files (-o, -j, --svg, --perfetto, --replay); nothing to offer
		# for numbers, sizes, times and texts (--since, -d, --rotate, --argv...).
		if [[ ${_proctrace_argopts[$prev]} == FILE ]]; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return 0
	fi
	if [[ $cur == -* ]]; then
		_proctrace_add "${_proctrace_opts[@]}"
	fi
	return 0
}
complete -F _proctrace proctrace
