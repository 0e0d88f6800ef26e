#!/bin/bash
# Boot a Debian packaged kernel under QEMU (TCG, no KVM needed) and run one
# command in it, on the host's own files.
#
#   scripts/kernels/boot.sh [-w DIR]... KERNEL_DIR -- COMMAND [ARG]...
#
# KERNEL_DIR is a kernel package unpacked by fetch.sh, e.g.
#   scripts/kernels/boot.sh "$(scripts/kernels/fetch.sh 6.1)" -- build/proctrace -V
# The guest sees the host's root read-only (9p), with its own /proc, /sys,
# tracefs, bpffs, /dev, a disk of its own on /tmp, tmpfs on /run; each -w DIR is shared
# writable at the same path (created if missing). COMMAND runs as root in the
# caller's working directory with PATH kept; its stdout and stderr (merged)
# are this script's stdout; the exit status is COMMAND's. 125: the guest did
# not run COMMAND (no 9p modules, panic, timeout): the kernel console's last
# lines go to stderr, the whole console to $KERNEL_CONSOLE if set.
# The host's /tmp is hidden by the guest's own, but for the caller's folder
# when it is under /tmp (shared writable): keep other files elsewhere. The
# output crosses an emulated serial port, slowly: send long logs to a file
# in a -w folder.
# KERNEL_TIMEOUT: seconds before the guest is killed (default 1800).
# KERNEL_SMP, KERNEL_MEM: QEMU's -smp and -m (default 2, 2G).
# KERNEL_APPEND: more kernel command line words (loglevel=7, ...).
set -euo pipefail

die() {
	echo "boot.sh: $*" >&2
	exit 125
}

writable=()
while [ $# -gt 0 ]; do
	case $1 in
	-w)
		[ $# -ge 2 ] || die "-w needs a folder"
		mkdir -p "$2"
		writable+=("$(cd "$2" && pwd)")
		shift 2
		;;
	*) break ;;
	esac
done
if [ $# -lt 3 ] || [ "$2" != -- ]; then die "usage: boot.sh [-w DIR]... KERNEL_DIR -- COMMAND [ARG]..."; fi
kdir=$(cd "$1" && pwd) || die "no kernel folder $1"
shift 2
# The guest's own /tmp hides the host's /tmp: a caller working there (a
# clone under mktemp -d, as CI may make) gets its folder shared instead.
case $PWD in
/tmp/*) writable=("$PWD" "${writable[@]}") ;;
esac

# The image is boot/vmlinuz-RELEASE, or (newer packages) in the modules folder.
moddir=$(ls -d "$kdir"/lib/modules/*/ "$kdir"/usr/lib/modules/*/ 2>/dev/null | head -n 1) || true
[ -n "$moddir" ] || die "$kdir: no lib/modules/RELEASE (not an unpacked linux-image package)"
moddir=${moddir%/}
release=${moddir##*/}
vmlinuz=$kdir/boot/vmlinuz-$release
[ -f "$vmlinuz" ] || vmlinuz=$moddir/vmlinuz
[ -f "$vmlinuz" ] || die "$kdir: no boot/vmlinuz-$release nor $moddir/vmlinuz"
[ -f "$moddir/modules.dep" ] || die "$release: no modules.dep (fetch.sh runs depmod -b on the unpacked package)"
config=$kdir/boot/config-$release
[ -f "$config" ] || config=$moddir/config
# busybox-static's /bin/busybox runs in the initramfs without a libc.
"$(dirname "$0")/../setup-deps.sh" qemu-system-x86 busybox-static cpio xz-utils zstd e2fsprogs >&2 ||
	die "missing packages"
busybox=/bin/busybox

