/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-linux.c: a Linux guest's task lists, walked through its memory with the layout
 * hs-linux-layout.c looked up; one task alone; a task's pt_regs.
 */
#define G_LOG_DOMAIN "hs-linux"

#include "config.h"

#include "hs-linux.h"

#include <gio/gio.h>
#include <string.h>

/* More CPUs than any kernel supports (CONFIG_NR_CPUS tops out at 8192). */
#define MAX_CPUS 8192
/* At most this many notes in the warning; the rest are counted. */
#define MAX_WARNINGS 8
/* As hs-linux-layout.c bounds task_struct, mm_struct and signal_struct. */
#define MAX_STRUCT_SIZE (1024 * 1024)

void
hs_linux_task_clear (HsLinuxTask *task)
{
  g_return_if_fail (task != NULL);

  g_clear_pointer (&task->corrupt_reason, g_free);
}

/* ---- pointers and values ------------------------------------------------------------------- */

/* arm64 kernel addresses (TTBR1) have their top 16 bits all ones, whatever VA_BITS is. */
static gboolean
is_kernel_address (guint64 p)
{
  return (p >> 48) == 0xffff;
}

/* A pointer the walk may follow: a kernel address, and aligned as every kernel object is. */
static gboolean
is_kernel_pointer (guint64 p)
{
  return is_kernel_address (p) && (p & 7) == 0;
}

/* Why a list pointer cannot be followed, in words; NULL when it can. */
static const char *
pointer_problem (guint64 p,
                 guint64 link_offset)
{
  if (p == 0)
    return "NULL";
  if (!is_kernel_address (p) || p < link_offset || !is_kernel_address (p - link_offset))
    return "not a kernel address";
  if ((p & 7) != 0)
    return "misaligned (list pointers are 8-byte aligned)";
  return NULL;
}

static guint64
get_u (const guint8       *buf,
       const HsLinuxField *f)
{
  guint64 v = 0;

  g_assert (f->size <= 8);
  for (guint64 i = f->size; i > 0; i--)
    v = v << 8 | buf[f->offset + i - 1];
  return v;
}

static gint64
get_s (const guint8       *buf,
       const HsLinuxField *f)
{
  guint64 v = get_u (buf, f);

  if (f->size > 0 && f->size < 8 && (v >> (f->size * 8 - 1)) & 1)
    v |= G_MAXUINT64 << (f->size * 8);
  return (gint64) v;
}

static void
add_reason (GString    **why,
            const char  *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
add_reason (GString    **why,
            const char  *format,
            ...)
{
  va_list args;

  if (*why == NULL)
    *why = g_string_new (NULL);
  else
    g_string_append (*why, "; ");
  va_start (args, format);
  g_string_append_vprintf (*why, format, args);
  va_end (args);
}

/* comm: printable text up to its NUL. Bad bytes become '?' so the name is always showable. */
static void
decode_comm (const guint8  *raw,
             gsize          len,
             char           out[HS_LINUX_TASK_COMM_LEN + 1],
             GString      **why)
{
  const char *end = NULL;
  gboolean not_text = FALSE;
  gsize n;

  len = MIN (len, HS_LINUX_TASK_COMM_LEN);
  for (n = 0; n < len && raw[n] != 0; n++)
    ;
  memcpy (out, raw, n);
  out[n] = '\0';

  if (n == len)
    add_reason (why, "comm is not NUL-terminated");
  else if (n == 0)
    add_reason (why, "comm is empty");

  for (gsize i = 0; i < n; i++)
    if ((guint8) out[i] < 0x20 || (guint8) out[i] == 0x7f)
      {
        if (!not_text)
          add_reason (why, "comm is not text (byte 0x%02x at position %" G_GSIZE_FORMAT ")",
                      (guint8) out[i], i);
        not_text = TRUE;
        out[i] = '?';
      }

  /* Names are UTF-8 when not ASCII; the kernel may have cut the last character at 15 bytes. */
  while (!g_utf8_validate (out, -1, &end))
    {
      gsize at = end - out;

      if (n == HS_LINUX_TASK_COMM_LEN - 1 && n - at < 4
          && g_utf8_get_char_validated (end, n - at) == (gunichar) -2)
        {
          out[at] = '\0';
          break;
        }
      if (!not_text)
        add_reason (why, "comm is not text (byte 0x%02x at position %" G_GSIZE_FORMAT ")",
                    (guint8) out[at], at);
      not_text = TRUE;
      out[at] = '?';
    }

  /* Valid UTF-8 can still be a control character: C1 (U+0080..U+009F) moves a terminal as C0
   * does. Each of its two bytes becomes '?', so the name stays valid and as long. */
  for (char *p = out; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x80 && c <= 0x9f)
        {
          if (!not_text)
            add_reason (why, "comm is not text (character U+%04X at position %" G_GSIZE_FORMAT
                        ")", c, (gsize) (p - out));
          not_text = TRUE;
          p[0] = '?';
          p[1] = '?';
        }
    }
}

/* ---- the layout, checked ------------------------------------------------------------------- */

/* Whether @f (@name) lies inside a structure of @size bytes, and is at most @max_size bytes
 * (0: any). */
