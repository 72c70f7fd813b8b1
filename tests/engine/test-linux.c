/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-linux.c: the Linux task walk (engine/awareness/hs-linux.c) on a fake guest memory built
 * here with a kernel's real offsets: task_structs, mm_structs and signal_structs written at
 * addresses the test chooses, init_task at its real symbol address. The reader fails for
 * unbacked addresses and counts its reads, so hostile lists can be shown to stop, and to stop
 * soon.
 *
 * The kernel is linux-sample.c built in two shapes (HS_LINUX_SAMPLE names one: up to 5.13's
 * state/cpu/thread_group, or 6.7's __state/thread_info.cpu/signal->thread_head), or, with
 * --vmlinux (the board's tests), the demo board's own vmlinux (Debian 6.1 arm64).
 * HS_LINUX_HOSTILE_SAMPLE names a crafted one (linux-sample.c with -DHOSTILE_MM), which must be
 * refused.
 */
#define G_LOG_DOMAIN "test-linux"

#include "config.h"

#include "hs-linux.h"

#include <gio/gio.h>
#include <string.h>

#define U64(x) G_GUINT64_CONSTANT (x)

#define TASK_BASE   U64 (0xffff000001000000)  /* task i at TASK_BASE + i * 0x2000 */
#define MM_BASE     U64 (0xffff000002000000)
#define PGD_BASE    U64 (0xffff000003000000)
#define SIGNAL_BASE U64 (0xffff000004000000)
#define STACK_BASE  U64 (0xffff800008000000)  /* vmap'd stacks, 32 KiB apart */
#define UNMAPPED    U64 (0xffff000005000000)  /* never backed */

#define PF_FORKNOEXEC 0x00000040
#define PF_RANDOMIZE  0x00400000
#define PF_NOFREEZE   0x00008000

#define TASK_RUNNING         0x0
#define TASK_INTERRUPTIBLE   0x1
#define TASK_IDLE            0x402

/* ---- the kernel's symbols, loaded once ------------------------------------------------------- */

static HsSymbolFile *vmlinux;   /* the sample or the board's vmlinux */
static HsLinuxLayout *layout;
static gboolean board_kernel;   /* the board's Debian 6.1: facts about it can be checked */

/* The kernel the cases run on: --vmlinux, the board's; else the sample HS_LINUX_SAMPLE names. */
static void
load_kernel (gboolean board)
{
  g_autofree char *path = board ? g_build_filename (g_get_user_cache_dir (), "hyperscope",
                                                    "board", "out", "vmlinux", NULL)
                                : g_strdup (g_getenv ("HS_LINUX_SAMPLE"));
  g_autoptr(GError) error = NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    g_error ("no kernel to test with: %s", board ? path : "HS_LINUX_SAMPLE is not set "
             "(tests/engine/meson.build sets it; is aarch64-linux-gnu-gcc installed?)");
  board_kernel = board;
  vmlinux = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  layout = hs_linux_layout_new (vmlinux, &error);
  g_assert_no_error (error);
  g_assert_nonnull (layout);
}

static gboolean
have_vmlinux (void)
{
  return TRUE;
}

/* The thread list the walk follows: thread_group up to 6.6, signal->thread_head's after. */
static const HsLinuxField *
thread_link (const HsLinuxLayout *l)
{
  return l->use_thread_group ? &l->thread_group : &l->thread_node;
}

static const HsLinuxField *
thread_link_next (const HsLinuxLayout *l)
{
  return l->use_thread_group ? &l->thread_group_next : &l->thread_node_next;
}

static guint64
init_task_address (void)
{
  HsSymbol sym;

  g_assert_true (hs_symbol_file_lookup (vmlinux, "init_task", &sym));
  return sym.address;
}

/* ---- fake guest memory ----------------------------------------------------------------------- */

typedef struct Mem Mem;

/* Serves [va, va + len) itself (TRUE), or leaves it to the pages (FALSE). */
typedef gboolean (*MemGenerator) (Mem *m, guint64 va, guint8 *buf, gsize len);

struct Mem
{
  GHashTable *pages;           /* VA page number (4 KiB) → 4 KiB of bytes */
  guint reads;
  guint64 bytes;
  gsize max_len;
  MemGenerator generate;
};

static Mem *
mem_new (void)
{
  Mem *m = g_new0 (Mem, 1);

  m->pages = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return m;
}

static void
mem_free (Mem *m)
{
  g_hash_table_unref (m->pages);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Mem, mem_free)

static guint8 *
mem_page (Mem      *m,
          guint64   va,
          gboolean  create)
{
  gint64 vpn = (gint64) (va >> 12);
  guint8 *page = g_hash_table_lookup (m->pages, &vpn);

  if (page == NULL && create)
    {
      page = g_malloc0 (4096);
      g_hash_table_insert (m->pages, g_memdup2 (&vpn, sizeof vpn), page);
    }
  return page;
}

static void
mem_write (Mem        *m,
           guint64     va,
           const void *data,
           gsize       len)
{
  const guint8 *in = data;

  while (len > 0)
    {
      gsize n = MIN (len, 4096 - (va & 0xfff));

      memcpy (mem_page (m, va, TRUE) + (va & 0xfff), in, n);
      va += n;
      in += n;
      len -= n;
    }
}

/* Makes [va, va + len) exist, zeroed where new. */
static void
mem_back (Mem     *m,
          guint64  va,
          guint64  len)
{
  for (guint64 p = va & ~U64 (0xfff); p < va + len; p += 4096)
    mem_page (m, p, TRUE);
}

static void
mem_put (Mem     *m,
         guint64  va,
         guint64  value,
         guint64  size)
{
  guint8 le[8];

  g_assert_cmpuint (size, >, 0);
  g_assert_cmpuint (size, <=, 8);
  for (guint i = 0; i < size; i++)
    le[i] = (guint8) (value >> (8 * i));
  mem_write (m, va, le, size);
}

static guint64
mem_get64 (Mem     *m,
           guint64  va)
{
  guint8 *page = mem_page (m, va, FALSE);
  guint64 le;

  g_assert_nonnull (page);
  g_assert_cmpuint (va & 7, ==, 0);
  memcpy (&le, page + (va & 0xfff), 8);
  return GUINT64_FROM_LE (le);
}

static gboolean
mem_read (guint64    va,
          void      *buf,
          gsize      len,
          gpointer   user_data,
          GError   **error)
{
  Mem *m = user_data;
  guint8 *out = buf;

  m->reads++;
  m->bytes += len;
  m->max_len = MAX (m->max_len, len);
  if (m->generate != NULL && m->generate (m, va, buf, len))
    return TRUE;
  while (len > 0)
    {
      guint8 *page = mem_page (m, va, FALSE);
      gsize n = MIN (len, 4096 - (va & 0xfff));

      if (page == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "stage-1 fault at 0x%" G_GINT64_MODIFIER "x (no mapping)", va);
          return FALSE;
        }
      memcpy (out, page + (va & 0xfff), n);
      va += n;
      out += n;
      len -= n;
    }
  return TRUE;
}

/* ---- building tasks -------------------------------------------------------------------------- */

static guint64
task_va (guint i)
{
  return TASK_BASE + i * U64 (0x2000);
}

static guint64
mm_va (guint i)
{
  return MM_BASE + i * U64 (0x1000);
}

static void
put (Mem                *m,
     guint64             base,
     const HsLinuxField *f,
     guint64             value)
{
  g_assert_cmpuint (f->size, >, 0);
  mem_put (m, base + f->offset, value, f->size);
}

static void
list_init (Mem     *m,
           guint64  node)
{
  mem_put (m, node, node, 8);
  mem_put (m, node + 8, node, 8);
}

/* The kernel's list_add_tail (node, head). */
static void
list_add_tail (Mem     *m,
               guint64  node,
               guint64  head)
{
  guint64 prev = mem_get64 (m, head + 8);

  mem_put (m, node, head, 8);
  mem_put (m, node + 8, prev, 8);
  mem_put (m, prev, node, 8);
  mem_put (m, head + 8, node, 8);
}

/* The values each task gets, derived from its address so every field can be checked. */
static guint64
stack_of (guint64 task)
{
  return STACK_BASE + ((task >> 13) & 0xfff) * U64 (0x8000);
}

static guint64
context_of (guint64 task,
            guint   k)
{
  return U64 (0xffff800008c00000) + ((task & 0xffffff) << 4) + k;
}

static gint
cpu_of (guint64 task)
{
  return (gint) ((task >> 13) & 1);
}

/* A process or a thread at @task with its own empty lists; @signal is its group's. */
static void
make_task (Mem        *m,
           guint64     task,
           gint        pid,
           gint        tgid,
           const char *comm,
           guint64     state,
           guint64     flags,
           guint64     mm,
           guint64     parent,
           guint64     signal)
{
  const HsLinuxLayout *l = layout;
  char name[16] = { 0 };

  mem_back (m, task, l->task_size);
  put (m, task, &l->pid, (guint64) pid);
  put (m, task, &l->tgid, (guint64) tgid);
  strncpy (name, comm, sizeof name - 1);
  g_assert_cmpuint (l->comm.size, ==, sizeof name);
  mem_write (m, task + l->comm.offset, name, sizeof name);
  put (m, task, &l->state, state);
  put (m, task, &l->flags, flags);
  put (m, task, &l->mm, mm);
  put (m, task, &l->real_parent, parent);
  put (m, task, &l->stack, stack_of (task));
  put (m, task, &l->cpu, (guint64) cpu_of (task));
  for (guint k = 0; k < HS_LINUX_N_CPU_CONTEXT; k++)
    put (m, task, &l->cpu_context[k], context_of (task, k));
  list_init (m, task + l->tasks.offset);
  if (l->thread_group.size != 0)
    list_init (m, task + l->thread_group.offset);
  list_init (m, task + l->thread_node.offset);
  put (m, task, &l->signal, signal);
}

static void
make_mm (Mem     *m,
         guint64  mm,
         guint64  pgd,
         guint64  context_id)
{
  put (m, mm, &layout->mm_pgd, pgd);
  put (m, mm, &layout->mm_context_id, context_id);
}

static guint64
make_signal (Mem  *m,
             guint i)
{
  guint64 signal = SIGNAL_BASE + i * U64 (0x400);

  mem_back (m, signal, 0x400);
  list_init (m, signal + layout->thread_head.offset);
  return signal;
}

/* A new process: on init_task.tasks and on its own signal->thread_head. */
static void
add_process (Mem        *m,
             guint64     init_task,
             guint64     task,
             gint        pid,
             const char *comm,
             guint64     state,
             guint64     flags,
             guint64     mm,
             guint64     parent)
{
  guint64 signal = make_signal (m, (guint) ((task - TASK_BASE) >> 13));

  make_task (m, task, pid, pid, comm, state, flags, mm, parent, signal);
  list_add_tail (m, task + layout->tasks.offset, init_task + layout->tasks.offset);
  list_add_tail (m, task + layout->thread_node.offset, signal + layout->thread_head.offset);
}

/* A new thread of @leader's group: on thread_group and on signal->thread_head. */
static void
add_thread (Mem        *m,
            guint64     leader,
            guint64     task,
            gint        pid,
            const char *comm)
{
  const HsLinuxLayout *l = layout;
  guint64 signal = mem_get64 (m, leader + l->signal.offset);
  guint8 raw[8] = { 0 };
  guint64 tgid, mm, parent;

  g_assert_true (mem_read (leader + l->tgid.offset, raw, l->tgid.size, m, NULL));
  tgid = raw[0] | raw[1] << 8 | raw[2] << 16 | (guint64) raw[3] << 24;
  mm = mem_get64 (m, leader + l->mm.offset);
  parent = mem_get64 (m, leader + l->real_parent.offset);
  make_task (m, task, pid, (gint) tgid, comm, TASK_INTERRUPTIBLE, PF_RANDOMIZE, mm, parent,
             signal);
  if (l->thread_group.size != 0)
    list_add_tail (m, task + l->thread_group.offset, leader + l->thread_group.offset);
  list_add_tail (m, task + l->thread_node.offset, signal + l->thread_head.offset);
}

/*
 * The guest every case starts from, like a board guest in miniature:
 *
 *   [0] pid 0  swapper/0      init_task (real address), kernel thread
 *   [1] pid 1  init           mm 0, parent swapper
 *   [2] pid 2  kthreadd       kernel thread, parent swapper
 *   [3] pid 3  rcu_gp         kernel thread, parent kthreadd
 *   [4] pid 40 guest1_ticker  mm 1, parent init, with two threads:
 *   [5] pid 41 guest1_ticker    thread
 *   [6] pid 42 worker           thread
 *   [7] pid 50 sleep          mm 2, parent guest1_ticker
 *
 * Tasks i = 1.. live at task_va (i); reads: 8 task_structs and 3 mms.
 */
#define N_BOARD_TASKS 8
#define N_BOARD_MMS   3

static Mem *
make_board (guint64 offset)
{
  const HsLinuxLayout *l = layout;
  Mem *m = mem_new ();
  guint64 init = init_task_address () + offset;
  guint64 signal = make_signal (m, 0);

  make_task (m, init, 0, 0, "swapper/0", TASK_RUNNING, HS_LINUX_PF_KTHREAD, 0, init, signal);
  list_add_tail (m, init + l->thread_node.offset, signal + l->thread_head.offset);

  for (guint i = 0; i < 3; i++)
    make_mm (m, mm_va (i), PGD_BASE + i * U64 (0x1000), (U64 (1) << 16) | (i + 5));

  add_process (m, init, task_va (1), 1, "init", TASK_INTERRUPTIBLE, PF_RANDOMIZE, mm_va (0),
               init);
  add_process (m, init, task_va (2), 2, "kthreadd", TASK_INTERRUPTIBLE,
               HS_LINUX_PF_KTHREAD | PF_NOFREEZE, 0, init);
  add_process (m, init, task_va (3), 3, "rcu_gp", TASK_IDLE,
               HS_LINUX_PF_KTHREAD | PF_FORKNOEXEC, 0, task_va (2));
  add_process (m, init, task_va (4), 40, "guest1_ticker", TASK_INTERRUPTIBLE, PF_RANDOMIZE,
               mm_va (1), task_va (1));
  add_thread (m, task_va (4), task_va (5), 41, "guest1_ticker");
  add_thread (m, task_va (4), task_va (6), 42, "worker");
  add_process (m, init, task_va (7), 50, "sleep", TASK_INTERRUPTIBLE, PF_RANDOMIZE, mm_va (2),
               task_va (4));
  m->reads = 0;
  m->bytes = 0;
  m->max_len = 0;
  return m;
}

static GArray *
task_array (void)
{
  GArray *tasks = g_array_new (FALSE, TRUE, sizeof (HsLinuxTask));

  g_array_set_clear_func (tasks, (GDestroyNotify) hs_linux_task_clear);
  return tasks;
}

static HsLinuxTask *
nth (GArray *tasks,
     guint   i)
{
  g_assert_cmpuint (i, <, tasks->len);
  return &g_array_index (tasks, HsLinuxTask, i);
}

/* Walks @m with the given bound; the walk must succeed. Returns the warning. */
static char *
walk (Mem                 *m,
      const HsLinuxLayout *l,
      guint64              offset,
      guint                max_tasks,
      GArray              *tasks)
{
  g_autoptr(GError) error = NULL;
  char *warning = NULL;
  gboolean ok;

  ok = hs_linux_read_tasks (l, vmlinux, offset, mem_read, m, max_tasks, tasks, &warning, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return warning;
}

static void
assert_task (GArray     *tasks,
             guint       i,
             guint64     address,
             gint        pid,
             gint        tgid,
             gint        ppid,
             const char *comm)
{
  HsLinuxTask *t = nth (tasks, i);

  g_assert_cmpuint (t->task, ==, address);
  g_assert_cmpint (t->pid, ==, pid);
  g_assert_cmpint (t->tgid, ==, tgid);
  g_assert_cmpint (t->ppid, ==, ppid);
  g_assert_cmpstr (t->comm, ==, comm);
}

static void
assert_board_order (GArray *tasks,
                    guint   first,
                    guint64 init)
{
  assert_task (tasks, first + 0, init, 0, 0, 0, "swapper/0");
  assert_task (tasks, first + 1, task_va (1), 1, 1, 0, "init");
  assert_task (tasks, first + 2, task_va (2), 2, 2, 0, "kthreadd");
  assert_task (tasks, first + 3, task_va (3), 3, 3, 2, "rcu_gp");
  assert_task (tasks, first + 4, task_va (4), 40, 40, 1, "guest1_ticker");
  assert_task (tasks, first + 5, task_va (5), 41, 40, 1, "guest1_ticker");
  assert_task (tasks, first + 6, task_va (6), 42, 40, 1, "worker");
  assert_task (tasks, first + 7, task_va (7), 50, 50, 40, "sleep");
}

static void
assert_intact (GArray *tasks)
{
  for (guint i = 0; i < tasks->len; i++)
    {
      HsLinuxTask *t = nth (tasks, i);

      if (t->corrupt)
        g_error ("task %u (pid %d) is marked corrupt: %s", i, t->pid, t->corrupt_reason);
      g_assert_null (t->corrupt_reason);
    }
}

/* The reads of signal->thread_head a walk makes of @processes processes: one each, on a kernel
 * without thread_group. */
static guint
head_reads (guint processes)
{
  return layout->use_thread_group ? 0 : processes;
}

/* ---- cases ----------------------------------------------------------------------------------- */

static void
test_layout (void)
{
  guint64 size = 0;
  g_autoptr(GError) error = NULL;

  if (!have_vmlinux ())
    return;

  /* Debian 6.1.0 cloud-arm64: these are facts about the board's kernel; a sample's shape says
   * which thread list it has. */
  if (board_kernel)
    {
      g_assert_cmpuint (layout->task_size, ==, 4160);
      g_assert_true (layout->use_thread_group);
    }
  else
    g_assert_true (layout->use_thread_group
                   == hs_symbol_file_member (vmlinux, "task_struct", "thread_group", NULL, NULL,
                                             NULL));
  g_assert_true (hs_symbol_file_get_type_size (vmlinux, "struct task_struct", &size, &error));
  g_assert_cmpuint (layout->task_size, ==, size);
  g_assert_cmpuint (hs_linux_layout_get_thread_size (layout), ==, 16 * 1024);
  g_assert_true (hs_symbol_file_get_type_size (vmlinux, "struct pt_regs", &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (layout->pt_regs_size, ==, size);
  g_assert_cmpuint (layout->tasks.size, ==, 16);
  g_assert_cmpuint (layout->tasks_next.offset, ==, layout->tasks.offset);
  g_assert_cmpuint (layout->pid.size, ==, 4);
  g_assert_cmpuint (layout->comm.size, ==, 16);
  g_assert_cmpuint (layout->cpu.size, ==, 4);
  g_assert_cmpuint (layout->mm_context_id.size, ==, 8);
  g_assert_cmpuint (layout->thread_node.size, ==, 16);
  g_assert_cmpuint (layout->thread_head.size, ==, 16);
  /* thread.cpu_context is x19..x28, fp, sp, pc, back to back. */
  for (guint k = 1; k < HS_LINUX_N_CPU_CONTEXT; k++)
    g_assert_cmpuint (layout->cpu_context[k].offset, ==, layout->cpu_context[0].offset + 8 * k);

  /* Each member the same as asking the DWARF directly. */
  {
    guint64 offset = 0;

    g_assert_true (hs_symbol_file_member (vmlinux, "task_struct", "tasks.next", &offset, &size,
                                          &error));
    g_assert_no_error (error);
    g_assert_cmpuint (layout->tasks_next.offset, ==, offset);
    /* 5.14 renamed state to __state; 5.16 moved cpu into thread_info. */
    if (!hs_symbol_file_member (vmlinux, "task_struct", "__state", &offset, &size, NULL))
      g_assert_true (hs_symbol_file_member (vmlinux, "task_struct", "state", &offset, &size,
                                            &error));
    g_assert_no_error (error);
    g_assert_cmpuint (layout->state.offset, ==, offset);
    g_assert_cmpuint (layout->state.size, ==, size);
    if (!hs_symbol_file_member (vmlinux, "task_struct", "thread_info.cpu", &offset, &size, NULL))
      g_assert_true (hs_symbol_file_member (vmlinux, "task_struct", "cpu", &offset, &size,
                                            &error));
    g_assert_no_error (error);
    g_assert_cmpuint (layout->cpu.offset, ==, offset);
  }
}

static void
test_walk (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *warning = NULL;
  guint64 init;

  if (!have_vmlinux ())
    return;

  m = make_board (0);
  tasks = task_array ();
  init = init_task_address ();
  if (board_kernel)
    g_assert_cmpuint (init, ==, U64 (0xffff800009828c80));
  warning = walk (m, layout, 0, 0, tasks);
  g_assert_null (warning);
  g_assert_cmpuint (tasks->len, ==, N_BOARD_TASKS);
  assert_board_order (tasks, 0, init);
  assert_intact (tasks);

  /* Cost: one whole-task_struct read per task, one read per distinct mm, and (6.7+) one per
   * process for its signal->thread_head; nothing else. */
  g_assert_cmpuint (m->reads, ==, N_BOARD_TASKS + N_BOARD_MMS + head_reads (6));
  g_assert_cmpuint (m->max_len, ==, layout->task_size);

  for (guint i = 0; i < tasks->len; i++)
    {
      HsLinuxTask *t = nth (tasks, i);

      g_assert_cmpuint (t->stack, ==, stack_of (t->task));
      g_assert_cmpint (t->cpu, ==, cpu_of (t->task));
      for (guint k = 0; k < HS_LINUX_N_CPU_CONTEXT; k++)
        g_assert_cmpuint (t->cpu_context[k], ==, context_of (t->task, k));
    }

  /* Kernel threads: PF_KTHREAD and no mm. */
  for (guint i = 0; i < tasks->len; i++)
    {
      HsLinuxTask *t = nth (tasks, i);
      gboolean kthread = i == 0 || i == 2 || i == 3;

      g_assert_true (t->kernel_thread == kthread);
      if (kthread)
        {
          g_assert_cmpuint (t->flags & HS_LINUX_PF_KTHREAD, !=, 0);
          g_assert_cmpuint (t->mm, ==, 0);
          g_assert_cmpuint (t->pgd, ==, 0);
          g_assert_cmpuint (t->asid, ==, 0);
        }
      /* Threads: pid != tgid. */
      g_assert_true (t->is_thread == (i == 5 || i == 6));
    }

  g_assert_cmpuint (nth (tasks, 0)->state, ==, TASK_RUNNING);
  g_assert_cmpuint (nth (tasks, 3)->state, ==, TASK_IDLE);
  g_assert_cmpuint (nth (tasks, 3)->flags, ==, HS_LINUX_PF_KTHREAD | PF_FORKNOEXEC);
  g_assert_cmpuint (nth (tasks, 1)->state, ==, TASK_INTERRUPTIBLE);
  g_assert_cmpuint (nth (tasks, 1)->flags, ==, PF_RANDOMIZE);

  /* The mm: pgd and context.id; threads share their leader's. */
  g_assert_cmpuint (nth (tasks, 1)->mm, ==, mm_va (0));
  g_assert_cmpuint (nth (tasks, 1)->pgd, ==, PGD_BASE);
  g_assert_cmpuint (nth (tasks, 1)->asid, ==, (U64 (1) << 16) | 5);
  for (guint i = 4; i <= 6; i++)
    {
      g_assert_cmpuint (nth (tasks, i)->mm, ==, mm_va (1));
      g_assert_cmpuint (nth (tasks, i)->pgd, ==, PGD_BASE + 0x1000);
      g_assert_cmpuint (nth (tasks, i)->asid & 0xffff, ==, 6);
    }
  g_assert_cmpuint (nth (tasks, 7)->pgd, ==, PGD_BASE + 0x2000);
  g_assert_cmpuint (nth (tasks, 7)->asid, ==, (U64 (1) << 16) | 7);

  /* A second walk appends after what the array holds. */
  g_free (g_steal_pointer (&warning));
  warning = walk (m, layout, 0, 0, tasks);
  g_assert_null (warning);
  g_assert_cmpuint (tasks->len, ==, 2 * N_BOARD_TASKS);
  assert_board_order (tasks, N_BOARD_TASKS, init);
}

/* 6.7+ kernels have no thread_group: threads come from signal->thread_head and thread_node. */
static void
test_thread_node (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *warning = NULL;
  HsLinuxLayout l;

  if (!have_vmlinux ())
    return;

  l = *layout;
  l.use_thread_group = FALSE;
  m = make_board (0);
  tasks = task_array ();
  warning = walk (m, &l, 0, 0, tasks);
  g_assert_null (warning);
  g_assert_cmpuint (tasks->len, ==, N_BOARD_TASKS);
  assert_board_order (tasks, 0, init_task_address ());
  assert_intact (tasks);
  /* One more small read per process: its signal->thread_head. */
  g_assert_cmpuint (m->reads, ==, N_BOARD_TASKS + N_BOARD_MMS + 6);
}

/* With KASLR, init_task is at its link address plus the offset. */
static void
test_offset (void)
{
  const guint64 offset = U64 (0x1234000);
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;

  if (!have_vmlinux ())
    return;

  m = make_board (offset);
  tasks = task_array ();
  warning = walk (m, layout, offset, 0, tasks);
  g_assert_null (warning);
  assert_board_order (tasks, 0, init_task_address () + offset);

  /* Forgetting the offset: init_task's link address holds nothing. */
  g_array_set_size (tasks, 0);
  g_assert_false (hs_linux_read_tasks (layout, vmlinux, 0, mem_read, m, 0, tasks, &warning,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "init_task"));
  g_assert_cmpuint (tasks->len, ==, 0);
  g_clear_error (&error);

  /* A load offset that lands on readable zeros: not a task, said so. */
  mem_back (m, init_task_address (), layout->task_size);
  g_assert_false (hs_linux_read_tasks (layout, vmlinux, 0, mem_read, m, 0, tasks, &warning,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "does not look like"));
  g_assert_nonnull (strstr (error->message, "load offset"));
  g_assert_cmpuint (tasks->len, ==, 0);
  g_assert_null (warning);
}

static void
test_init_task_unreadable (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *where = NULL;

  if (!have_vmlinux ())
    return;

  m = mem_new ();
  tasks = task_array ();
  g_assert_false (hs_linux_read_tasks (layout, vmlinux, 0, mem_read, m, 0, tasks, &warning,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  where = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", init_task_address ());
  g_assert_nonnull (strstr (error->message, where));
  g_assert_nonnull (strstr (error->message, "stage-1 fault"));
  g_assert_cmpuint (tasks->len, ==, 0);
  g_assert_null (warning);
  g_assert_cmpuint (m->reads, ==, 1);
}

/* The process list loops back to its 3rd task (kthreadd) instead of to init_task. */
static void
test_cycle (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *warning = NULL;

  if (!have_vmlinux ())
    return;

  m = make_board (0);
  mem_put (m, task_va (7) + layout->tasks_next.offset, task_va (2) + layout->tasks.offset, 8);
  tasks = task_array ();
  warning = walk (m, layout, 0, 0, tasks);
  g_test_message ("%s", warning);
  g_assert_nonnull (warning);
  g_assert_true (g_str_has_prefix (warning, "the process list stops after pid 50 \"sleep\""));
  g_assert_nonnull (strstr (warning, "loops back to pid 2 \"kthreadd\""));
  g_assert_cmpuint (tasks->len, ==, N_BOARD_TASKS);
  assert_board_order (tasks, 0, init_task_address ());
  assert_intact (tasks);
  /* No task was read twice. */
  g_assert_cmpuint (m->reads, <=, N_BOARD_TASKS + N_BOARD_MMS + head_reads (6));

  /* A task that points at itself. */
  g_array_set_size (tasks, 0);
  g_clear_pointer (&warning, g_free);
  mem_put (m, task_va (2) + layout->tasks_next.offset, task_va (2) + layout->tasks.offset, 8);
  m->reads = 0;
  warning = walk (m, layout, 0, 0, tasks);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "loops back"));
  g_assert_cmpuint (tasks->len, ==, 3);
  g_assert_cmpuint (m->reads, <=, 3 + 1 + head_reads (3));
}

/* A thread list that loops back to a thread, not to its leader: that group stops, the process
 * list goes on. */
static void
test_thread_cycle (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *warning = NULL;

  if (!have_vmlinux ())
    return;

  m = make_board (0);
  mem_put (m, task_va (6) + thread_link_next (layout)->offset,
           task_va (5) + thread_link (layout)->offset, 8);
  tasks = task_array ();
  warning = walk (m, layout, 0, 0, tasks);
  g_test_message ("%s", warning);
  g_assert_nonnull (warning);
  g_assert_true (g_str_has_prefix (warning, "the thread list of pid 40 \"guest1_ticker\""));
  g_assert_nonnull (strstr (warning, "stops after pid 42 \"worker\""));
  g_assert_nonnull (strstr (warning, "loops back to pid 41"));
  g_assert_cmpuint (tasks->len, ==, N_BOARD_TASKS);
  assert_board_order (tasks, 0, init_task_address ());
  g_assert_cmpuint (m->reads, <=, N_BOARD_TASKS + N_BOARD_MMS + head_reads (6));
}

/* A pointer outside the kernel's half of the address space, or misaligned, is never followed. */
static void
test_bad_pointer (void)
{
  static const struct
  {
    guint64 pointer;
    const char *problem;
  } bad[] = {
    { U64 (0x0000aaaab0001000), "not a kernel address" },  /* a user address */
    { U64 (0x00000000deadbeef), "not a kernel address" },
    { U64 (0xfffe000001000000), "not a kernel address" },  /* not all top 16 bits set */
    { U64 (0xffff000000000010), "not a kernel address" },  /* its task_struct would not be */
    { TASK_BASE + 0x2000 * 3 + 0x484, "is misaligned" },
    { U64 (0), "0x0 is NULL" },
  };

  if (!have_vmlinux ())
    return;

  for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
    {
      g_autoptr(Mem) m = make_board (0);
      g_autoptr(GArray) tasks = task_array ();
      g_autofree char *warning = NULL;
      g_autofree char *hex = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", bad[b].pointer);

      mem_put (m, task_va (1) + layout->tasks_next.offset, bad[b].pointer, 8);
      warning = walk (m, layout, 0, 0, tasks);
      g_test_message ("%s", warning);
      g_assert_nonnull (warning);
      g_assert_true (g_str_has_prefix (warning, "the process list stops after pid 1 \"init\""));
      g_assert_nonnull (strstr (warning, hex));
      g_assert_nonnull (strstr (warning, bad[b].problem));
      g_assert_cmpuint (tasks->len, ==, 2);
      assert_task (tasks, 1, task_va (1), 1, 1, 0, "init");
      g_assert_cmpuint (m->reads, ==, 2 + 1 + head_reads (2));
    }

  /* The same inside a thread list: the other processes are still shown. */
  {
    g_autoptr(Mem) m = make_board (0);
    g_autoptr(GArray) tasks = task_array ();
    g_autofree char *warning = NULL;

    mem_put (m, task_va (5) + thread_link_next (layout)->offset, U64 (0x1000), 8);
    warning = walk (m, layout, 0, 0, tasks);
    g_test_message ("%s", warning);
    g_assert_true (g_str_has_prefix (warning, "the thread list of pid 40"));
    g_assert_nonnull (strstr (warning, "stops after pid 41"));
    g_assert_nonnull (strstr (warning, "its next pointer 0x1000 is not a kernel address"));
    g_assert_cmpuint (tasks->len, ==, N_BOARD_TASKS - 1);
    assert_task (tasks, 5, task_va (5), 41, 40, 1, "guest1_ticker");
    assert_task (tasks, 6, task_va (7), 50, 50, 40, "sleep");
  }
}

/* Impossible values mark the task corrupt; the walk goes on through it. */
static void
test_corrupt_values (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *warning = NULL;
  HsLinuxTask *t;

  if (!have_vmlinux ())
    return;

  m = make_board (0);
  put (m, task_va (2), &layout->pid, HS_LINUX_PID_MAX_LIMIT + 1);
  mem_write (m, task_va (3) + layout->comm.offset, "rcu\x01gp\0", 8);
  /* U+0085, a C1 control character: valid UTF-8, not text. */
  mem_write (m, task_va (6) + layout->comm.offset, "a\xc2\x85" "b\0", 5);
  put (m, task_va (7), &layout->pid, (guint64) -5);
  put (m, task_va (7), &layout->tgid, (guint64) -5);
  tasks = task_array ();
  warning = walk (m, layout, 0, 0, tasks);
  g_assert_null (warning);
  g_assert_cmpuint (tasks->len, ==, N_BOARD_TASKS);

  t = nth (tasks, 2);
  g_test_message ("%s", t->corrupt_reason);
  g_assert_true (t->corrupt);
  g_assert_cmpint (t->pid, ==, HS_LINUX_PID_MAX_LIMIT + 1);
  g_assert_cmpstr (t->corrupt_reason, ==, "pid 4194305 is over the kernel's limit of 4194304");
  g_assert_cmpstr (t->comm, ==, "kthreadd");

  t = nth (tasks, 3);
  g_test_message ("%s", t->corrupt_reason);
  g_assert_true (t->corrupt);
  g_assert_cmpstr (t->comm, ==, "rcu?gp");
  g_assert_cmpstr (t->corrupt_reason, ==, "comm is not text (byte 0x01 at position 3)");
  /* ppid is the parent's tgid, which is intact. */
  g_assert_cmpint (t->ppid, ==, 2);

  t = nth (tasks, 7);
  g_test_message ("%s", t->corrupt_reason);
  g_assert_true (t->corrupt);
  g_assert_nonnull (strstr (t->corrupt_reason, "pid -5 is negative"));
  g_assert_nonnull (strstr (t->corrupt_reason, "thread group id -5 is negative"));

  t = nth (tasks, 6);
  g_assert_true (t->corrupt);
  g_assert_cmpstr (t->comm, ==, "a??b");
  g_assert_cmpstr (t->corrupt_reason, ==, "comm is not text (character U+0085 at position 1)");

  /* The others are intact. */
  for (guint i = 0; i < tasks->len; i++)
    if (i != 2 && i != 3 && i != 6 && i != 7)
      {
        g_assert_false (nth (tasks, i)->corrupt);
        g_assert_null (nth (tasks, i)->corrupt_reason);
      }
  assert_task (tasks, 4, task_va (4), 40, 40, 1, "guest1_ticker");
}

/* More impossible values: a name with no NUL, an empty one, UTF-8, stray pointers. */
static void
test_corrupt_more (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *warning = NULL;

  if (!have_vmlinux ())
    return;

  m = make_board (0);
  mem_write (m, task_va (1) + layout->comm.offset, "0123456789abcdef", 16);
  mem_write (m, task_va (2) + layout->comm.offset, "\0\0\0\0", 4);
  put (m, task_va (2), &layout->pid, 0);
  put (m, task_va (2), &layout->tgid, 0);
  /* "kworker/ü-é€" cut by the kernel after 15 bytes, in the middle of the €. */
  mem_write (m, task_va (3) + layout->comm.offset, "kworker/\xc3\xbc-\xc3\xa9\xe2\x82\0", 16);
  put (m, task_va (4), &layout->mm, U64 (0x0000ffff12345000));
  put (m, task_va (5), &layout->tgid, 99);
  put (m, task_va (6), &layout->stack, U64 (0x0000000012345000));
  put (m, task_va (6), &layout->cpu, 100000);
  make_mm (m, mm_va (2), U64 (0x40001000), 7);
  tasks = task_array ();
  warning = walk (m, layout, 0, 0, tasks);
  g_assert_null (warning);
  g_assert_cmpuint (tasks->len, ==, N_BOARD_TASKS);

  g_assert_cmpstr (nth (tasks, 1)->comm, ==, "0123456789abcdef");
  g_assert_cmpstr (nth (tasks, 1)->corrupt_reason, ==, "comm is not NUL-terminated");
  g_assert_cmpstr (nth (tasks, 2)->comm, ==, "");
  g_assert_cmpstr (nth (tasks, 2)->corrupt_reason, ==,
                   "pid 0 belongs to the idle tasks, which are never on the task lists; "
                   "comm is empty");
  /* A name cut inside a UTF-8 character is no corruption: the partial character is dropped. */
  g_assert_false (nth (tasks, 3)->corrupt);
  g_assert_cmpstr (nth (tasks, 3)->comm, ==, "kworker/\xc3\xbc-\xc3\xa9");
  g_assert_cmpstr (nth (tasks, 4)->corrupt_reason, ==,
                   "its mm 0xffff12345000 is not a kernel address");
  g_assert_cmpuint (nth (tasks, 4)->pgd, ==, 0);
  g_assert_cmpstr (nth (tasks, 5)->corrupt_reason, ==,
                   "its thread group id 99 differs from its group leader's 40");
  g_assert_true (nth (tasks, 6)->corrupt);
  g_test_message ("%s", nth (tasks, 6)->corrupt_reason);
  g_assert_nonnull (strstr (nth (tasks, 6)->corrupt_reason, "kernel stack 0x12345000"));
  g_assert_nonnull (strstr (nth (tasks, 6)->corrupt_reason, "CPU 100000"));
  g_assert_cmpint (nth (tasks, 6)->cpu, ==, -1);
  g_assert_false (hs_linux_task_pt_regs (layout, nth (tasks, 6), NULL, NULL));
  g_assert_cmpstr (nth (tasks, 7)->corrupt_reason, ==,
                   "its page table (mm->pgd) 0x40001000 is not a kernel address");
  g_assert_cmpuint (nth (tasks, 7)->pgd, ==, 0);

  /* An mm that cannot be read. */
  {
    g_autoptr(GArray) again = task_array ();
    g_autofree char *warning2 = NULL;

    put (m, task_va (7), &layout->mm, UNMAPPED);
    warning2 = walk (m, layout, 0, 0, again);
    g_assert_null (warning2);
    g_test_message ("%s", nth (again, 7)->corrupt_reason);
    g_assert_nonnull (strstr (nth (again, 7)->corrupt_reason, "cannot read its mm at 0x"));
    g_assert_nonnull (strstr (nth (again, 7)->corrupt_reason, "stage-1 fault"));
  }
}

/* A task that cannot be read stops its list, naming the address. */
static void
test_unreadable (void)
{
  if (!have_vmlinux ())
    return;

  {
    g_autoptr(Mem) m = make_board (0);
    g_autoptr(GArray) tasks = task_array ();
    g_autofree char *warning = NULL;

    mem_put (m, task_va (3) + layout->tasks_next.offset, UNMAPPED + layout->tasks.offset, 8);
    warning = walk (m, layout, 0, 0, tasks);
    g_test_message ("%s", warning);
    g_assert_nonnull (warning);
    g_assert_true (g_str_has_prefix (warning, "the process list stops after pid 3 \"rcu_gp\""));
    g_assert_nonnull (strstr (warning, "cannot read the next task_struct at 0xffff000005000000"));
    g_assert_nonnull (strstr (warning, "stage-1 fault"));
    g_assert_cmpuint (tasks->len, ==, 4);
    assert_intact (tasks);
  }

  /* In a thread list: the thread list stops, the processes go on. */
  {
    g_autoptr(Mem) m = make_board (0);
    g_autoptr(GArray) tasks = task_array ();
    g_autofree char *warning = NULL;

    mem_put (m, task_va (4) + thread_link_next (layout)->offset,
             UNMAPPED + thread_link (layout)->offset, 8);
    warning = walk (m, layout, 0, 0, tasks);
    g_test_message ("%s", warning);
    g_assert_nonnull (warning);
    g_assert_true (g_str_has_prefix (warning, "the thread list of pid 40"));
    g_assert_nonnull (strstr (warning, "stops at its start: cannot read the task_struct at "
                                       "0xffff000005000000"));
    g_assert_cmpuint (tasks->len, ==, N_BOARD_TASKS - 2);
    assert_task (tasks, 5, task_va (7), 50, 50, 40, "sleep");
  }
}

/* Several broken lists: every problem is reported, joined into one warning. */
static void
test_several_problems (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *warning = NULL;
  g_auto(GStrv) parts = NULL;

  if (!have_vmlinux ())
    return;

  m = make_board (0);
  mem_put (m, task_va (5) + thread_link_next (layout)->offset,
           UNMAPPED + thread_link (layout)->offset, 8);
  mem_put (m, task_va (7) + layout->tasks_next.offset, U64 (0xdead0000), 8);
  tasks = task_array ();
  warning = walk (m, layout, 0, 0, tasks);
  g_test_message ("%s", warning);
  parts = g_strsplit (warning, "; ", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  g_assert_true (g_str_has_prefix (parts[0], "the thread list of pid 40"));
  g_assert_nonnull (strstr (parts[0], "stops after pid 41"));
  g_assert_nonnull (strstr (parts[0], "cannot read the task_struct at 0xffff000005000000"));
  g_assert_true (g_str_has_prefix (parts[1], "the process list stops after pid 50"));
  g_assert_nonnull (strstr (parts[1], "its next pointer 0xdead0000 is not a kernel address"));
  g_assert_cmpuint (tasks->len, ==, N_BOARD_TASKS - 1);

  /* Ten broken thread lists: eight are told, the rest counted. */
  {
    g_autoptr(Mem) m2 = make_board (0);
    g_autoptr(GArray) tasks2 = task_array ();
    g_autofree char *warning2 = NULL;
    g_auto(GStrv) parts2 = NULL;

    for (guint i = 0; i < 10; i++)
      {
        add_process (m2, init_task_address (), task_va (20 + i), 60 + i, "sh", TASK_INTERRUPTIBLE,
                     PF_RANDOMIZE, mm_va (0), task_va (1));
        mem_put (m2, task_va (20 + i) + thread_link_next (layout)->offset,
                 UNMAPPED + thread_link (layout)->offset, 8);
      }
    warning2 = walk (m2, layout, 0, 0, tasks2);
    g_assert_cmpuint (tasks2->len, ==, N_BOARD_TASKS + 10);
    parts2 = g_strsplit (warning2, "; ", -1);
    g_assert_cmpuint (g_strv_length (parts2), ==, 9);
    g_assert_nonnull (strstr (parts2[0], "the thread list of pid 60 \"sh\""));
    g_assert_nonnull (strstr (parts2[7], "the thread list of pid 67 \"sh\""));
    g_assert_cmpstr (parts2[8], ==, "and 2 more problems");
  }
}

static void
test_max_tasks (void)
{
  if (!have_vmlinux ())
    return;

  for (guint max = 1; max <= N_BOARD_TASKS + 1; max++)
    {
      g_autoptr(Mem) m = make_board (0);
      g_autoptr(GArray) tasks = task_array ();
      g_autofree char *warning = walk (m, layout, 0, max, tasks);

      g_assert_cmpuint (tasks->len, ==, MIN (max, N_BOARD_TASKS));
      if (max < N_BOARD_TASKS)
        {
          g_assert_nonnull (warning);
          g_assert_nonnull (strstr (warning, "the walk stops at"));
        }
      else
        g_assert_null (warning);
      assert_task (tasks, 0, init_task_address (), 0, 0, 0, "swapper/0");
      /* Nothing is read past the bound. */
      g_assert_cmpuint (m->reads, <=, MIN (max, N_BOARD_TASKS) + N_BOARD_MMS + head_reads (6));
    }
}

/* ---- endless lists, made up on the fly --------------------------------------------------- */

#define ENDLESS_BASE U64 (0xffff000100000000)
#define ENDLESS_STRIDE U64 (0x1100)
#define ENDLESS_SIGNALS U64 (0xffff000200000000)   /* task i's signal_struct (6.7+) */
#define ENDLESS_SIGNAL_STRIDE U64 (0x100)

typedef enum
{
  ENDLESS_PROCESSES,           /* every made-up task's tasks.next points to the next one */
  ENDLESS_THREADS,             /* ... and its thread_group.next, too */
} EndlessKind;

static EndlessKind endless_kind;

static void
poke (guint8             *buf,
      const HsLinuxField *f,
      guint64             value)
{
  for (guint i = 0; i < f->size; i++)
    buf[f->offset + i] = (guint8) (value >> (8 * i));
}

/* Task i at ENDLESS_BASE + i * ENDLESS_STRIDE: pid i + 100, a kernel thread. */
static gboolean
endless_generate (Mem     *m,
                  guint64  va,
                  guint8  *buf,
                  gsize    len)
{
  const HsLinuxLayout *l = layout;
  guint64 i, task, next;

  /* A made-up process's signal->thread_head: a list of just its own thread_node. */
  if (va >= ENDLESS_SIGNALS && va < ENDLESS_SIGNALS + (U64 (1) << 32))
    {
      guint64 head = va;

      i = (va - ENDLESS_SIGNALS - l->thread_head.offset) / ENDLESS_SIGNAL_STRIDE;
      g_assert_cmpuint (va, ==, ENDLESS_SIGNALS + i * ENDLESS_SIGNAL_STRIDE
                                + l->thread_head.offset);
      memset (buf, 0, len);
      for (gsize k = 0; k < 8 && k < len; k++)
        buf[k] = (guint8) ((ENDLESS_BASE + i * ENDLESS_STRIDE + l->thread_node.offset) >> (8 * k));
      (void) head;
      return TRUE;
    }
  if (va < ENDLESS_BASE || va >= ENDLESS_BASE + (U64 (1) << 32))
    return FALSE;
  i = (va - ENDLESS_BASE) / ENDLESS_STRIDE;
  task = ENDLESS_BASE + i * ENDLESS_STRIDE;
  g_assert_cmpuint (va, ==, task);
  g_assert_cmpuint (len, ==, l->task_size);

  next = task + ENDLESS_STRIDE;
  memset (buf, 0, len);
  poke (buf, &l->pid, i + 100);
  poke (buf, &l->tgid, endless_kind == ENDLESS_THREADS ? 100 : i + 100);
  g_snprintf ((char *) buf + l->comm.offset, l->comm.size, "kworker/%u", (guint) i);
  poke (buf, &l->flags, HS_LINUX_PF_KTHREAD);
  poke (buf, &l->real_parent, init_task_address ());
  poke (buf, &l->tasks_next, next + l->tasks.offset);
  poke (buf, thread_link_next (l), endless_kind == ENDLESS_THREADS
                                   ? next + thread_link (l)->offset
                                   : task + thread_link (l)->offset);
  /* 6.7+: a made-up process's threads are on its own signal->thread_head. */
  if (!l->use_thread_group && endless_kind == ENDLESS_PROCESSES)
    {
      guint64 signal = ENDLESS_SIGNALS + i * ENDLESS_SIGNAL_STRIDE;

      poke (buf, &l->signal, signal);
      poke (buf, &l->thread_node_next, signal + l->thread_head.offset);
    }
  return TRUE;
}

/* A process list that never returns, through ever new addresses: the default bound stops it. */
static void
test_endless_processes (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *warning = NULL;

  if (!have_vmlinux ())
    return;

  m = make_board (0);
  mem_put (m, task_va (7) + layout->tasks_next.offset, ENDLESS_BASE + layout->tasks.offset, 8);
  endless_kind = ENDLESS_PROCESSES;
  m->generate = endless_generate;
  tasks = task_array ();
  warning = walk (m, layout, 0, 0, tasks);
  g_test_message ("%s", warning);
  g_assert_nonnull (warning);
  g_assert_cmpstr (warning, ==, "the walk stops at 10000 tasks, its limit: there are more, or a "
                                "list is corrupt");
  g_assert_cmpuint (tasks->len, ==, HS_LINUX_MAX_TASKS);
  assert_task (tasks, N_BOARD_TASKS, ENDLESS_BASE, 100, 100, 0, "kworker/0");
  /* The board's 6 processes and the made-up ones, each with its own thread list on 6.7+. */
  g_assert_cmpuint (m->reads, ==, HS_LINUX_MAX_TASKS + N_BOARD_MMS
                                  + head_reads (HS_LINUX_MAX_TASKS - 2));
}

/* One process with endless threads: its threads are cut at HS_LINUX_MAX_THREADS and the walk
 * goes on to the next process. */
static void
test_endless_threads (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *warning = NULL;

  if (!have_vmlinux ())
    return;

  m = make_board (0);
  /* rcu_gp (pid 3) leads the endless group: its tgid becomes 100, like the made-up threads. */
  put (m, task_va (3), &layout->tgid, 100);
  mem_put (m, task_va (3) + thread_link_next (layout)->offset,
           ENDLESS_BASE + thread_link (layout)->offset, 8);
  endless_kind = ENDLESS_THREADS;
  m->generate = endless_generate;
  tasks = task_array ();
  warning = walk (m, layout, 0, 0, tasks);
  g_test_message ("%s", warning);
  g_assert_nonnull (warning);
  g_assert_true (g_str_has_prefix (warning, "the thread list of pid 3 \"rcu_gp\""));
  g_assert_nonnull (strstr (warning, "stops at 8192 threads, the limit for one process"));
  g_assert_cmpuint (tasks->len, ==, N_BOARD_TASKS + HS_LINUX_MAX_THREADS);
  assert_task (tasks, 4, ENDLESS_BASE, 100, 100, 0, "kworker/0");
  g_assert_true (nth (tasks, 5)->is_thread);
  assert_task (tasks, 4 + HS_LINUX_MAX_THREADS, task_va (4), 40, 40, 1, "guest1_ticker");
  assert_task (tasks, tasks->len - 1, task_va (7), 50, 50, 40, "sleep");
  g_assert_cmpuint (m->reads, ==, N_BOARD_TASKS + HS_LINUX_MAX_THREADS + N_BOARD_MMS
                                  + head_reads (6));
}

static void
test_pt_regs (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *warning = NULL;
  guint64 address = 0, size = 0, expected = 0;
  g_autoptr(GError) error = NULL;
  HsLinuxTask none = { 0 };

  if (!have_vmlinux ())
    return;

  m = make_board (0);
  tasks = task_array ();
  warning = walk (m, layout, 0, 0, tasks);
  g_assert_null (warning);
  g_assert_true (hs_symbol_file_get_type_size (vmlinux, "struct pt_regs", &expected, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < tasks->len; i++)
    {
      HsLinuxTask *t = nth (tasks, i);

      g_assert_true (hs_linux_task_pt_regs (layout, t, &address, &size));
      g_assert_cmpuint (address, ==, t->stack + 16 * 1024 - expected);
      g_assert_cmpuint (size, ==, expected);
    }
  g_assert_false (hs_linux_task_pt_regs (layout, &none, &address, &size));
}

/* ---- reading in batches and ahead ---------------------------------------------------------- */

typedef struct
{
  Mem *m;
  guint batches;
  guint pieces;
} Vectored;

static gboolean
vectored_read (guint64    va,
               void      *buf,
               gsize      len,
               gpointer   user_data,
               GError   **error)
{
  return mem_read (va, buf, len, ((Vectored *) user_data)->m, error);
}

static gboolean
vectored_readv (HsLinuxRead  *reads,
                guint         n_reads,
                gpointer      user_data,
                GError      **error)
{
  Vectored *v = user_data;

  v->batches++;
  v->pieces += n_reads;
  for (guint i = 0; i < n_reads; i++)
    reads[i].ok = mem_read (reads[i].va, reads[i].buf, reads[i].len, v->m, NULL);
  return TRUE;
}

static void
assert_same_tasks (GArray *a,
                   GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      HsLinuxTask *x = nth (a, i), *y = nth (b, i);

      g_assert_cmpuint (x->task, ==, y->task);
      g_assert_cmpint (x->pid, ==, y->pid);
      g_assert_cmpint (x->tgid, ==, y->tgid);
      g_assert_cmpint (x->ppid, ==, y->ppid);
      g_assert_cmpstr (x->comm, ==, y->comm);
      g_assert_cmpuint (x->state, ==, y->state);
      g_assert_cmpuint (x->flags, ==, y->flags);
      g_assert_cmpuint (x->mm, ==, y->mm);
      g_assert_cmpuint (x->pgd, ==, y->pgd);
      g_assert_cmpuint (x->asid, ==, y->asid);
      g_assert_cmpint (x->cpu, ==, y->cpu);
      g_assert_cmpuint (x->stack, ==, y->stack);
      g_assert_true (x->corrupt == y->corrupt);
      for (guint k = 0; k < HS_LINUX_N_CPU_CONTEXT; k++)
        g_assert_cmpuint (x->cpu_context[k], ==, y->cpu_context[k]);
    }
}

/* The kernel's list_del. */
static void
list_del (Mem     *m,
          guint64  node)
{
  guint64 next = mem_get64 (m, node), prev = mem_get64 (m, node + 8);

  mem_put (m, prev, next, 8);
  mem_put (m, next + 8, prev, 8);
}

/*
 * A vectored reader: each task costs one batch of its spans (a small part of task_struct);
 * with the previous walk's tasks and mms, the whole walk is one batch, and a guess that no
 * longer holds (a task gone, one new, one unmapped) changes nothing but what is read.
 */
static void
test_read_ahead (void)
{
  g_autoptr(Mem) m = NULL;
  g_autoptr(GArray) plain = task_array ();
  g_autoptr(GArray) first = task_array ();
  g_autoptr(GArray) second = task_array ();
  g_autoptr(GArray) third = task_array ();
  g_autoptr(GArray) expect_tasks = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) expect_mms = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  Vectored v = { 0 };
  HsLinuxReader reader = { vectored_read, vectored_readv, &v };
  guint64 init, unmapped = UNMAPPED;
  guint plain_reads;

  if (!have_vmlinux ())
    return;
  g_assert_cmpuint (layout->n_spans, >, 0);
  g_assert_cmpuint (layout->span_bytes, <, layout->task_size);
  for (guint i = 0; i < layout->n_spans; i++)
    {
      g_assert_cmpuint (layout->spans[i].offset + layout->spans[i].size, <=, layout->task_size);
      if (i > 0)
        g_assert_cmpuint (layout->spans[i].offset, >,
                          layout->spans[i - 1].offset + layout->spans[i - 1].size);
    }

  m = make_board (0);
  v.m = m;
  init = init_task_address ();
  warning = walk (m, layout, 0, 0, plain);
  g_assert_null (warning);

  /* Nothing expected: one batch per task, the same tasks as the plain reader finds. */
  m->reads = 0;
  g_assert_true (hs_linux_walk_tasks (layout, vmlinux, 0, &reader, 0, first, &warning, &error));
  g_assert_no_error (error);
  g_assert_null (warning);
  assert_same_tasks (plain, first);
  g_assert_cmpuint (v.batches, ==, N_BOARD_TASKS);
  g_assert_cmpuint (v.pieces, ==, N_BOARD_TASKS * layout->n_spans);
  plain_reads = m->reads;

  /* What the first walk found, read ahead: one batch and no other read of a task or an mm. */
  for (guint i = 0; i < first->len; i++)
    {
      HsLinuxTask *t = nth (first, i);
      gboolean seen = FALSE;

      g_array_append_val (expect_tasks, t->task);
      for (guint k = 0; k < expect_mms->len && t->mm != 0; k++)
        seen |= g_array_index (expect_mms, guint64, k) == t->mm;
      if (t->mm != 0 && !seen)
        g_array_append_val (expect_mms, t->mm);
    }
  g_array_append_val (expect_tasks, unmapped);
  reader.expect_tasks = (const guint64 *) expect_tasks->data;
  reader.n_expect_tasks = expect_tasks->len;
  reader.expect_mms = (const guint64 *) expect_mms->data;
  reader.n_expect_mms = expect_mms->len;
  v.batches = 0;
  m->reads = 0;
  g_assert_true (hs_linux_walk_tasks (layout, vmlinux, 0, &reader, 0, second, &warning, &error));
  g_assert_no_error (error);
  g_assert_null (warning);
  assert_same_tasks (plain, second);
  g_assert_cmpuint (v.batches, ==, 1);
  g_assert_cmpuint (m->reads, ==, N_BOARD_TASKS * layout->n_spans + N_BOARD_MMS
                                  + layout->n_spans + head_reads (6));
  g_assert_cmpuint (m->reads, <, plain_reads + N_BOARD_MMS + layout->n_spans + 1);

  /* The guess goes stale: "sleep" exits, a new process starts. The walk follows the lists. */
  list_del (m, task_va (7) + layout->tasks.offset);
  add_process (m, init, task_va (8), 60, "newcomer", TASK_INTERRUPTIBLE, PF_RANDOMIZE, 0,
               task_va (1));
  v.batches = 0;
  g_assert_true (hs_linux_walk_tasks (layout, vmlinux, 0, &reader, 0, third, &warning, &error));
  g_assert_no_error (error);
  g_assert_null (warning);
  g_assert_cmpuint (third->len, ==, N_BOARD_TASKS);
  assert_task (third, 6, task_va (6), 42, 40, 1, "worker");
  assert_task (third, 7, task_va (8), 60, 60, 1, "newcomer");
  g_assert_cmpuint (v.batches, ==, 2);   /* the guess, then the newcomer */

  /* Cancelled: the walk stops where it is and says so. */
  {
    g_autoptr(GArray) cut = task_array ();
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autofree char *why = NULL;
    HsLinuxReader stopping = reader;

    g_cancellable_cancel (cancellable);
    stopping.cancellable = cancellable;
    g_assert_true (hs_linux_walk_tasks (layout, vmlinux, 0, &stopping, 0, cut, &why, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (cut->len, <, N_BOARD_TASKS);
    g_assert_nonnull (why);
    g_assert_nonnull (strstr (why, "cancelled"));
  }

  /* One task alone, its parent's tgid included; a pointer to nothing fails cleanly. */
  {
    g_auto(HsLinuxTask) one = { 0 };
    g_auto(HsLinuxTask) none = { 0 };

    g_assert_true (hs_linux_read_task (layout, &reader, task_va (5), &one, &error));
    g_assert_no_error (error);
    g_assert_cmpint (one.pid, ==, 41);
    g_assert_cmpint (one.tgid, ==, 40);
    g_assert_cmpint (one.ppid, ==, 1);
    g_assert_cmpstr (one.comm, ==, "guest1_ticker");
    g_assert_false (one.corrupt);
    g_assert_false (hs_linux_read_task (layout, &reader, unmapped, &none, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_false (hs_linux_read_task (layout, &reader, 0x1234, &none, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

/* ---- crafted layouts ------------------------------------------------------------------------- */

static void
assert_refused (const HsLinuxLayout *l,
                const char          *message_part)
{
  g_autoptr(Mem) m = make_board (0);
  g_autoptr(GArray) tasks = task_array ();
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  g_auto(HsLinuxTask) one = { 0 };
  Vectored v = { m, 0, 0 };
  guint64 expect_task = task_va (1), expect_mm = mm_va (0);
  HsLinuxReader reader = { vectored_read, vectored_readv, &v, &expect_task, 1, &expect_mm, 1 };

  g_assert_false (hs_linux_read_tasks (l, vmlinux, 0, mem_read, m, 0, tasks, &warning, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
  if (strstr (error->message, message_part) == NULL)
    g_error ("'%s' does not contain '%s'", error->message, message_part);
  g_clear_error (&error);
  g_assert_false (hs_linux_walk_tasks (l, vmlinux, 0, &reader, 0, tasks, &warning, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_false (hs_linux_read_task (l, &reader, task_va (1), &one, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
  /* Refused before anything was read. */
  g_assert_cmpuint (tasks->len, ==, 0);
  g_assert_null (warning);
  g_assert_cmpuint (m->reads, ==, 0);
}

/*
 * A crafted vmlinux whose mm_struct.context lies 1 TiB past mm_struct.pgd: a walk that trusted
 * it asked for 1 TiB to read one mm (and GLib aborts). The layout is refused, saying which
 * structure is impossible; and a layout built by hand that says so anyway (the type is public)
 * is refused by the walk, naming the member, before it allocates or reads anything.
 */
static void
test_hostile_layout (void)
{
  const char *path = g_getenv ("HS_LINUX_HOSTILE_SAMPLE");
  g_autoptr(HsSymbolFile) hostile = NULL;
  g_autoptr(GError) error = NULL;
  HsLinuxLayout *refused;
  HsLinuxLayout crafted;
  guint64 offset = 0;

  if (path == NULL)
    {
      g_test_skip ("HS_LINUX_HOSTILE_SAMPLE is not set");
      return;
    }
  hostile = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_member (hostile, "mm_struct", "context.id", &offset, NULL,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (offset, >, U64 (1) << 40);
  refused = hs_linux_layout_new (hostile, &error);
  g_assert_null (refused);
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "struct mm_struct is"));
  g_clear_error (&error);

  crafted = *layout;
  crafted.mm_context_id.offset = offset;
  assert_refused (&crafted, "mm_struct.context.id");

  /* The same for members outside task_struct, scalars too wide for the walk to decode, and a
   * task_struct larger than any kernel's. */
  crafted = *layout;
  crafted.pid.offset = layout->task_size;
  assert_refused (&crafted, "task_struct.pid");
  crafted = *layout;
  crafted.tgid.size = 4096;
  assert_refused (&crafted, "task_struct.tgid is 4096 bytes");
  crafted = *layout;
  crafted.cpu_context[12].offset = G_MAXUINT64 - 4;
  assert_refused (&crafted, "task_struct.thread.cpu_context[12]");
  crafted = *layout;
  crafted.task_size = U64 (1) << 40;
  assert_refused (&crafted, "task_struct is 1099511627776 bytes");
  crafted = *layout;
  crafted.span_bytes = 1;
  assert_refused (&crafted, "spans add up to");
}

int
main (int   argc,
      char *argv[])
{
  gboolean board = FALSE;
  int status;

  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i < argc; i++)
    board |= g_strcmp0 (argv[i], "--vmlinux") == 0;
  load_kernel (board);

  g_test_add_func ("/Hs/Linux/layout", test_layout);
  g_test_add_func ("/Hs/Linux/walk", test_walk);
  g_test_add_func ("/Hs/Linux/thread-node", test_thread_node);
  g_test_add_func ("/Hs/Linux/offset", test_offset);
  g_test_add_func ("/Hs/Linux/init-task-unreadable", test_init_task_unreadable);
  g_test_add_func ("/Hs/Linux/cycle", test_cycle);
  g_test_add_func ("/Hs/Linux/thread-cycle", test_thread_cycle);
  g_test_add_func ("/Hs/Linux/bad-pointer", test_bad_pointer);
  g_test_add_func ("/Hs/Linux/corrupt-values", test_corrupt_values);
  g_test_add_func ("/Hs/Linux/corrupt-more", test_corrupt_more);
  g_test_add_func ("/Hs/Linux/unreadable", test_unreadable);
  g_test_add_func ("/Hs/Linux/several-problems", test_several_problems);
  g_test_add_func ("/Hs/Linux/max-tasks", test_max_tasks);
  g_test_add_func ("/Hs/Linux/endless-processes", test_endless_processes);
  g_test_add_func ("/Hs/Linux/endless-threads", test_endless_threads);
  g_test_add_func ("/Hs/Linux/pt-regs", test_pt_regs);
  g_test_add_func ("/Hs/Linux/read-ahead", test_read_ahead);
  g_test_add_func ("/Hs/Linux/hostile-layout", test_hostile_layout);

  status = g_test_run ();
  g_clear_pointer (&layout, hs_linux_layout_free);
  g_clear_object (&vmlinux);
  return status;
}
