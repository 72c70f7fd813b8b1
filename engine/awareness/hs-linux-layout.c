/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-linux-layout.c: where the fields a task walk reads lie in this vmlinux's task_struct and
 * mm_struct, looked up by name in its DWARF once per vmlinux, and the few parts of task_struct
 * (spans) a walk reads to get them all. The walk itself is in hs-linux.c.
 *
 * The DWARF is untrusted input like the guest's memory: a walk allocates and reads what these
 * numbers say, so every structure's size is bounded and every member must lie inside its
 * structure before the layout is handed out.
 */
#define G_LOG_DOMAIN "hs-linux"

#include "config.h"

#include "hs-linux.h"

#include <stdlib.h>

static const char * const cpu_context_names[HS_LINUX_N_CPU_CONTEXT] = {
  "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "fp", "sp", "pc",
};

/* ---- layout -------------------------------------------------------------------------------- */

/* No kernel's task_struct, mm_struct or signal_struct comes near this (task_struct is 4-10 KiB
 * whatever the configuration, the others 1-2 KiB): a larger one is a crafted or corrupt file,
 * and it would be what a walk allocates and reads per task and per mm. */
#define MAX_STRUCT_SIZE (1024 * 1024)

/* A structure the walk reads members of. */
typedef struct
{
  const char *name;            /* "task_struct" */
  guint64 size;                /* 0 when this kernel has no such structure */
} Container;

static gboolean
container_init (HsSymbolFile  *vmlinux,
                const char    *name,
                Container     *out,
                GError       **error)
{
  g_autofree char *type = g_strconcat ("struct ", name, NULL);

  out->name = name;
  out->size = 0;
  if (!hs_symbol_file_get_type_size (vmlinux, type, &out->size, error))
    {
      g_prefix_error (error, "cannot find Linux's task layout in %s: ",
                      hs_symbol_file_get_path (vmlinux));
      return FALSE;
    }
  if (out->size == 0 || out->size > MAX_STRUCT_SIZE)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot use Linux's task layout in %s: struct %s is %" G_GUINT64_FORMAT
                   " bytes, which no kernel's is (at most %u; corrupt DWARF?)",
                   hs_symbol_file_get_path (vmlinux), name, out->size, MAX_STRUCT_SIZE);
      return FALSE;
    }
  return TRUE;
}

/* A member the walk needs, inside @in. @max_size 0: any size (comm). */
static gboolean
lookup (HsSymbolFile     *vmlinux,
        const Container  *in,
        const char       *path,
        guint64           max_size,
        HsLinuxField     *out,
        GError          **error)
{
  if (in->size == 0)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "cannot find Linux's task layout in %s: it has no struct %s",
                   hs_symbol_file_get_path (vmlinux), in->name);
      return FALSE;
    }
  if (!hs_symbol_file_member (vmlinux, in->name, path, &out->offset, &out->size, error))
    {
      g_prefix_error (error, "cannot find Linux's task layout in %s: ",
                      hs_symbol_file_get_path (vmlinux));
      return FALSE;
    }
  if (out->size == 0 || (max_size != 0 && out->size > max_size))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "cannot use Linux's task layout in %s: %s.%s is %" G_GUINT64_FORMAT
                   " bytes, not a scalar of at most %" G_GUINT64_FORMAT,
                   hs_symbol_file_get_path (vmlinux), in->name, path, out->size, max_size);
      return FALSE;
    }
  if (out->offset > in->size || out->size > in->size - out->offset)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot use Linux's task layout in %s: %s.%s (%" G_GUINT64_FORMAT " bytes at "
                   "offset %" G_GUINT64_FORMAT ") lies outside struct %s (%" G_GUINT64_FORMAT
                   " bytes): an impossible layout (corrupt DWARF?)",
                   hs_symbol_file_get_path (vmlinux), in->name, path, out->size, out->offset,
                   in->name, in->size);
      *out = (HsLinuxField) { 0, 0 };
      return FALSE;
    }
  return TRUE;
}