static gboolean
check_field (const HsLinuxField  *f,
             const char          *name,
             guint64              size,
             guint64              max_size,
             GError             **error)
{
  if (f->size == 0)
    return TRUE;
  if (max_size != 0 && f->size > max_size)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot walk Linux's tasks: an impossible task layout: %s is %"
                   G_GUINT64_FORMAT " bytes, not a scalar of at most %" G_GUINT64_FORMAT,
                   name, f->size, max_size);
      return FALSE;
    }
  if (f->offset > size || f->size > size - f->offset)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot walk Linux's tasks: an impossible task layout: %s (%" G_GUINT64_FORMAT
                   " bytes at offset %" G_GUINT64_FORMAT ") lies outside its structure (at most %"
                   G_GUINT64_FORMAT " bytes)", name, f->size, f->offset, size);
      return FALSE;
    }
  return TRUE;
}

/* The layout is public, and its numbers come from a vmlinux that may be crafted: before a walk
 * allocates or reads anything with them, they must describe structures of a possible size with
 * every field inside. hs_linux_layout_new() checks the same with the names from the DWARF. */
static gboolean
check_layout (const HsLinuxLayout  *l,
              GError              **error)
{
  static const struct { const char *name; gsize at; guint64 max_size; } in_task[] = {
    { "task_struct.tasks", G_STRUCT_OFFSET (HsLinuxLayout, tasks), 0 },
    { "task_struct.tasks.next", G_STRUCT_OFFSET (HsLinuxLayout, tasks_next), 8 },
    { "task_struct.thread_group", G_STRUCT_OFFSET (HsLinuxLayout, thread_group), 0 },
    { "task_struct.thread_group.next", G_STRUCT_OFFSET (HsLinuxLayout, thread_group_next), 8 },
    { "task_struct.signal", G_STRUCT_OFFSET (HsLinuxLayout, signal), 8 },
    { "task_struct.thread_node", G_STRUCT_OFFSET (HsLinuxLayout, thread_node), 0 },
    { "task_struct.thread_node.next", G_STRUCT_OFFSET (HsLinuxLayout, thread_node_next), 8 },
    { "task_struct.pid", G_STRUCT_OFFSET (HsLinuxLayout, pid), 8 },
    { "task_struct.tgid", G_STRUCT_OFFSET (HsLinuxLayout, tgid), 8 },
    { "task_struct.real_parent", G_STRUCT_OFFSET (HsLinuxLayout, real_parent), 8 },
    { "task_struct.comm", G_STRUCT_OFFSET (HsLinuxLayout, comm), 0 },
    { "task_struct.state", G_STRUCT_OFFSET (HsLinuxLayout, state), 8 },
    { "task_struct.flags", G_STRUCT_OFFSET (HsLinuxLayout, flags), 8 },
    { "task_struct.mm", G_STRUCT_OFFSET (HsLinuxLayout, mm), 8 },
    { "task_struct.stack", G_STRUCT_OFFSET (HsLinuxLayout, stack), 8 },
    { "task_struct.cpu", G_STRUCT_OFFSET (HsLinuxLayout, cpu), 8 },
  };
  HsLinuxField thread_head_next;
  guint64 span_bytes = 0;

  if (l->task_size == 0 || l->task_size > MAX_STRUCT_SIZE)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot walk Linux's tasks: an impossible task layout: task_struct is %"
                   G_GUINT64_FORMAT " bytes (at most %u)", l->task_size, MAX_STRUCT_SIZE);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (in_task); i++)
    if (!check_field (G_STRUCT_MEMBER_P (l, in_task[i].at), in_task[i].name, l->task_size,
                      in_task[i].max_size, error))
      return FALSE;
  for (guint i = 0; i < HS_LINUX_N_CPU_CONTEXT; i++)
    {
      g_autofree char *name = g_strdup_printf ("task_struct.thread.cpu_context[%u]", i);

      if (!check_field (&l->cpu_context[i], name, l->task_size, 8, error))
        return FALSE;
    }
  /* A walk reads pgd..context.id of each mm in one piece, and thread_head.next whole. */
  thread_head_next = (HsLinuxField) { l->thread_head_next.offset, 8 };
  if (!check_field (&l->mm_pgd, "mm_struct.pgd", MAX_STRUCT_SIZE, 8, error)
      || !check_field (&l->mm_context_id, "mm_struct.context.id", MAX_STRUCT_SIZE, 8, error)
      || !check_field (&l->thread_head, "signal_struct.thread_head", MAX_STRUCT_SIZE, 0, error)
      || !check_field (&thread_head_next, "signal_struct.thread_head.next", MAX_STRUCT_SIZE, 8,
                       error))
    return FALSE;
  if (l->n_spans > G_N_ELEMENTS (l->spans))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot walk Linux's tasks: an impossible task layout: %u spans (at most %"
                   G_GSIZE_FORMAT ")", l->n_spans, G_N_ELEMENTS (l->spans));
      return FALSE;
    }
  for (guint i = 0; i < l->n_spans; i++)
    {
      if (!check_field (&l->spans[i], "a span of task_struct", l->task_size, 0, error))
        return FALSE;
      span_bytes += l->spans[i].size;
    }
  if (span_bytes != l->span_bytes)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot walk Linux's tasks: an impossible task layout: its spans add up to %"
                   G_GUINT64_FORMAT " bytes, not %" G_GUINT64_FORMAT, span_bytes, l->span_bytes);
      return FALSE;
    }
  return TRUE;
}

