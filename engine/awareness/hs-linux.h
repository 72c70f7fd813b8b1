/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-linux.h: a Linux guest's tasks and threads, read from its memory.
 *
 * Offsets come from vmlinux's DWARF by member name, never from numbers
 * written here (HsLinuxLayout, looked up once per vmlinux). The guest's
 * memory is untrusted input: the task lists are walked with a bound, cycle
 * detection and a plausibility check on every pointer before it is
 * followed, and every task's values are checked before they are believed.
 *
 * Cost per walk: per task, the few parts of its task_struct that hold the
 * fields a walk decodes (HsLinuxLayout.spans: ~500 of the 4160 bytes on the
 * board's 6.1 arm64 kernel; with a plain reader, the whole structure in one
 * read), ONE small read per distinct mm (pgd and context.id), and a 4-byte
 * read of real_parent->tgid only for a parent that is not itself on the list
 * (normally never). Kernels without task_struct.thread_group (6.7+) add one
 * 8-byte read of signal->thread_head.next per process. With a vectored
 * reader each task's parts take one round trip, and the tasks and mms the
 * previous walk found are read ahead in one batch, so a walk of an unchanged
 * guest costs a few round trips however many tasks it has.
 */
#pragma once

#include <gio/gio.h>

#include "hs-symbol-file.h"

G_BEGIN_DECLS

/* The default bound on one walk (processes and threads together). */
#define HS_LINUX_MAX_TASKS      10000
/* The longest one walk may take: it stops there as at HS_LINUX_MAX_TASKS, with a warning. */
#define HS_LINUX_WALK_SECONDS   10
/* The bound on one process's threads, so one broken thread list cannot eat the whole walk. */
#define HS_LINUX_MAX_THREADS    8192
/* The kernel's PID_MAX_LIMIT (4 M on 64-bit): no pid or tgid is larger. */
#define HS_LINUX_PID_MAX_LIMIT  4194304
/* task->flags: a kernel thread. */
#define HS_LINUX_PF_KTHREAD     0x00200000
/* thread.cpu_context on arm64: x19..x28, fp (x29), sp, pc. */
#define HS_LINUX_N_CPU_CONTEXT  13
#define HS_LINUX_TASK_COMM_LEN  16

/* Reads the guest kernel's virtual memory (the engine walks the guest's stage 1 + 2 and caches
 * per halt). Fills all of @buf or fails. */
typedef gboolean (*HsLinuxReadFunc) (guint64    va,
                                     void      *buf,
                                     gsize      len,
                                     gpointer   user_data,
                                     GError   **error);

/* One piece of a vectored read of guest kernel memory. */
typedef struct
{
  guint64 va;
  void *buf;
  gsize len;
  gboolean ok;                 /* out: all @len bytes read */
} HsLinuxRead;

/* Reads many pieces in few round trips. A piece that cannot be read only gets ok = FALSE; FALSE
 * and @error when the reader itself fails (the probe is gone). */
typedef gboolean (*HsLinuxReadvFunc) (HsLinuxRead  *reads,
                                      guint         n_reads,
                                      gpointer      user_data,
                                      GError      **error);

/* How a walk reads, and what it may read ahead. */
typedef struct
{
  HsLinuxReadFunc read;
  HsLinuxReadvFunc readv;      /* optional */
  gpointer user_data;
  /* Optional, with @readv: the task_structs and mm_structs the previous walk of this guest
   * found. They are read ahead, all at once, before the lists are followed; the walk still
   * follows every link as read now, so a guess that no longer holds costs a wasted read,
   * never a wrong list. */
  const guint64 *expect_tasks;
  guint n_expect_tasks;
  const guint64 *expect_mms;
  guint n_expect_mms;
  /* Optional: a walk cancelled midway stops where it is, with a warning saying so. */
  GCancellable *cancellable;
} HsLinuxReader;

