/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-linux.c: the Linux task walk on guest memory the input makes, with
 * the layout of linux-sample.c (tests/engine, built here in its two shapes
 * of task_struct; HS_FUZZ_SAMPLES names them).
 *
 * Input: a flags byte (the shape, a plain or a vectored reader, a bound on
 * the walk, a cancellation), the number of reads before that cancellation,
 * the address of a task to read alone, then the guest's kernel memory from
 * init_task's address on (reads outside it fail). A vectored walk is run a
 * second time expecting the tasks and mms the first one found, as the
 * engine walks a guest again after each halt.
 *
 * What every walk must do whatever the memory holds: end, append nothing
 * when it fails, stay within its bound, and give each task a comm that is
 * valid UTF-8 without control characters and a reason when it is corrupt.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fuzz-memory.h"
#include "fuzz-samples.h"
#include "hs-linux.h"

#define HEADER 10

typedef struct
{
  HsSymbolFile *vmlinux;
  HsLinuxLayout *layout;
  guint64 init_task;
} Kernel;

/* The samples' layouts, made once per process. */
static GPtrArray *
kernels (void)
{
  static GPtrArray *loaded;
  GPtrArray *files = fuzz_samples ();

  if (loaded != NULL)
    return loaded;
  loaded = g_ptr_array_new ();
  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr(GError) error = NULL;
      Kernel *k = g_new0 (Kernel, 1);
      HsSymbol sym;

      k->vmlinux = g_ptr_array_index (files, i);
      k->layout = hs_linux_layout_new (k->vmlinux, &error);
      if (k->layout == NULL)
        g_error ("%s: %s", hs_symbol_file_get_path (k->vmlinux), error->message);
      if (!hs_symbol_file_lookup (k->vmlinux, "init_task", &sym))
        g_error ("%s has no init_task", hs_symbol_file_get_path (k->vmlinux));
      k->init_task = sym.address;
      g_ptr_array_add (loaded, k);
    }
  return loaded;
}

static GArray *
tasks_new (void)
{
  GArray *tasks = g_array_new (FALSE, TRUE, sizeof (HsLinuxTask));

  g_array_set_clear_func (tasks, (GDestroyNotify) hs_linux_task_clear);
  return tasks;
}

static void
check_task (const HsLinuxLayout *layout,
            const HsLinuxTask   *task)
{
  guint64 address, size;

  g_assert_true (g_utf8_validate (task->comm, -1, NULL));
  for (const char *c = task->comm; *c != '\0'; c++)
    g_assert_true ((guint8) *c >= 0x20 && *c != 0x7f);
  g_assert_true (task->corrupt == (task->corrupt_reason != NULL));
  if (hs_linux_task_pt_regs (layout, task, &address, &size))
    g_assert_cmpuint (size, >, 0);
}

static void
walk (const Kernel        *k,
      const HsLinuxReader *reader,
      guint                max_tasks,
      GArray              *tasks)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;

  if (!hs_linux_walk_tasks (k->layout, k->vmlinux, 0, reader, max_tasks, tasks, &warning,
                            &error))
    {
      g_assert_nonnull (error);
      g_assert_cmpuint (tasks->len, ==, 0);
      g_assert_null (warning);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, >=, 1);
  g_assert_cmpuint (tasks->len, <=, max_tasks != 0 ? max_tasks : HS_LINUX_MAX_TASKS);
  for (guint i = 0; i < tasks->len; i++)
    check_task (k->layout, &g_array_index (tasks, HsLinuxTask, i));
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GPtrArray *all = kernels ();
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GArray) tasks = tasks_new ();
  g_auto(HsLinuxTask) one = { 0 };
  HsLinuxReader reader = { 0 };
  const Kernel *k;
  FuzzMemory m;
  guint8 flags;
  guint max_tasks;
  guint64 address;

  if (size < HEADER)
    return 0;
  flags = data[0];
  k = all->pdata[(flags & 1) % all->len];
  max_tasks = flags >> 3;
  memcpy (&address, data + 2, 8);
  address = GUINT64_FROM_LE (address);
  cancellable = g_cancellable_new ();
  m = (FuzzMemory) {
    .mem = data + HEADER,
    .size = size - HEADER,
    .base = k->init_task,
    .cancel_after = flags & 4 ? data[1] + 1 : 0,
    .cancellable = cancellable,
  };
  reader = (HsLinuxReader) {
    .read = fuzz_memory_read,
    .readv = flags & 2 ? fuzz_memory_readv : NULL,
    .user_data = &m,
    .cancellable = cancellable,
  };

  walk (k, &reader, max_tasks, tasks);

  /* Again, reading ahead what the first walk found. */
  if (reader.readv != NULL && !g_cancellable_is_cancelled (cancellable))
    {
      g_autoptr(GArray) again = tasks_new ();
      g_autoptr(GArray) expect_tasks = g_array_new (FALSE, FALSE, sizeof (guint64));
      g_autoptr(GArray) expect_mms = g_array_new (FALSE, FALSE, sizeof (guint64));

      for (guint i = 0; i < tasks->len; i++)
        {
          const HsLinuxTask *t = &g_array_index (tasks, HsLinuxTask, i);

          g_array_append_val (expect_tasks, t->task);
          if (t->mm != 0)
            g_array_append_val (expect_mms, t->mm);
        }
      reader.expect_tasks = (const guint64 *) (gpointer) expect_tasks->data;
      reader.n_expect_tasks = expect_tasks->len;
      reader.expect_mms = (const guint64 *) (gpointer) expect_mms->data;
      reader.n_expect_mms = expect_mms->len;
      walk (k, &reader, max_tasks, again);

      /* The guess is only a guess: the list is the one the memory holds, as before. */
      if (!g_cancellable_is_cancelled (cancellable))
        {
          g_assert_cmpuint (again->len, ==, tasks->len);
          for (guint i = 0; i < tasks->len; i++)
            {
              const HsLinuxTask *a = &g_array_index (tasks, HsLinuxTask, i);
              const HsLinuxTask *b = &g_array_index (again, HsLinuxTask, i);

              g_assert_cmphex (a->task, ==, b->task);
              g_assert_cmpint (a->pid, ==, b->pid);
              g_assert_cmpint (a->ppid, ==, b->ppid);
              g_assert_cmpstr (a->comm, ==, b->comm);
              g_assert_cmphex (a->pgd, ==, b->pgd);
              g_assert_cmpstr (a->corrupt_reason, ==, b->corrupt_reason);
            }
        }
    }

  if (hs_linux_read_task (k->layout, &reader, address, &one, NULL))
    check_task (k->layout, &one);
  return 0;
}