/* ---- the walk ------------------------------------------------------------------------------ */

typedef struct
{
  guint64 pgd;
  guint64 asid;
  char *problem;               /* why the mm is unusable, or NULL */
} MmInfo;

static void
mm_info_free (MmInfo *mm)
{
  g_free (mm->problem);
  g_free (mm);
}

typedef struct
{
  const HsLinuxLayout *layout;
  HsLinuxReadFunc read;
  HsLinuxReadvFunc readv;      /* NULL: whole task_structs through @read */
  gpointer user_data;
  guint64 init_task;

  GCancellable *cancellable;
  GHashTable *ahead;           /* task address (guint64 *) → its spans, packed, read ahead */
  GHashTable *ahead_mm;        /* mm address (guint64 *) → its pgd..context.id bytes */
  guint8 *ahead_data;          /* what both point into */

  GArray *tasks;               /* of HsLinuxTask, the caller's */
  guint first;                 /* tasks->len when the walk began */
  guint max_tasks;
  gint64 deadline;             /* monotonic: past it the walk stops, as at max_tasks */
  gboolean full;               /* max_tasks was reached */

  GHashTable *visited;         /* task address (guint64 *) → its index in @tasks + 1 */
  GHashTable *mms;             /* mm address (guint64 *) → MmInfo */
  GArray *parents;             /* real_parent of each appended task (guint64) */
  GPtrArray *warnings;
  guint n_warnings;

  guint8 *buf;                 /* layout->task_size bytes: the task_struct last read */
} Walk;

static void
warn (Walk       *w,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
warn (Walk       *w,
      const char *format,
      ...)
{
  va_list args;

  w->n_warnings++;
  if (w->warnings->len >= MAX_WARNINGS)
    return;
  va_start (args, format);
  g_ptr_array_add (w->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

static HsLinuxTask *
task_at (Walk  *w,
         guint  index)
{
  return &g_array_index (w->tasks, HsLinuxTask, index);
}

/* For messages: 'pid 42 "sh" (task 0xffff...)'. */
static char *
describe (const HsLinuxTask *task)
{
  return g_strdup_printf ("pid %d \"%s\" (task 0x%" G_GINT64_MODIFIER "x)",
                          task->pid, task->comm, task->task);
}

static void
walk_clear (Walk *w)
{
  g_clear_pointer (&w->ahead, g_hash_table_unref);
  g_clear_pointer (&w->ahead_mm, g_hash_table_unref);
  g_clear_pointer (&w->ahead_data, g_free);
}

static gboolean
is_visited (Walk    *w,
            guint64  address,
            guint   *index)
{
  gpointer value = g_hash_table_lookup (w->visited, &address);

  if (value == NULL)
    return FALSE;
  if (index != NULL)
    *index = GPOINTER_TO_UINT (value) - 1;
  return TRUE;
}

/* A task_struct's fields into w->buf: from what was read ahead, else in one round trip (its spans
 * through the vectored reader, or the whole structure through the plain one). */
static gboolean
read_task (Walk     *w,
           guint64   address,
           GError  **error)
{
  const HsLinuxLayout *l = w->layout;
  const guint8 *packed = w->ahead != NULL ? g_hash_table_lookup (w->ahead, &address) : NULL;
  HsLinuxRead reads[G_N_ELEMENTS (l->spans)];

  if (packed != NULL)
    {
      for (guint i = 0; i < l->n_spans; i++)
        {
          memcpy (w->buf + l->spans[i].offset, packed, l->spans[i].size);
          packed += l->spans[i].size;
        }
      return TRUE;
    }
  if (w->readv == NULL || l->n_spans == 0)
    return w->read (address, w->buf, l->task_size, w->user_data, error);
  for (guint i = 0; i < l->n_spans; i++)
    reads[i] = (HsLinuxRead) { address + l->spans[i].offset, w->buf + l->spans[i].offset,
                               l->spans[i].size, FALSE };
  if (!w->readv (reads, l->n_spans, w->user_data, error))
    return FALSE;
  for (guint i = 0; i < l->n_spans; i++)
    if (!reads[i].ok)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "its bytes 0x%" G_GINT64_MODIFIER "x..0x%" G_GINT64_MODIFIER "x are not "
                     "readable", reads[i].va, reads[i].va + reads[i].len - 1);
        return FALSE;
      }
  return TRUE;
}

/* The bytes of mm_struct a walk reads: from pgd to context.id, whichever comes first. */
static void
mm_range (const HsLinuxLayout *l,
          guint64             *start,
          guint64             *end)
{
  *start = l->mm_pgd.offset;
  *end = l->mm_pgd.offset + l->mm_pgd.size;
  if (l->mm_context_id.size != 0)
    {
      *start = MIN (*start, l->mm_context_id.offset);
      *end = MAX (*end, l->mm_context_id.offset + l->mm_context_id.size);
    }
}

/* Reads the previous walk's tasks and mms in one batch; what could be read is looked up by
 * read_task() and read_mm() instead of asking again. */
typedef struct
{
  guint64 address;
  guint first;                 /* its first piece in the batch */
  guint n;
  gboolean is_task;
} Ahead;

static void
read_ahead (Walk                *w,
            const HsLinuxReader *reader)
{
  const HsLinuxLayout *l = w->layout;
  guint n_tasks = MIN (reader->n_expect_tasks, w->max_tasks);
  guint n_mms = MIN (reader->n_expect_mms, w->max_tasks);
  guint64 mm_start, mm_end;
  g_autoptr(GArray) reads = g_array_new (FALSE, FALSE, sizeof (HsLinuxRead));
  g_autoptr(GArray) owners = g_array_new (FALSE, FALSE, sizeof (Ahead));
  gsize task_bytes, mm_bytes, total;
  guint8 *at;

  if (reader->readv == NULL || l->n_spans == 0 || (n_tasks == 0 && n_mms == 0))
    return;
  mm_range (l, &mm_start, &mm_end);
  /* max_tasks × (a few hundred bytes + one mm). Reading ahead only saves round trips: when that
   * is more memory than there is, the walk does without. */
  if (!g_size_checked_mul (&task_bytes, n_tasks, l->span_bytes)
      || !g_size_checked_mul (&mm_bytes, n_mms, mm_end - mm_start)
      || !g_size_checked_add (&total, task_bytes, mm_bytes)
      || (w->ahead_data = g_try_malloc (total)) == NULL)
    return;
  at = w->ahead_data;
  for (guint t = 0; t < n_tasks + n_mms; t++)
    {
      gboolean is_task = t < n_tasks;
      guint64 address = is_task ? reader->expect_tasks[t] : reader->expect_mms[t - n_tasks];
      Ahead owner = { address, reads->len, is_task ? l->n_spans : 1, is_task };

      if (!is_kernel_pointer (address) || address > G_MAXUINT64 - MAX (l->task_size, mm_end))
        continue;
      for (guint i = 0; i < owner.n; i++)
        {
          guint64 off = is_task ? l->spans[i].offset : mm_start;
          guint64 len = is_task ? l->spans[i].size : mm_end - mm_start;
          HsLinuxRead piece = { address + off, at, len, FALSE };

          g_array_append_val (reads, piece);
          at += len;
        }
      g_array_append_val (owners, owner);
    }
  /* A failing reader fails the walk's own reads just the same: nothing to report here. */
  if (!reader->readv ((HsLinuxRead *) reads->data, reads->len, reader->user_data, NULL))
    return;

  w->ahead = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  w->ahead_mm = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint o = 0; o < owners->len; o++)
    {
      const Ahead *owner = &g_array_index (owners, Ahead, o);
      gboolean ok = TRUE;

      for (guint i = 0; i < owner->n; i++)
        ok = ok && g_array_index (reads, HsLinuxRead, owner->first + i).ok;
      if (ok)
        g_hash_table_insert (owner->is_task ? w->ahead : w->ahead_mm,
                             g_memdup2 (&owner->address, sizeof owner->address),
                             g_array_index (reads, HsLinuxRead, owner->first).buf);
    }
}

