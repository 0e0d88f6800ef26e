#!/bin/bash
# make check-kernels: boot every kernel of the matrix (scripts/kernels/matrix)
# and check in each that proctrace loads and the facts hold (guest.py);
# write build/kernels/report.md, print it, and fail when a kernel fails.
#
#   scripts/kernels/check.sh [LINE]...     (default: every line)
#
# KERNEL_JOBS: guests booted at once (default 2); KERNEL_TIMEOUT: seconds a
# guest may take (default 3600); OUT: build folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-build}
dir=$out/kernels
jobs=${KERNEL_JOBS:-2}
lines=("$@")
[ ${#lines[@]} -gt 0 ] || mapfile -t lines < <(scripts/kernels/fetch.sh --list)

t0=$(date +%s)
for l in "${lines[@]}"; do rm -rf "${dir:?}/$l"; done
mkdir -p "$dir"
# Fetched one after the other (apt and the cache are shared), then booted.
for l in "${lines[@]}"; do
	scripts/kernels/fetch.sh "$l" >"$dir/$l.kernel" ||
		{ echo "check-kernels: $l: fetch failed" >&2; : >"$dir/$l.kernel"; }
done

one() {
	local l=$1 k s=$SECONDS rc=0
	k=$(cat "$dir/$l.kernel")
	mkdir -p "$dir/$l"
	if [ -n "$k" ]; then
		KERNEL_CONSOLE=$dir/$l/console.log KERNEL_TIMEOUT=${KERNEL_TIMEOUT:-3600} scripts/kernels/boot.sh -w "$dir/$l" "$k" -- \
			env PROCTRACE="$out/proctrace" WORKLOADS="$out/workloads" \
			python3 scripts/kernels/guest.py "$dir/$l" >"$dir/$l/guest.log" 2>&1 || rc=$?
	else
		rc=125
	fi
	echo "$rc $((SECONDS - s))" >"$dir/$l/host"
	echo "check-kernels: $l ($(basename "${k:-none}")): guest exited $rc after $((SECONDS - s)) s"
}

running=0
for l in "${lines[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	one "$l" &
	running=$((running + 1))
done
wait

python3 scripts/kernels/report.py "$dir" "$(($(date +%s) - t0))" "${lines[@]}"