work=$(mktemp -d "${TMPDIR:-/tmp}/proctrace-boot.XXXXXX")
qemu_pid=
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The modules the guest needs to reach the host's files, with what they
# depend on, dependencies first (modules.dep). Built-in ones need nothing;
# a kernel with neither cannot run the matrix.
declare -A seen=()
order=()
add_module() { # path relative to the modules folder
	local m=$1 deps d
	[ -z "${seen[$m]:-}" ] || return 0
	seen[$m]=1
	deps=$(awk -F': *' -v m="$m" '$1 == m { print $2 }' "$moddir/modules.dep")
	for d in $deps; do add_module "$d"; done
	order+=("$m")
}
for want in virtio_pci:VIRTIO_PCI 9pnet_virtio:NET_9P_VIRTIO 9p:9P_FS; do
	name=${want%%:*} opt=${want#*:}
	if grep -q "^CONFIG_$opt=y" "$config" 2>/dev/null; then continue; fi
	path=$(grep -E "(^|/)$name\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n 1 | cut -d: -f1) || true
	[ -n "$path" ] || die "$release has no $name module nor CONFIG_$opt=y: it cannot see the host's files (no 9p over virtio)"
	add_module "$path"
done
# The guest's /tmp is a disk of its own (virtio-blk, ext2 through the ext4
# driver), not tmpfs: O_DIRECT opens (tmpfs refuses them before 6.6) and
# block I/O counted in the rusage (inblock, oublock), as on a host's /tmp.
for want in virtio_blk:VIRTIO_BLK ext4:EXT4_FS; do
	name=${want%%:*} opt=${want#*:}
	if grep -q "^CONFIG_$opt=y" "$config" 2>/dev/null; then continue; fi
	path=$(grep -E "(^|/)$name\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n 1 | cut -d: -f1) || true
	[ -n "$path" ] || die "$release has no $name module nor CONFIG_$opt=y: no disk for the guest's /tmp"
	add_module "$path"
done
# ext4 asks the crypto API for crc32c at every mount before 6.14 or so (a
# soft dependency, not in modules.dep); later ones have it as a library.
path=$(grep -E "(^|/)crc32c_generic\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n 1 | cut -d: -f1) || true
[ -z "$path" ] || add_module "$path"

# The initramfs: static busybox, the modules, and an init that mounts the
# host and runs the command in a chroot of it.
root=$work/initramfs
mkdir -p "$root/bin" "$root/mods" "$root/host" "$root/proc" "$root/sys" "$root/dev"
cp "$busybox" "$root/bin/busybox"
: >"$root/mods/order"
for m in "${order[@]}"; do
	base=${m##*/}
	case $m in
	*.ko.xz) xz -dc "$moddir/$m" >"$root/mods/${base%.xz}" ;;
	*.ko.zst) zstd -qdc "$moddir/$m" >"$root/mods/${base%.zst}" ;;
	*.ko.gz) gzip -dc "$moddir/$m" >"$root/mods/${base%.gz}" ;;
	*.ko) cp "$moddir/$m" "$root/mods/$base" ;;
	*) die "unknown module file $m" ;;
	esac
	base=${base%.xz} base=${base%.zst} base=${base%.gz}
	echo "$base" >>"$root/mods/order"
done

# The command, quoted for sh, run from the caller's folder.
{
	printf 'cd %q || exit 125\n' "$PWD"
	printf 'export PATH=%q HOME=/root TERM=dumb LANG=C.UTF-8\n' "$PATH"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$work/command"
printf '%s\n' "${writable[@]+"${writable[@]}"}" >"$work/writable"

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() {
	echo "init: $*" >/dev/console
	poweroff -f
}
while read -r m; do
	insmod "/mods/$m" || fail "insmod $m failed"
done </mods/order
opts=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "$opts,ro,cache=loose" host /host || fail "mounting the host's root failed"
mkdir -p /boot-share
mount -t 9p -o "$opts" boot /boot-share || fail "mounting the command's share failed"
h=/host
mount -t proc proc $h/proc
mount -t sysfs sysfs $h/sys
mount -t devtmpfs devtmpfs $h/dev
mkdir -p /pts 2>/dev/null
mount -t devpts devpts $h/dev/pts 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs $h/dev/shm 2>/dev/null
mount -t tracefs tracefs $h/sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs $h/sys/kernel/debug 2>/dev/null
mount -t bpf bpf $h/sys/fs/bpf 2>/dev/null
mount -t ext4 /dev/vda $h/tmp || fail "mounting the scratch disk on /tmp failed"
chmod 1777 $h/tmp
mount -t tmpfs -o mode=755 tmpfs $h/run
# The command's script, seen from inside the chroot.
mkdir -p $h/run/boot-share
mount --bind /boot-share $h/run/boot-share
i=0
while read -r dir; do
	[ -n "$dir" ] || continue
	mkdir -p "$h$dir"
	mount -t 9p -o "$opts" "w$i" "$h$dir" || fail "mounting $dir failed"
	i=$((i + 1))
done </boot-share/writable
hostname proctrace-guest
stty -F /dev/ttyS1 raw -echo 2>/dev/null
echo "init: running the command" >/dev/console
chroot $h /bin/sh /run/boot-share/command </dev/null >/dev/ttyS1 2>&1 &
wait $!
status=$?
echo "$status" >/boot-share/status
sync
echo "init: command exited with $status" >/dev/console
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"
# The scratch disk: sparse, made anew each boot (KERNEL_DISK: its size).
truncate -s "${KERNEL_DISK:-512M}" "$work/scratch.img"
PATH=$PATH:/usr/sbin:/sbin mkfs.ext2 -q -F -m 0 "$work/scratch.img" || die "mkfs.ext2 of the scratch disk failed"

share() { # tag path [ro]
	echo "-fsdev" "local,id=$1,path=$2,security_model=none,multidevs=remap${3:+,readonly=on}"
	echo "-device" "virtio-9p-pci,fsdev=$1,mount_tag=$1"
}
args=()
while read -r a b; do args+=("$a" "$b"); done < <(
	share host / ro
	share boot "$work"
	i=0
	for dir in "${writable[@]+"${writable[@]}"}"; do
		share "w$i" "$dir"
		i=$((i + 1))
	done
)

timeout "${KERNEL_TIMEOUT:-1800}" qemu-system-x86_64 -accel tcg,thread=multi -cpu max \
	-m "${KERNEL_MEM:-2G}" -smp "${KERNEL_SMP:-2}" -nographic -nodefaults -no-reboot \
	-monitor none -serial "file:$work/console" -chardev stdio,id=out,signal=off \
	-serial chardev:out -kernel "$vmlinuz" -initrd "$work/initramfs.gz" \
	-drive "file=$work/scratch.img,if=virtio,format=raw,cache=unsafe" \
	-append "console=ttyS0 panic=-1 loglevel=4 no_timer_check ${KERNEL_APPEND:-} rdinit=/init" "${args[@]}" </dev/null &
qemu_pid=$!
wait "$qemu_pid" || true
qemu_pid=
[ -z "${KERNEL_CONSOLE:-}" ] || cp "$work/console" "$KERNEL_CONSOLE"
if [ ! -s "$work/status" ]; then
	echo "boot.sh: $release did not run the command; the console's last lines:" >&2
	tail -n 30 "$work/console" >&2
	exit 125
fi
exit "$(cat "$work/status")"
