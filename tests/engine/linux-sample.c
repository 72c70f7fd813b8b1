/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * linux-sample.c: the structures the Linux task walk reads, with the kernel's member names and
 * arm64's layout habits, for test-linux without the board's 273 MB vmlinux. Built for AArch64
 * by tests/engine/meson.build, linked at a kernel address, never run; two shapes:
 *
 *   -DSHAPE_OLD   up to 5.13: task_struct.state, .cpu, and the threads on .thread_group
 *                 (thread_node on signal->thread_head exists too)
 *   -DSHAPE_NEW   6.7 and later: __state, thread_info.cpu, no thread_group: the threads are
 *                 only on signal->thread_head through thread_node
 *
 * and, with -DHOSTILE_MM as well, a crafted vmlinux: mm_struct.context lies 1 TiB past
 * mm_struct.pgd, so a walk that trusted it would allocate 1 TiB to read one mm.
 */

#define THREAD_SIZE 16384

typedef int pid_t;

struct list_head
{
  struct list_head *next, *prev;
};

typedef struct
{
  long counter;
} atomic64_t;

typedef struct
{
  unsigned long pgd;
} pgd_t;

typedef struct
{
  atomic64_t id;
  void *vdso;
  unsigned long flags;
} mm_context_t;

struct mm_struct
{
  unsigned long mmap_base;
  unsigned long task_size;
  pgd_t *pgd;
#ifdef HOSTILE_MM
  char hostile_gap[1UL << 40];   /* a type only: no mm_struct is defined below */
#endif
  int map_count;
  unsigned long total_vm;
  mm_context_t context;
};

struct signal_struct
{
  int sigcnt;
  int nr_threads;
  struct list_head thread_head;
  unsigned long flags;
};

struct cpu_context
{
  unsigned long x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
  unsigned long fp, sp, pc;
};

struct thread_struct
{
  struct cpu_context cpu_context;
  unsigned long tp_value;
  unsigned long fault_address;
};

struct thread_info
{
  unsigned long flags;
  unsigned long preempt_count;
#ifdef SHAPE_NEW
  unsigned int cpu;
#endif
};

struct task_struct
{
  struct thread_info thread_info;
#ifdef SHAPE_NEW
  unsigned int __state;
#else
  volatile long state;
#endif
  void *stack;
  int usage;
  unsigned int flags;
#ifdef SHAPE_OLD
  int cpu;
#endif
  int prio;
  struct list_head tasks;
  struct mm_struct *mm;
  struct mm_struct *active_mm;
  int exit_state;
  pid_t pid;
  pid_t tgid;
  struct task_struct *real_parent;
  struct task_struct *parent;
  struct list_head children;
  struct list_head sibling;
  struct task_struct *group_leader;
#ifdef SHAPE_OLD
  struct list_head thread_group;
#endif
  struct list_head thread_node;
  char comm[16];
  struct signal_struct *signal;
  unsigned long atomic_flags;
  /* As on arm64: the thread state last. */
  struct thread_struct thread;
};

struct pt_regs
{
  unsigned long regs[31];
  unsigned long sp;
  unsigned long pc;
  unsigned long pstate;
  unsigned long orig_x0;
  int syscallno;
  unsigned int unused2;
  unsigned long sdei_ttbr1;
  unsigned long pmr_save;
  unsigned long stackframe[2];
  unsigned long lockdep_hardirqs;
  unsigned long exit_rcu;
};

struct task_struct init_task __attribute__ ((aligned (64)));
unsigned long init_stack[THREAD_SIZE / sizeof (unsigned long)];
#ifndef HOSTILE_MM
struct mm_struct linux_sample_mm;
#endif
struct signal_struct linux_sample_signal;
struct pt_regs linux_sample_regs;

int
main (void)
{
  return init_task.pid + (int) init_stack[0];
}
