/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-tasks: many extra tasks for a "big" demo board guest (hstasks=N on the
 * guest's kernel command line; /init starts us as `hs-tasks NAME N DONE`).
 *
 * Makes exactly N tasks in all, itself included, and keeps them forever:
 *
 *   NAME_tasks            this process (the parent of every NAME_p<i>)
 *   ├── NAME_busy0/1      2 threads, each busy ~10 % of the time (20 ms of
 *   │                     spinning, 180 ms of nanosleep): the board is
 *   │                     emulated on few host cores, so keep it light
 *   └── NAME_p<i>         processes, sleeping; three in eight have 1-3
 *       └── NAME_t<j>     more threads, sleeping (j counts over the guest)
 *
 * Sleepers alternate between ppoll(2) with no timeout and nanosleep(2) of an
 * hour, so the tasks' kernel stacks differ a little.  Once every task has
 * named itself, the count is written to DONE; /init waits for that file.
 * Nothing here exits, so pids stay stable.
 *
 * No aarch64 libc on the build host: freestanding, raw syscalls, built with
 *   aarch64-linux-gnu-gcc -static -nostdlib -ffreestanding -O2
 */

typedef unsigned long ulong;

#define SYS_openat         56
#define SYS_close          57
#define SYS_write          64
#define SYS_ppoll          73
#define SYS_exit           93
#define SYS_exit_group     94
#define SYS_nanosleep     101
#define SYS_clock_gettime 113
#define SYS_prctl         167
#define SYS_munmap        215
#define SYS_clone         220
#define SYS_mmap          222
#define SYS_wait4         260

#define AT_FDCWD        (-100)
#define O_WRONLY        01
#define O_CREAT         0100
#define O_TRUNC         01000
#define PROT_READ       1
#define PROT_WRITE      2
#define MAP_SHARED      0x01
#define MAP_PRIVATE     0x02
#define MAP_ANONYMOUS   0x20
#define MAP_NORESERVE   0x4000
#define MAP_STACK       0x20000
#define PR_SET_NAME     15
#define SIGCHLD         17
#define CLOCK_MONOTONIC 1
#define WALL            0x40000000

#define CLONE_VM        0x00000100
#define CLONE_FS        0x00000200
#define CLONE_FILES     0x00000400
#define CLONE_SIGHAND   0x00000800
#define CLONE_THREAD    0x00010000
#define CLONE_SYSVSEM   0x00040000
#define THREAD_FLAGS    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

#define STACK_SIZE      (64 * 1024)   /* only the touched pages cost memory */
#define MAX_TASKS       100000
#define BUSY_MS         20
#define PERIOD_MS       200

struct timespec_k { long tv_sec; long tv_nsec; };

static inline long
sys6 (long n, long a, long b, long c, long d, long e, long f)
{
  register long x8 __asm__ ("x8") = n;
  register long x0 __asm__ ("x0") = a;
  register long x1 __asm__ ("x1") = b;
  register long x2 __asm__ ("x2") = c;
  register long x3 __asm__ ("x3") = d;
  register long x4 __asm__ ("x4") = e;
  register long x5 __asm__ ("x5") = f;

  __asm__ volatile ("svc #0"
                    : "+r" (x0)
                    : "r" (x8), "r" (x1), "r" (x2), "r" (x3), "r" (x4), "r" (x5)
                    : "memory", "cc");
  return x0;
}
#define sys0(n)                 sys6 ((n), 0, 0, 0, 0, 0, 0)
#define sys1(n, a)              sys6 ((n), (long) (a), 0, 0, 0, 0, 0)
#define sys2(n, a, b)           sys6 ((n), (long) (a), (long) (b), 0, 0, 0, 0)
#define sys3(n, a, b, c)        sys6 ((n), (long) (a), (long) (b), (long) (c), 0, 0, 0)
#define sys4(n, a, b, c, d)     sys6 ((n), (long) (a), (long) (b), (long) (c), (long) (d), 0, 0)

/* The process entry: x0 = sp, which points at argc, argv[], NULL, envp[]. */
__asm__ (".text\n"
         ".globl _start\n"
         "_start:\n"
         "  mov x0, sp\n"
         "  bl hs_main\n"
         "  mov x8, #94\n"          /* exit_group(hs_main's value) */
         "  svc #0\n");

/* long clone_thread (ulong flags, void *stack_top, void (*fn) (void *), void *arg):
 * the child starts on its own stack, so this cannot be C: fn and arg go on
 * the new stack, and the child pops them and calls fn (which never returns;
 * exit(2) just in case).  The parent gets the new tid or -errno. */
__asm__ (".text\n"
         ".globl clone_thread\n"
         "clone_thread:\n"
         "  stp x2, x3, [x1, #-16]!\n"
         "  mov x2, xzr\n"
         "  mov x3, xzr\n"
         "  mov x4, xzr\n"
         "  mov x8, #220\n"
         "  svc #0\n"
         "  cbnz x0, 1f\n"
         "  ldp x1, x0, [sp], #16\n"
         "  blr x1\n"
         "  mov x0, #0\n"
         "  mov x8, #93\n"
         "  svc #0\n"
         "1:\n"
         "  ret\n");
long clone_thread (ulong flags, void *stack_top, void (*fn) (void *), void *arg);
long hs_main (long *sp);

static ulong
str_len (const char *s)
{
  ulong n = 0;

  while (s[n])
    n++;
  return n;
}

/* Appends s to buf at *at (bounded by size - 1, always NUL-terminated). */
static void
append (char *buf, ulong size, ulong *at, const char *s)
{
  while (*s && *at + 1 < size)
    buf[(*at)++] = *s++;
  buf[*at] = 0;
}

static void
append_num (char *buf, ulong size, ulong *at, ulong v)
{
  char tmp[24];
  int n = 0;

  do
    tmp[n++] = (char) ('0' + v % 10);
  while ((v /= 10) != 0);
  while (n > 0 && *at + 1 < size)
    buf[(*at)++] = tmp[--n];
  buf[*at] = 0;
}

static int
parse_num (const char *s, ulong *v)
{
  *v = 0;
  if (*s == 0)
    return -1;
  for (; *s; s++)
    {
      if (*s < '0' || *s > '9' || *v > MAX_TASKS)
        return -1;
      *v = *v * 10 + (ulong) (*s - '0');
    }
  return 0;
}

static const char *guest = "guest";
/* Shared by every process we fork (MAP_SHARED): how many tasks have named themselves. */
static volatile int *named;

/* Names the calling task GUEST<suffix>[<num>] (the kernel keeps 15 chars)
 * and counts it. */
static void
set_name (const char *suffix, long num)
{
  char name[32];
  ulong at = 0;

  append (name, sizeof name, &at, guest);
  append (name, sizeof name, &at, suffix);
  if (num >= 0)
    append_num (name, sizeof name, &at, (ulong) num);
  sys2 (SYS_prctl, PR_SET_NAME, name);
  __atomic_add_fetch (named, 1, __ATOMIC_SEQ_CST);
}

static void
sleep_ms (long ms)
{
  struct timespec_k ts = { ms / 1000, (ms % 1000) * 1000000L };

  while (sys2 (SYS_nanosleep, &ts, &ts) != 0)
    ;  /* interrupted: sleep the rest */
}

static long
now_ms (void)
{
  struct timespec_k ts;

  sys2 (SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static __attribute__ ((noreturn)) void
sleep_forever (ulong kind)
{
  for (;;)
    {
      if (kind & 1)
        sys6 (SYS_ppoll, 0, 0, 0, 0, 8, 0);   /* no fds, no timeout */
      else
        sleep_ms (3600 * 1000L);
    }
}

static void
busy_thread (void *arg)
{
  volatile ulong spins = 0;

  set_name ("_busy", (long) arg);
  for (;;)
    {
      long end = now_ms () + BUSY_MS;

      while (now_ms () < end)
        for (int i = 0; i < 1000; i++)
          spins++;
      sleep_ms (PERIOD_MS - BUSY_MS);
    }
}

static void
sleeper_thread (void *arg)
{
  set_name ("_t", (long) arg);
  sleep_forever ((ulong) arg);
}

static long
start_thread (void (*fn) (void *), ulong arg)
{
  long stack = sys6 (SYS_mmap, 0, STACK_SIZE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);

  if (stack < 0 && stack > -4096)
    return stack;
  /* The top is 16-byte aligned, as AArch64 requires of sp. */
  long tid = clone_thread (THREAD_FLAGS, (char *) stack + STACK_SIZE, fn, (void *) arg);
  if (tid < 0)
    sys2 (SYS_munmap, stack, STACK_SIZE);
  return tid;
}

/* How many threads besides its main one process i gets: three in eight
 * have 1-3 (so processes with 2-4 threads), the rest none. */
static ulong
extra_threads (ulong i)
{
  static const unsigned char pattern[8] = { 0, 1, 0, 0, 3, 0, 2, 0 };

  return pattern[i % 8];
}

static void
write_done (const char *path, ulong made, ulong wanted)
{
  char buf[64];
  ulong at = 0;
  long fd = sys4 (SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  if (fd < 0)
    return;
  append_num (buf, sizeof buf, &at, made);
  append (buf, sizeof buf, &at, " ");
  append_num (buf, sizeof buf, &at, wanted);
  append (buf, sizeof buf, &at, "\n");
  sys3 (SYS_write, fd, buf, at);
  sys1 (SYS_close, fd);
}

long
hs_main (long *sp)
{
  long argc = sp[0];
  char **argv = (char **) (sp + 1);
  ulong wanted, made, busy, proc, thread;
  long shared;

  if (argc != 4 || parse_num (argv[2], &wanted) != 0 || wanted == 0)
    {
      static const char usage[] = "usage: hs-tasks NAME N DONE-FILE (N in 1..100000)\n";

      sys3 (SYS_write, 2, usage, sizeof usage - 1);
      return 2;
    }
  guest = argv[1];
  if (str_len (guest) > 8)   /* "NAME_p99999" must fit in the 15-char comm */
    guest = "guest";

  shared = sys6 (SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared < 0 && shared > -4096)
    return 1;
  named = (volatile int *) shared;

  set_name ("_tasks", -1);
  made = 1;

  for (busy = 0; busy < 2 && made < wanted; busy++)
    {
      if (start_thread (busy_thread, busy) < 0)
        goto done;
      made++;
    }

  for (proc = 0, thread = 0; made < wanted; proc++)
    {
      ulong extra = extra_threads (proc);
      long pid;

      if (extra > wanted - made - 1)
        extra = wanted - made - 1;
      pid = sys6 (SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
      if (pid < 0)
        goto done;
      if (pid == 0)
        {
          /* The child: name itself, start its threads, sleep for good.  A
           * thread that cannot start is simply missing from the count. */
          set_name ("_p", (long) proc);
          for (ulong k = 0; k < extra; k++)
            start_thread (sleeper_thread, thread + k);
          sleep_forever (proc + 1);
        }
      made += 1 + extra;
      thread += extra;
    }

done:
  /* Wait (bounded: a task that failed to start never counts) until every
   * task has named itself, so /init lists nothing half-made. */
  for (int i = 0; i < 6000 && *named < (int) made; i++)
    sleep_ms (10);
  made = (ulong) *named;
  write_done (argv[3], made, wanted);

  /* Reap any child that might die; never exit (pids stay stable). */
  for (;;)
    if (sys4 (SYS_wait4, -1, 0, WALL, 0) < 0)
      sleep_ms (3600 * 1000L);
}