/* mm->pgd and mm->context.id in one read of the bytes between them, once per mm. */
static const MmInfo *
read_mm (Walk    *w,
         guint64  mm)
{
  const HsLinuxLayout *l = w->layout;
  MmInfo *info = g_hash_table_lookup (w->mms, &mm);
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *buf = NULL;
  HsLinuxField pgd, id;
  guint64 start, end;

  const guint8 *ahead;

  if (info != NULL)
    return info;

  info = g_new0 (MmInfo, 1);
  g_hash_table_insert (w->mms, g_memdup2 (&mm, sizeof mm), info);

  mm_range (l, &start, &end);
  pgd = (HsLinuxField) { l->mm_pgd.offset - start, l->mm_pgd.size };
  id = (HsLinuxField) { l->mm_context_id.offset - start, l->mm_context_id.size };

  if (mm > G_MAXUINT64 - end)
    {
      info->problem = g_strdup_printf ("its mm 0x%" G_GINT64_MODIFIER "x is not a kernel address",
                                       mm);
      return info;
    }
  buf = g_malloc (end - start);
  ahead = w->ahead_mm != NULL ? g_hash_table_lookup (w->ahead_mm, &mm) : NULL;
  if (ahead != NULL)
    memcpy (buf, ahead, end - start);
  else if (!w->read (mm + start, buf, end - start, w->user_data, &local_error))
    {
      info->problem = g_strdup_printf ("cannot read its mm at 0x%" G_GINT64_MODIFIER "x: %s", mm,
                                       local_error->message);
      return info;
    }

  info->pgd = get_u (buf, &pgd);
  if (id.size != 0)
    info->asid = get_u (buf, &id);
  /* A page table that is not in kernel memory is never handed on to be walked. */
  if (!is_kernel_pointer (info->pgd))
    {
      info->problem = g_strdup_printf ("its page table (mm->pgd) 0x%" G_GINT64_MODIFIER "x is "
                                       "not a kernel address", info->pgd);
      info->pgd = 0;
    }
  return info;
}