/* A member the walk can do without: size 0 when this kernel has none. */
static gboolean
lookup_optional (HsSymbolFile     *vmlinux,
                 const Container  *in,
                 const char       *path,
                 guint64           max_size,
                 HsLinuxField     *out,
                 GError          **error)
{
  g_autoptr(GError) local_error = NULL;

  if (lookup (vmlinux, in, path, max_size, out, &local_error))
    return TRUE;
  *out = (HsLinuxField) { 0, 0 };
  if (g_error_matches (local_error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
plausible_thread_size (guint64 size)
{
  return size >= 4096 && size <= 1024 * 1024 && (size & (size - 1)) == 0;
}

/* THREAD_SIZE: init_task's stack is one (init_stack, or init_thread_union on older kernels). */
static guint64
find_thread_size (HsSymbolFile *vmlinux)
{
  static const char * const names[] = { "init_stack", "init_thread_union" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      HsSymbol sym;

      if (hs_symbol_file_lookup (vmlinux, names[i], &sym) && plausible_thread_size (sym.size))
        return sym.size;
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_auto(HsSymbolInfo) info = { 0 };

      if (hs_symbol_file_get_variable (vmlinux, names[i], &info, NULL)
          && plausible_thread_size (info.size))
        return info.size;
    }
  return 0;
}

static gint
compare_field (gconstpointer a,
               gconstpointer b)
{
  const HsLinuxField *x = a, *y = b;

  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Two fields closer than this share a read: on QEMU's stub, pipelined, one more request costs
 * about as much as 1.5 KiB more in the reply (~8 us against ~5 ns a byte of hex). A read stays
 * at most SPAN_MAX, which a stub answers in one packet (QEMU's limit is 0x800). */
#define SPAN_GAP 1536
#define SPAN_MAX 0x800

/* The parts of task_struct a walk decodes. Called once the fields are known to lie inside it. */
static void
compute_spans (HsLinuxLayout *l)
{
  /* Only what this kernel's thread lists need: thread_group, or signal and thread_node. */
  const HsLinuxField *in_task[] = {
    &l->tasks, &l->pid, &l->tgid, &l->real_parent, &l->comm, &l->state, &l->flags, &l->mm,
    &l->stack, &l->cpu,
    l->use_thread_group ? &l->thread_group : &l->signal,
    l->use_thread_group ? &l->thread_group : &l->thread_node,
  };
  HsLinuxField fields[G_N_ELEMENTS (in_task) + HS_LINUX_N_CPU_CONTEXT];
  guint n = 0, gap = SPAN_GAP;

  for (guint i = 0; i < G_N_ELEMENTS (in_task); i++)
    if (in_task[i]->size != 0)
      fields[n++] = *in_task[i];
  for (guint i = 0; i < HS_LINUX_N_CPU_CONTEXT; i++)
    if (l->cpu_context[i].size != 0)
      fields[n++] = l->cpu_context[i];
  qsort (fields, n, sizeof fields[0], compare_field);

  for (;;)
    {
      l->n_spans = 0;
      for (guint i = 0; i < n; i++)
        {
          HsLinuxField *last = l->n_spans > 0 ? &l->spans[l->n_spans - 1] : NULL;
          guint64 end = fields[i].offset + fields[i].size;

          if (last != NULL && fields[i].offset <= last->offset + last->size + gap
              && (end - last->offset <= SPAN_MAX || end <= last->offset + last->size))
            last->size = MAX (last->size, end - last->offset);
          else if (l->n_spans < G_N_ELEMENTS (l->spans))
            l->spans[l->n_spans++] = fields[i];
          else
            break;
        }
      /* Too scattered for the span table: merge more eagerly until it fits. */
      if (l->n_spans < G_N_ELEMENTS (l->spans) || gap >= l->task_size)
        break;
      gap *= 2;
    }
  /* A field no span covers would read as zero: then read the whole structure instead. */
  for (guint i = 0; i < n; i++)
    {
      gboolean covered = FALSE;

      for (guint k = 0; k < l->n_spans && !covered; k++)
        covered = fields[i].offset >= l->spans[k].offset
                  && fields[i].offset + fields[i].size <= l->spans[k].offset + l->spans[k].size;
      if (!covered)
        l->n_spans = 0;
    }
  l->span_bytes = 0;
  for (guint i = 0; i < l->n_spans; i++)
    l->span_bytes += l->spans[i].size;
}

HsLinuxLayout *
hs_linux_layout_new (HsSymbolFile  *vmlinux,
                     GError       **error)
{
  g_autoptr(HsLinuxLayout) l = g_new0 (HsLinuxLayout, 1);
  g_autoptr(GError) local_error = NULL;
  Container task, mm, signal = { "signal_struct", 0 };

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (vmlinux), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!container_init (vmlinux, "task_struct", &task, error)
      || !container_init (vmlinux, "mm_struct", &mm, error))
    return NULL;
  l->task_size = task.size;

  if (!lookup (vmlinux, &task, "tasks", 0, &l->tasks, error)
      || !lookup (vmlinux, &task, "tasks.next", 8, &l->tasks_next, error)
      || !lookup (vmlinux, &task, "pid", 8, &l->pid, error)
      || !lookup (vmlinux, &task, "tgid", 8, &l->tgid, error)
      || !lookup (vmlinux, &task, "real_parent", 8, &l->real_parent, error)
      || !lookup (vmlinux, &task, "comm", 0, &l->comm, error)
      || !lookup (vmlinux, &task, "flags", 8, &l->flags, error)
      || !lookup (vmlinux, &task, "mm", 8, &l->mm, error)
      || !lookup (vmlinux, &task, "stack", 8, &l->stack, error)
      || !lookup (vmlinux, &mm, "pgd", 8, &l->mm_pgd, error)
      || !lookup_optional (vmlinux, &mm, "context.id", 8, &l->mm_context_id, error))
    return NULL;

  /* 5.14 renamed state to __state. */
  if (!lookup_optional (vmlinux, &task, "__state", 8, &l->state, error))
    return NULL;
  if (l->state.size == 0 && !lookup (vmlinux, &task, "state", 8, &l->state, error))
    return NULL;

  /* With THREAD_INFO_IN_TASK (arm64), 5.16+ keep the CPU in thread_info; 5.3-5.15 in ->cpu. */
  if (!lookup_optional (vmlinux, &task, "thread_info.cpu", 8, &l->cpu, error))
    return NULL;
  if (l->cpu.size == 0 && !lookup_optional (vmlinux, &task, "cpu", 8, &l->cpu, error))
    return NULL;

  /* Threads: 6.1 has both lists; thread_group needs no read of the signal_struct. */
  if (!lookup_optional (vmlinux, &task, "thread_group", 0, &l->thread_group, error)
      || !lookup_optional (vmlinux, &task, "thread_group.next", 8, &l->thread_group_next,
                           error))
    return NULL;
  l->use_thread_group = l->thread_group.size != 0 && l->thread_group_next.size == 8;
  if (!container_init (vmlinux, "signal_struct", &signal, &local_error))
    {
      /* Needed only without thread_group; lookup() then says it is missing. */
      if (!g_error_matches (local_error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      signal.size = 0;
    }
  if (l->use_thread_group)
    {
      if (!lookup_optional (vmlinux, &task, "signal", 8, &l->signal, error)
          || !lookup_optional (vmlinux, &task, "thread_node", 0, &l->thread_node, error)
          || !lookup_optional (vmlinux, &task, "thread_node.next", 8, &l->thread_node_next,
                               error)
          || !lookup_optional (vmlinux, &signal, "thread_head", 0, &l->thread_head, error)
          || !lookup_optional (vmlinux, &signal, "thread_head.next", 8, &l->thread_head_next,
                               error))
        return NULL;
    }
  else if (!lookup (vmlinux, &task, "signal", 8, &l->signal, error)
           || !lookup (vmlinux, &task, "thread_node", 0, &l->thread_node, error)
           || !lookup (vmlinux, &task, "thread_node.next", 8, &l->thread_node_next, error)
           || !lookup (vmlinux, &signal, "thread_head", 0, &l->thread_head, error)
           || !lookup (vmlinux, &signal, "thread_head.next", 8, &l->thread_head_next, error))
    return NULL;

  for (guint i = 0; i < HS_LINUX_N_CPU_CONTEXT; i++)
    {
      g_autofree char *member = g_strdup_printf ("thread.cpu_context.%s", cpu_context_names[i]);

      if (!lookup_optional (vmlinux, &task, member, 8, &l->cpu_context[i], error))
        return NULL;
    }

  compute_spans (l);
  l->thread_size = find_thread_size (vmlinux);
  if (!hs_symbol_file_get_type_size (vmlinux, "struct pt_regs", &l->pt_regs_size, NULL)
      || l->pt_regs_size > l->thread_size)
    l->pt_regs_size = 0;

  return g_steal_pointer (&l);
}

void
hs_linux_layout_free (HsLinuxLayout *layout)
{
  g_free (layout);
}

guint64
hs_linux_layout_get_thread_size (const HsLinuxLayout *layout)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->thread_size;
}
