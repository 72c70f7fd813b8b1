#!/bin/sh
# Hyperscope demo board: /init (PID 1) of each dom0less Linux guest.
#
# The guest's name comes from the kernel command line (hsname=linux1).  We
# start a small, *stable* process tree whose names the debugger can show:
#
#   init (PID 1)
#   ├── <name>_ticker    prints "<name>_ticker: tick N uptime S" every 10 s
#   ├── <name>_counter   busy-counts ~0.4 s, idles ~0.6 s, so a halted board
#   │   │                often has a core inside a guest (hsbusy=CS on the
#   │   │                kernel command line sets the busy centiseconds/s);
#   │   │                it idles in a short-lived `sleep` (nanosleep(2))
#   │   └── sleep        the counter's own long sleep
#   └── sleep            a long sleep owned by init
#
# Before that tree starts, init loads the kernel modules the board put in
# /lib/modules/<kver>/ (in modules.dep's order, with busybox insmod; one that
# fails is reported and skipped) and gives each something to run:
#
#   dummy.ko  makes dummy0 (numdummies=1: dummy_init_module, dummy_setup,
#             dummy_dev_init); once it is up, the kernel's IPv6 sends a few
#             packets (MLD reports, router solicitations) through dummy_xmit
#   loop.ko   makes loop0 (max_loop=1), bound to /loop.img by losetup
#             (lo_ioctl)
#
# and the counter, once per cycle (about once a second, in every guest),
# reads two sysfs files with the builtin `read`, so without forking:
# /sys/class/net/dummy0/statistics/tx_packets runs dummy_get_stats64 (dummy.ko,
# through dev_get_stats) and /sys/block/loop0/loop/backing_file runs
# loop_attr_do_show_backing_file (loop.ko).  Breakpoints on either hit about
# every second in each guest.  Just before HYPERSCOPE-READY, init prints
# what the debugger should find, from /proc/modules and /sys/module:
#   HYPERSCOPE-MODULE <name> <the module's /proc/modules line>
#   HYPERSCOPE-MODSECT <name> <module> <section> <address>
# for .text, .init.text, .data, .rodata and .bss where the module has them.
# .init.text is freed once the module's init has run (by a worker, so when
# is a race): loop's .text is sometimes where dummy's .init.text was, and
# module addresses can differ between the guests and from boot to boot.
#
# With hskaslr=1 (hyperscope-board run --kaslr: no nokaslr, a CPU with
# RNDR), init also prints "HYPERSCOPE-KTEXT <name> <address of _text>".
#
# With hstasks=N on the command line (hyperscope-board run --tasks N), once
# that tree stands, /bin/hs-tasks adds N more tasks (<name>_tasks, its
# threads <name>_busy0/1, processes <name>_p<i> with threads <name>_t<j>),
# all made before HYPERSCOPE-READY and announced by one line,
# "HYPERSCOPE-TASKS <name> <made>"; the ps listing leaves them out.
#
# The two workers are shell scripts started via their #! line, so the
# kernel sets their comm (ps, /proc/PID/comm) to the script's basename.
# Delays use `read -t` on a FIFO nobody writes to: it is a shell builtin,
# so waiting never forks — except the counter's idle `sleep`, on purpose.
# Keep output sparse: every guest console byte is an MMIO trap into Xen.
# (busybox ash: `read -t` accepts fractions.)
# shellcheck disable=SC3045,SC2162,SC2013,SC2217

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox --install -s                 # applets not linked in the cpio
mount -t proc proc /proc
mount -t sysfs sysfs /sys 2>/dev/null
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /run /tmp

name=guest busy=40 tasks=0 kaslr=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	hsname=*) name=${arg#hsname=} ;;
	hsbusy=*) busy=${arg#hsbusy=} ;;
	hstasks=*) tasks=${arg#hstasks=} ;;
	hskaslr=1) kaslr=1 ;;
	esac