/* Decodes the task_struct in w->buf, read from @address, and checks its values; @leader: the
 * group leader when this is a thread found on its list. */
static void
decode_task (Walk              *w,
             guint64            address,
             const HsLinuxTask *leader,
             HsLinuxTask       *task,
             guint64           *real_parent)
{
  const HsLinuxLayout *l = w->layout;
  const guint8 *buf = w->buf;
  g_autoptr(GString) why = NULL;
  gint64 pid, tgid;

  memset (task, 0, sizeof *task);
  task->task = address;
  task->ppid = -1;
  task->cpu = -1;

  pid = get_s (buf, &l->pid);
  tgid = get_s (buf, &l->tgid);
  task->pid = (gint) CLAMP (pid, G_MININT, G_MAXINT);
  task->tgid = (gint) CLAMP (tgid, G_MININT, G_MAXINT);
  if (pid < 0)
    add_reason (&why, "pid %" G_GINT64_FORMAT " is negative", pid);
  else if (pid == 0 && address != w->init_task)
    add_reason (&why, "pid 0 belongs to the idle tasks, which are never on the task lists");
  else if (pid > HS_LINUX_PID_MAX_LIMIT)
    add_reason (&why, "pid %" G_GINT64_FORMAT " is over the kernel's limit of %d", pid,
                HS_LINUX_PID_MAX_LIMIT);
  if (tgid < 0)
    add_reason (&why, "thread group id %" G_GINT64_FORMAT " is negative", tgid);
  else if (tgid > HS_LINUX_PID_MAX_LIMIT)
    add_reason (&why, "thread group id %" G_GINT64_FORMAT " is over the kernel's limit of %d",
                tgid, HS_LINUX_PID_MAX_LIMIT);

  if (leader != NULL && task->tgid != leader->tgid)
    add_reason (&why, "its thread group id %d differs from its group leader's %d", task->tgid,
                leader->tgid);

  decode_comm (buf + l->comm.offset, l->comm.size, task->comm, &why);

  task->state = get_u (buf, &l->state);
  task->flags = get_u (buf, &l->flags);
  task->is_thread = task->pid != task->tgid;

  task->mm = get_u (buf, &l->mm);
  if (task->mm != 0 && !is_kernel_pointer (task->mm))
    add_reason (&why, "its mm 0x%" G_GINT64_MODIFIER "x is not a kernel address", task->mm);
  else if (task->mm != 0)
    {
      const MmInfo *mm = read_mm (w, task->mm);

      task->pgd = mm->pgd;
      task->asid = mm->asid;
      if (mm->problem != NULL)
        add_reason (&why, "%s", mm->problem);
    }
  task->kernel_thread = (task->flags & HS_LINUX_PF_KTHREAD) != 0 || task->mm == 0;

  task->stack = get_u (buf, &l->stack);
  if (task->stack != 0 && (!is_kernel_address (task->stack) || (task->stack & 0xfff) != 0))
    add_reason (&why, "its kernel stack 0x%" G_GINT64_MODIFIER "x is not a page of kernel memory",
                task->stack);

  if (l->cpu.size != 0)
    {
      guint64 cpu = get_u (buf, &l->cpu);

      if (cpu < MAX_CPUS)
        task->cpu = (gint) cpu;
      else
        add_reason (&why, "it last ran on CPU %" G_GUINT64_FORMAT ", more than Linux supports",
                    cpu);
    }

  for (guint i = 0; i < HS_LINUX_N_CPU_CONTEXT; i++)
    task->cpu_context[i] = get_u (buf, &l->cpu_context[i]);

  *real_parent = get_u (buf, &l->real_parent);

  if (why != NULL)
    {
      task->corrupt = TRUE;
      task->corrupt_reason = g_string_free (g_steal_pointer (&why), FALSE);
    }
}

static guint
append_task (Walk        *w,
             HsLinuxTask *task,
             guint64      real_parent)
{
  guint index = w->tasks->len;

  g_array_append_val (w->tasks, *task);
  g_array_append_val (w->parents, real_parent);
  g_hash_table_insert (w->visited, g_memdup2 (&task->task, sizeof task->task),
                       GUINT_TO_POINTER (index + 1));
  return index;
}

/* Whether one more task may be appended; warns once when not. */
static gboolean
has_room (Walk *w)
{
  if (w->full)
    return FALSE;
  if (g_cancellable_is_cancelled (w->cancellable))
    {
      w->full = TRUE;
      warn (w, "the walk was cancelled after %u tasks", w->tasks->len - w->first);
      return FALSE;
    }
  /* Each read has its own deadline on the probe, not the walk: a stub that answers slowly
   * would make thousands of slow reads. */
  if (g_get_monotonic_time () > w->deadline)
    {
      w->full = TRUE;
      warn (w, "the walk was cut short after %u tasks: it took more than %u s",
            w->tasks->len - w->first, HS_LINUX_WALK_SECONDS);
      return FALSE;
    }
  if (w->tasks->len - w->first < w->max_tasks)
    return TRUE;
  w->full = TRUE;
  warn (w, "the walk stops at %u tasks, its limit: there are more, or a list is corrupt",
        w->max_tasks);
  return FALSE;
}