typedef struct
{
  guint64 task;                /* struct task_struct * */
  gint pid, tgid;
  gint ppid;                   /* real_parent->tgid, -1 if unknown */
  char comm[HS_LINUX_TASK_COMM_LEN + 1];
                               /* task->comm, NUL-terminated and always valid UTF-8 without
                                * control characters: bytes that are not are shown as '?' */
  guint64 state;               /* task->__state (6.1), ->state on older kernels */
  guint64 flags;               /* task->flags */
  gboolean kernel_thread;      /* PF_KTHREAD set, or mm == NULL (this includes zombies) */
  gboolean is_thread;          /* a non-leader thread of its group (pid != tgid) */
  guint64 mm;                  /* task->mm; 0 for kernel threads */
  guint64 pgd;                 /* mm->pgd: kernel VA of the top-level table; 0 without an mm
                                * or when it is not a kernel address */
  guint64 asid;                /* mm->context.id (the low 16 bits are the ASID on arm64) */
  gint cpu;                    /* the CPU it last ran on (thread_info.cpu or ->cpu); -1 if
                                * unknown */
  guint64 stack;               /* task->stack: the bottom of its kernel stack */
  guint64 cpu_context[HS_LINUX_N_CPU_CONTEXT];
                               /* thread.cpu_context: x19..x28, fp, sp, pc as saved at its last
                                * switch (meaningless for a task running on a CPU now) */
  gboolean corrupt;            /* impossible values: the other fields are unreliable */
  char *corrupt_reason;        /* why, in words ("pid 4194305 is over the kernel's limit of
                                * 4194304; comm is not text"); NULL unless @corrupt */
} HsLinuxTask;

void hs_linux_task_clear (HsLinuxTask *task);

/* Where one member lives inside its structure. */
typedef struct
{
  guint64 offset;              /* bytes from the start of the structure */
  guint64 size;                /* bytes; 0 when this kernel has no such member */
} HsLinuxField;

/* The offsets and sizes one walk needs, looked up once per vmlinux by hs_linux_layout_new().
 * Public so the engine can read more of a task without asking the DWARF again; treat it as
 * read-only. */
typedef struct
{
  guint64 task_size;           /* sizeof (struct task_struct): the one read per task */
  HsLinuxField tasks;          /* task_struct.tasks: struct list_head linking processes */
  HsLinuxField tasks_next;     /* task_struct.tasks.next */
  gboolean use_thread_group;   /* TRUE: threads through task_struct.thread_group (a circular
                                * list through the group's threads with no head; up to 6.6).
                                * FALSE: through signal->thread_head + thread_node (6.7+) */
  HsLinuxField thread_group;
  HsLinuxField thread_group_next;
  HsLinuxField signal;         /* task_struct.signal */
  HsLinuxField thread_node;    /* task_struct.thread_node, on signal->thread_head */
  HsLinuxField thread_node_next;
  HsLinuxField thread_head;    /* signal_struct.thread_head */
  HsLinuxField thread_head_next;
  HsLinuxField pid;
  HsLinuxField tgid;
  HsLinuxField real_parent;
  HsLinuxField comm;
  HsLinuxField state;          /* __state (6.1) or state */
  HsLinuxField flags;
  HsLinuxField mm;
  HsLinuxField stack;
  HsLinuxField cpu;            /* thread_info.cpu or cpu; size 0 if neither */
  HsLinuxField cpu_context[HS_LINUX_N_CPU_CONTEXT]; /* size 0 when not arm64 */
  HsLinuxField mm_pgd;         /* mm_struct.pgd */
  HsLinuxField mm_context_id;  /* mm_struct.context.id; size 0 when not arm64 */
  /* The parts of task_struct a walk reads (the fields above, merged where close): a walk reads
   * these, not the whole 4 KiB structure. */
  guint n_spans;
  HsLinuxField spans[8];
  guint64 span_bytes;          /* their total size */
  guint64 thread_size;         /* THREAD_SIZE from the size of init_stack or init_thread_union;
                                * 0 if vmlinux does not say */
  guint64 pt_regs_size;        /* sizeof (struct pt_regs); 0 if unknown */
} HsLinuxLayout;