done
case "$busy" in '' | *[!0-9]*) busy=40 ;; esac
# hstasks: digits only, no octal (ash reads 010 as 8), at most 4000 (about
# 8000 fill this guest's memory; the OOM killer's report alone would then
# take minutes on the console).
case "$tasks" in '' | *[!0-9]*) tasks=0 ;; esac
while [ "${tasks#0}" != "$tasks" ]; do tasks=${tasks#0}; done
[ -n "$tasks" ] || tasks=0
[ ${#tasks} -le 4 ] && [ "$tasks" -le 4000 ] || tasks=4000
[ "$busy" -le 100 ] || busy=100
i=$((100 - busy))                         # idle centiseconds -> "0.60"
idle=$((i / 100)).$((i % 100 / 10))$((i % 10))
hostname "$name"
mkfifo /run/idle                          # never written: read -t = sleep

# The modules (see the top).  modules.dep lists each before what needs it.
read -r kver </proc/sys/kernel/osrelease
moddir=/lib/modules/$kver
if [ -r "$moddir/modules.dep" ]; then
	while IFS=: read -r ko _; do
		m=${ko##*/}
		m=${m%.ko}
		case "$m" in
		loop) set -- max_loop=1 ;;        # one loop device, not eight
		*) set -- ;;
		esac
		insmod "$moddir/$ko" "$@" || echo "HYPERSCOPE-MODULE-ERROR $name $m: insmod failed, booting on without it"
	done <"$moddir/modules.dep"
fi
# `ip link set dummy0 up` without a fork: sysfs's flags file takes IFF_UP.
f=/sys/class/net/dummy0/flags
if [ -w "$f" ] && read -r flags <"$f"; then echo $((flags | 1)) >"$f"; fi
[ -b /dev/loop0 ] && losetup /dev/loop0 /loop.img
# What the counter reads once a cycle, where the modules made it.
reads=
for f in /sys/class/net/dummy0/statistics/tx_packets /sys/block/loop0/loop/backing_file; do
	[ -r "$f" ] && reads="$reads read -r _ <$f;"
done

cat >/bin/"${name}"_ticker <<EOF
#!/bin/sh
n=0
while :; do
	read -t 10 _ <>/run/idle
	n=\$((n + 1))
	read up _ </proc/uptime
	echo "${name}_ticker: tick \$n uptime \${up}s"
done
EOF

{
echo '#!/bin/sh'
echo "busy=$busy idle=$idle"
echo "modules() {$reads :; }            # module code, without forking (see /init)"
cat <<'EOF'
sleep 999999999 &                         # the counter's child "sleep"
# Its idle time goes through nanosleep(2) in a short-lived `sleep`, so that
# breakpoints on the kernel's nanosleep path fire in every guest; but only
# once init has listed the processes, so the list shows the stable tree.
while [ ! -e /run/listed ]; do read -t 0.1 _ <>/run/idle; done
now() { read up _ </proc/uptime; f=${up#*.}; cs=$(( ${up%.*} * 100 + ${f#0} )); }
total=0
while :; do
	modules
	now; end=$((cs + busy))               # CPU work for $busy cs...
	while [ "$cs" -lt "$end" ]; do total=$((total + 1)); now; done
	sleep "$idle"                         # ...then idle for the rest
done
EOF
} >/bin/"${name}"_counter
chmod 755 /bin/"${name}"_ticker /bin/"${name}"_counter

/bin/"${name}"_ticker </dev/null >/dev/console 2>&1 &
/bin/"${name}"_counter </dev/null >/dev/console 2>&1 &
counter=$!
sleep 999999999 </dev/null >/dev/null 2>&1 &

# Wait (bounded) until the counter has forked its sleep, so the ps below
# shows the final tree.  (Debian's busybox has no pgrep; the kernel lists
# a task's children in /proc, CONFIG_PROC_CHILDREN.)
counter_has_sleep() {
	kids=
	read -r kids </proc/"$counter"/task/"$counter"/children  # no final newline
	[ -n "$kids" ] || return 1
	for k in $kids; do
		read -r comm </proc/"$k"/comm && [ "$comm" = sleep ] && return 0
	done
	return 1
}
i=0
while [ $i -lt 100 ] && ! counter_has_sleep 2>/dev/null; do
	read -t 0.1 _ <>/run/idle
	i=$((i + 1))
done

# The extra tasks, after the stable tree (whose pids stay as without them).
# A 512 MiB guest allows ~4000 tasks (kernel.threads-max): raise it; and
# should memory still run out, keep the OOM report to a few lines.  The
# program writes "MADE WANTED" to the file once every task has named itself.
if [ "$tasks" -gt 0 ]; then
	read -r tmax </proc/sys/kernel/threads-max
	[ "$tmax" -ge $((tasks + 1000)) ] || echo $((tasks + 1000)) >/proc/sys/kernel/threads-max
	echo 0 >/proc/sys/vm/oom_dump_tasks
	/bin/hs-tasks "$name" "$tasks" /run/hstasks.done </dev/null >/dev/null 2>&1 &
	i=0
	while [ $i -lt $((600 + tasks)) ] && [ ! -s /run/hstasks.done ]; do
		read -t 0.1 _ <>/run/idle
		i=$((i + 1))
	done
	made=
	read -r made _ </run/hstasks.done 2>/dev/null
	echo "HYPERSCOPE-TASKS $name ${made:-timeout}"
fi

# The oracle for the modules (see the top).  The kernel shows their real
# addresses to init because it is root (CAP_SYSLOG) and kptr_restrict is
# below 2.  A section file answers only a read at offset 0, and the builtin
# `read` takes a byte at a time: one grep reads them all.
sections=
while read -r m rest; do
	echo "HYPERSCOPE-MODULE $name $m $rest"
	for s in .text .init.text .data .rodata .bss; do
		sections="$sections /sys/module/$m/sections/$s"
	done
done </proc/modules
if [ -n "$sections" ]; then
	# shellcheck disable=SC2086 # one word per file
	grep -Hs . $sections >/run/sections
	while IFS=: read -r f a; do
		m=${f#/sys/module/}
		echo "HYPERSCOPE-MODSECT $name ${m%%/*} ${f##*/} $a"
	done </run/sections
fi
# /proc/kallsyms has no _text: arm64's vmlinux.lds.S puts _stext at the
# 64 KiB boundary (SEGMENT_ALIGN) after it, past the kernel's smaller head.
if [ "$kaslr" = 1 ]; then
	stext=$(grep -m1 ' _stext$' /proc/kallsyms)
	printf 'HYPERSCOPE-KTEXT %s 0x%x\n' "$name" $((0x${stext%% *} - 0x10000))
fi

echo "HYPERSCOPE-READY $name"
# User processes only: kernel threads (args shown as "[name]") would add
# ~60 slow console lines per guest; nor hs-tasks' (all run /bin/hs-tasks).
ps -o pid,ppid,comm,args >/run/ps.txt 2>/dev/null || ps >/run/ps.txt
if [ "$tasks" -gt 0 ]; then
	grep -v -e ' \[[^]]*\]$' -e ' /bin/hs-tasks ' /run/ps.txt
else
	grep -v ' \[[^]]*\]$' /run/ps.txt
fi
: >/run/listed

# PID 1 must never exit (the kernel would panic); block for good, reaping
# any children that might die.
while :; do
	wait
	read -t 3600 _ <>/run/idle
done