/* Walks one thread group's list from @next (the leader's own entry excepted) until it returns to
 * @head. @link is the list_head in task_struct that is on the list. */
static void
walk_threads (Walk               *w,
              guint               leader_index,
              guint64             head,
              guint64             next,
              const HsLinuxField *link,
              const HsLinuxField *link_next,
              guint64             leader_link_next)
{
  const HsLinuxLayout *l = w->layout;
  gboolean leader_seen = FALSE;
  g_autofree char *leader = describe (task_at (w, leader_index));
  g_autofree char *after = g_strdup ("at its start");
  guint n_threads = 0;

  while (next != head)
    {
      g_autoptr(GError) local_error = NULL;
      HsLinuxTask task;
      guint64 address, parent, following;
      const char *problem;
      guint seen;

      if ((problem = pointer_problem (next, link->offset)) != NULL)
        {
          warn (w, "the thread list of %s stops %s: its next pointer 0x%" G_GINT64_MODIFIER "x is "
                "%s", leader, after, next, problem);
          return;
        }
      address = next - link->offset;

      /* On signal->thread_head the leader is a member like the others. */
      if (address == task_at (w, leader_index)->task && !leader_seen)
        {
          leader_seen = TRUE;
          next = leader_link_next;
          continue;
        }
      if (is_visited (w, address, &seen))
        {
          g_autofree char *again = describe (task_at (w, seen));

          warn (w, "the thread list of %s stops %s: it loops back to %s instead of returning to "
                "its group leader", leader, after, again);
          return;
        }
      if (n_threads >= HS_LINUX_MAX_THREADS)
        {
          warn (w, "the thread list of %s stops at %u threads, the limit for one process: there "
                "are more, or the list is corrupt", leader, HS_LINUX_MAX_THREADS);
          return;
        }
      if (!has_room (w))
        return;
      if (address > G_MAXUINT64 - l->task_size || !read_task (w, address, &local_error))
        {
          warn (w, "the thread list of %s stops %s: cannot read the task_struct at 0x%"
                G_GINT64_MODIFIER "x (%s)", leader, after, address,
                local_error != NULL ? local_error->message : "it ends past the address space");
          return;
        }

      following = get_u (w->buf, link_next);
      decode_task (w, address, task_at (w, leader_index), &task, &parent);
      append_task (w, &task, parent);
      n_threads++;
      g_free (after);
      {
        g_autofree char *who = describe (&task);

        after = g_strdup_printf ("after %s", who);
      }
      next = following;
    }
}

/* After the leader at @leader_index was decoded from w->buf: its threads. */
static void
walk_group (Walk  *w,
            guint  leader_index)
{
  const HsLinuxLayout *l = w->layout;
  guint64 leader = task_at (w, leader_index)->task;

  if (l->use_thread_group)
    {
      walk_threads (w, leader_index, leader + l->thread_group.offset,
                    get_u (w->buf, &l->thread_group_next), &l->thread_group,
                    &l->thread_group_next, 0);
    }
  else
    {
      g_autoptr(GError) local_error = NULL;
      guint64 signal = get_u (w->buf, &l->signal);
      guint64 leader_next = get_u (w->buf, &l->thread_node_next);
      guint8 raw[8];
      HsLinuxField at0 = { 0, 8 };

      /* A reaped zombie has no signal_struct any more, and no threads. */
      if (signal == 0)
        return;
      if (!is_kernel_pointer (signal) || signal > G_MAXUINT64 - l->thread_head.offset - 16)
        {
          g_autofree char *who = describe (task_at (w, leader_index));

          warn (w, "the threads of %s are not shown: its signal_struct pointer 0x%"
                G_GINT64_MODIFIER "x is not a kernel address", who, signal);
          return;
        }
      if (!w->read (signal + l->thread_head_next.offset, raw, sizeof raw, w->user_data,
                    &local_error))
        {
          g_autofree char *who = describe (task_at (w, leader_index));

          warn (w, "the threads of %s are not shown: cannot read signal->thread_head at 0x%"
                G_GINT64_MODIFIER "x (%s)", who, signal + l->thread_head_next.offset,
                local_error->message);
          return;
        }
      walk_threads (w, leader_index, signal + l->thread_head.offset, get_u (raw, &at0),
                    &l->thread_node, &l->thread_node_next, leader_next);
    }
}

/* ppid: real_parent->tgid, from the list when the parent is on it (always, unless corrupt). */
static void
resolve_parents (Walk *w)
{
  const HsLinuxLayout *l = w->layout;
  g_autoptr(GHashTable) others = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        NULL);

  for (guint i = w->first; i < w->tasks->len; i++)
    {
      HsLinuxTask *task = task_at (w, i);
      guint64 parent = g_array_index (w->parents, guint64, i - w->first);
      gint64 tgid = -1;
      guint index;

      if (is_visited (w, parent, &index))
        tgid = task_at (w, index)->tgid;
      else if (is_kernel_pointer (parent) && parent <= G_MAXUINT64 - l->task_size)
        {
          gpointer cached;

          if (g_hash_table_lookup_extended (others, &parent, NULL, &cached))
            tgid = GPOINTER_TO_INT (cached);
          else
            {
              guint8 raw[8] = { 0 };
              HsLinuxField at0 = { 0, l->tgid.size };

              if (w->read (parent + l->tgid.offset, raw, l->tgid.size, w->user_data, NULL))
                tgid = get_s (raw, &at0);
              if (tgid < 0 || tgid > HS_LINUX_PID_MAX_LIMIT)
                tgid = -1;
              g_hash_table_insert (others, g_memdup2 (&parent, sizeof parent),
                                   GINT_TO_POINTER ((gint) tgid));
            }
        }
      task->ppid = tgid >= 0 && tgid <= HS_LINUX_PID_MAX_LIMIT ? (gint) tgid : -1;
    }
}