/* Looks the layout up in vmlinux's DWARF. Blocking (the first DWARF query indexes the file):
 * call it on a worker thread, once per vmlinux. Fails when a member the walk cannot do without
 * is missing, naming it. */
HsLinuxLayout *hs_linux_layout_new             (HsSymbolFile         *vmlinux,
                                                GError              **error);
void           hs_linux_layout_free            (HsLinuxLayout        *layout);
guint64        hs_linux_layout_get_thread_size (const HsLinuxLayout  *layout);

/* A task's pt_regs (its user registers, at the top of its kernel stack): stack + THREAD_SIZE -
 * sizeof (struct pt_regs). FALSE when the task has no plausible stack or the layout does not know
 * THREAD_SIZE or sizeof (struct pt_regs). */
gboolean       hs_linux_task_pt_regs           (const HsLinuxLayout  *layout,
                                                const HsLinuxTask    *task,
                                                guint64              *address,
                                                guint64              *size);

/* Walks init_task.tasks (the processes) and each process's threads, appending HsLinuxTask to
 * @tasks in list order: init_task (pid 0, "swapper/0") first, then each process followed by its
 * threads. Give @tasks a clear function: g_array_set_clear_func (tasks, hs_linux_task_clear).
 *
 * @offset: where vmlinux is loaded relative to its link addresses (0 with nokaslr).
 * @max_tasks: the most entries to append; 0 means HS_LINUX_MAX_TASKS.
 *
 * How problems are reported:
 * - FALSE and @error only for a total failure, with nothing appended: no init_task symbol,
 *   init_task unreadable, or init_task not looking like a task (a wrong @offset, or a vmlinux
 *   that is not the running kernel).
 * - TRUE with a partial list when a list breaks: a read fails, a pointer is not a kernel address,
 *   a list loops back anywhere but to its head, or a bound is reached. The broken list (the
 *   process list, or one process's thread list) stops there, the rest of the walk goes on, and
 *   @warning (if not NULL) receives a message naming where (several are joined with "; ").
 *   @warning is set to NULL when the walk was complete.
 * - A task with impossible values (pid or tgid out of range, comm not text, a pointer that is
 *   not a kernel address, an unreadable mm) is still appended, with @corrupt set and
 *   @corrupt_reason saying why; the walk goes on through it.
 */
gboolean       hs_linux_read_tasks             (const HsLinuxLayout  *layout,
                                                HsSymbolFile         *vmlinux,
                                                guint64               offset,
                                                HsLinuxReadFunc       read,
                                                gpointer              user_data,
                                                guint                 max_tasks,
                                                GArray               *tasks,
                                                char                **warning,
                                                GError              **error);

/* hs_linux_read_tasks() with a reader that may read many pieces at once and read ahead. */
gboolean       hs_linux_walk_tasks             (const HsLinuxLayout  *layout,
                                                HsSymbolFile         *vmlinux,
                                                guint64               offset,
                                                const HsLinuxReader  *reader,
                                                guint                 max_tasks,
                                                GArray               *tasks,
                                                char                **warning,
                                                GError              **error);

/* One task, read from its task_struct at @address alone, its ppid included: what a view shows
 * before the lists are walked. Its values are checked as in a walk (@corrupt); FALSE only when
 * it cannot be read at all. Clear @task with hs_linux_task_clear(). */
gboolean       hs_linux_read_task              (const HsLinuxLayout  *layout,
                                                const HsLinuxReader  *reader,
                                                guint64               address,
                                                HsLinuxTask          *task,
                                                GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsLinuxLayout, hs_linux_layout_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsLinuxTask, hs_linux_task_clear)

G_END_DECLS