static void
walk_processes (Walk    *w,
                guint64  init_task)
{
  const HsLinuxLayout *l = w->layout;
  guint64 head = init_task + l->tasks.offset;
  guint index = w->tasks->len - 1;      /* init_task, appended and still in w->buf */

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *previous = NULL;
      guint64 next = get_u (w->buf, &l->tasks_next);
      guint64 address, parent;
      const char *problem;
      HsLinuxTask task;
      guint seen;

      walk_group (w, index);
      if (next == head)
        return;

      previous = describe (task_at (w, index));
      if ((problem = pointer_problem (next, l->tasks.offset)) != NULL)
        {
          warn (w, "the process list stops after %s: its next pointer 0x%" G_GINT64_MODIFIER "x "
                "is %s", previous, next, problem);
          return;
        }
      address = next - l->tasks.offset;
      if (is_visited (w, address, &seen))
        {
          g_autofree char *again = describe (task_at (w, seen));

          warn (w, "the process list stops after %s: it loops back to %s instead of returning "
                "to init_task", previous, again);
          return;
        }
      if (!has_room (w))
        return;
      if (address > G_MAXUINT64 - l->task_size || !read_task (w, address, &local_error))
        {
          warn (w, "the process list stops after %s: cannot read the next task_struct at 0x%"
                G_GINT64_MODIFIER "x (%s)", previous, address,
                local_error != NULL ? local_error->message : "it ends past the address space");
          return;
        }

      /* w->buf now holds this process: its threads are walked at the top of the loop. */
      decode_task (w, address, NULL, &task, &parent);
      index = append_task (w, &task, parent);
    }
}

gboolean
hs_linux_read_tasks (const HsLinuxLayout  *layout,
                     HsSymbolFile         *vmlinux,
                     guint64               offset,
                     HsLinuxReadFunc       read,
                     gpointer              user_data,
                     guint                 max_tasks,
                     GArray               *tasks,
                     char                **warning,
                     GError              **error)
{
  HsLinuxReader reader = { .read = read, .user_data = user_data };

  return hs_linux_walk_tasks (layout, vmlinux, offset, &reader, max_tasks, tasks, warning, error);
}

gboolean
hs_linux_walk_tasks (const HsLinuxLayout  *layout,
                     HsSymbolFile         *vmlinux,
                     guint64               offset,
                     const HsLinuxReader  *reader,
                     guint                 max_tasks,
                     GArray               *tasks,
                     char                **warning,
                     GError              **error)
{
  g_autoptr(GHashTable) visited = NULL;
  g_autoptr(GHashTable) mms = NULL;
  g_autoptr(GArray) parents = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autofree guint8 *buf = NULL;
  g_autoptr(GError) local_error = NULL;
  HsLinuxTask init = { 0 };
  guint64 init_task, parent;
  HsSymbol sym;
  Walk w;

  g_return_val_if_fail (layout != NULL && layout->task_size > 0, FALSE);
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (vmlinux), FALSE);
  g_return_val_if_fail (reader != NULL && reader->read != NULL, FALSE);
  g_return_val_if_fail (tasks != NULL, FALSE);
  g_return_val_if_fail (g_array_get_element_size (tasks) == sizeof (HsLinuxTask), FALSE);
  g_return_val_if_fail (warning == NULL || *warning == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_layout (layout, error))
    return FALSE;
  if (!hs_symbol_file_lookup (vmlinux, "init_task", &sym))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no symbol init_task: is it a Linux vmlinux?",
                   hs_symbol_file_get_path (vmlinux));
      return FALSE;
    }
  init_task = sym.address + offset;

  buf = g_malloc0 (layout->task_size);
  visited = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  mms = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) mm_info_free);
  parents = g_array_new (FALSE, FALSE, sizeof (guint64));
  warnings = g_ptr_array_new_with_free_func (g_free);
  w = (Walk) {
    .layout = layout,
    .read = reader->read,
    .readv = reader->readv,
    .user_data = reader->user_data,
    .cancellable = reader->cancellable,
    .init_task = init_task,
    .tasks = tasks,
    .first = tasks->len,
    .max_tasks = max_tasks != 0 ? max_tasks : HS_LINUX_MAX_TASKS,
    .deadline = g_get_monotonic_time () + (gint64) HS_LINUX_WALK_SECONDS * G_USEC_PER_SEC,
    .visited = visited,
    .mms = mms,
    .parents = parents,
    .warnings = warnings,
    .buf = buf,
  };

  if (!is_kernel_pointer (init_task) || init_task > G_MAXUINT64 - layout->task_size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "init_task would be at 0x%" G_GINT64_MODIFIER "x, which is not a kernel "
                   "address: is the load offset 0x%" G_GINT64_MODIFIER "x right?", init_task,
                   offset);
      return FALSE;
    }
  read_ahead (&w, reader);
  if (!read_task (&w, init_task, &local_error))
    {
      walk_clear (&w);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "cannot read Linux's init_task at 0x%" G_GINT64_MODIFIER "x: ",
                                  init_task);
      return FALSE;
    }
  decode_task (&w, init_task, NULL, &init, &parent);
  if (init.corrupt || init.pid != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "init_task at 0x%" G_GINT64_MODIFIER "x does not look like Linux's first task "
                   "(%s): is %s the running kernel, and its load offset 0x%" G_GINT64_MODIFIER
                   "x right?", init_task,
                   init.corrupt_reason != NULL ? init.corrupt_reason : "its pid is not 0",
                   hs_symbol_file_get_path (vmlinux), offset);
      hs_linux_task_clear (&init);
      walk_clear (&w);
      return FALSE;
    }
  append_task (&w, &init, parent);
  walk_processes (&w, init_task);
  resolve_parents (&w);
  walk_clear (&w);

  if (warning != NULL && w.n_warnings > 0)
    {
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < warnings->len; i++)
        g_string_append_printf (s, "%s%s", i > 0 ? "; " : "", (char *) warnings->pdata[i]);
      if (w.n_warnings > warnings->len)
        g_string_append_printf (s, "; and %u more problems", w.n_warnings - warnings->len);
      *warning = g_string_free (s, FALSE);
    }
  return TRUE;
}

gboolean
hs_linux_read_task (const HsLinuxLayout  *layout,
                    const HsLinuxReader  *reader,
                    guint64               address,
                    HsLinuxTask          *task,
                    GError              **error)
{
  g_autoptr(GHashTable) visited = NULL;
  g_autoptr(GHashTable) mms = NULL;
  g_autoptr(GArray) parents = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree guint8 *buf = NULL;
  guint64 parent = 0;
  gint64 tgid = -1;
  Walk w;

  g_return_val_if_fail (layout != NULL && layout->task_size > 0, FALSE);
  g_return_val_if_fail (reader != NULL && reader->read != NULL, FALSE);
  g_return_val_if_fail (task != NULL, FALSE);

  memset (task, 0, sizeof *task);
  if (!check_layout (layout, error))
    return FALSE;
  if (!is_kernel_pointer (address) || address > G_MAXUINT64 - layout->task_size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "0x%" G_GINT64_MODIFIER "x is not a task: not a kernel address", address);
      return FALSE;
    }
  buf = g_malloc0 (layout->task_size);
  visited = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  mms = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) mm_info_free);
  parents = g_array_new (FALSE, FALSE, sizeof (guint64));
  warnings = g_ptr_array_new_with_free_func (g_free);
  tasks = g_array_new (FALSE, TRUE, sizeof (HsLinuxTask));
  w = (Walk) {
    .layout = layout,
    .read = reader->read,
    .readv = reader->readv,
    .user_data = reader->user_data,
    .tasks = tasks,
    .max_tasks = 1,
    .deadline = G_MAXINT64,
    .visited = visited,
    .mms = mms,
    .parents = parents,
    .warnings = warnings,
    .buf = buf,
  };
  if (!read_task (&w, address, error))
    {
      g_prefix_error (error, "cannot read the task_struct at 0x%" G_GINT64_MODIFIER "x: ",
                      address);
      return FALSE;
    }
  /* The caller knows whether a pid 0 here is an idle task it wants: do not call it corrupt. */
  w.init_task = address;
  decode_task (&w, address, NULL, task, &parent);
  if (is_kernel_pointer (parent) && parent <= G_MAXUINT64 - layout->task_size)
    {
      guint8 raw[8] = { 0 };
      HsLinuxField at0 = { 0, layout->tgid.size };

      if (parent == address)
        tgid = task->tgid;
      else if (reader->read (parent + layout->tgid.offset, raw, layout->tgid.size,
                             reader->user_data, NULL))
        tgid = get_s (raw, &at0);
    }
  task->ppid = tgid >= 0 && tgid <= HS_LINUX_PID_MAX_LIMIT ? (gint) tgid : -1;
  return TRUE;
}

gboolean
hs_linux_task_pt_regs (const HsLinuxLayout *layout,
                       const HsLinuxTask   *task,
                       guint64             *address,
                       guint64             *size)
{
  g_return_val_if_fail (layout != NULL, FALSE);
  g_return_val_if_fail (task != NULL, FALSE);

  if (layout->thread_size == 0 || layout->pt_regs_size == 0
      || layout->pt_regs_size > layout->thread_size)
    return FALSE;
  if (!is_kernel_address (task->stack) || (task->stack & 7) != 0
      || task->stack > G_MAXUINT64 - layout->thread_size + 1)
    return FALSE;
  if (address != NULL)
    *address = task->stack + layout->thread_size - layout->pt_regs_size;
  if (size != NULL)
    *size = layout->pt_regs_size;
  return TRUE;
}
