/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-logs.c: the kernel logs, the main thread's side: HsLog, the immutable result of one
 * read, and which of its lines are new since an earlier halt.
 *
 * The worker reads the log and makes the HsLog (hs-target-logs.c); it reaches the main thread
 * with the job's result, where its new lines are marked from HsEngine.log_marks (main thread
 * only) before anyone else sees it. From then on nothing changes it: views and commands may
 * keep it, and any thread may read it.
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-engine-private.h"

struct _HsLog
{
  /* Immutable after hs_engine_read_log_finish() hands it out */
  guint machine;
  gboolean hypervisor;
  GArray *lines;                /* of HsLogLine, oldest first */
  guint first_new;
  gboolean has_earlier;
  char *source;
  char *warning;
};

G_DEFINE_BOXED_TYPE (HsLog, hs_log, hs_log_ref, hs_log_unref)

static void
log_clear (HsLog *log)
{
  g_clear_pointer (&log->lines, g_array_unref);
  g_clear_pointer (&log->source, g_free);
  g_clear_pointer (&log->warning, g_free);
}

HsLog *
hs_log_new (guint       machine,
            gboolean    hypervisor,
            GArray     *lines,
            guint       first_new,
            const char *source,
            const char *warning)
{
  HsLog *log;

  g_return_val_if_fail (lines != NULL, NULL);
  g_return_val_if_fail (g_array_get_element_size (lines) == sizeof (HsLogLine), NULL);

  log = g_atomic_rc_box_new0 (HsLog);
  log->machine = machine;
  log->hypervisor = hypervisor;
  log->lines = lines;
  log->has_earlier = first_new <= lines->len;
  log->first_new = MIN (first_new, lines->len);
  log->source = g_strdup (source);
  log->warning = g_strdup (warning);
  return log;
}

HsLog *
hs_log_ref (HsLog *log)
{
  g_return_val_if_fail (log != NULL, NULL);

  return g_atomic_rc_box_acquire (log);
}

void
hs_log_unref (HsLog *log)
{
  if (log != NULL)
    g_atomic_rc_box_release_full (log, (GDestroyNotify) log_clear);
}

guint
hs_log_get_machine (const HsLog *log)
{
  g_return_val_if_fail (log != NULL, 0);

  return log->machine;
}

gboolean
hs_log_is_hypervisor (const HsLog *log)
{
  g_return_val_if_fail (log != NULL, FALSE);

  return log->hypervisor;
}

guint
hs_log_get_n_lines (const HsLog *log)
{
  g_return_val_if_fail (log != NULL, 0);

  return log->lines->len;
}

const HsLogLine *
hs_log_get_line (const HsLog *log,
                 guint        index)
{
  g_return_val_if_fail (log != NULL, NULL);
  g_return_val_if_fail (index < log->lines->len, NULL);

  return &g_array_index (log->lines, HsLogLine, index);
}

guint
hs_log_get_first_new (const HsLog *log)
{
  g_return_val_if_fail (log != NULL, 0);

  return log->first_new;
}

gboolean
hs_log_has_earlier (const HsLog *log)
{
  g_return_val_if_fail (log != NULL, FALSE);

  return log->has_earlier;
}

const char *
hs_log_get_source (const HsLog *log)
{
  g_return_val_if_fail (log != NULL, NULL);

  return log->source;
}

const char *
hs_log_get_warning (const HsLog *log)
{
  g_return_val_if_fail (log != NULL, NULL);

  return log->warning;
}

char *
hs_log_format_line (const HsLog *log,
                    guint        index)
{
  const HsLogLine *l;

  g_return_val_if_fail (log != NULL, NULL);
  g_return_val_if_fail (index < log->lines->len, NULL);

  l = &g_array_index (log->lines, HsLogLine, index);
  if (log->hypervisor)
    return g_strdup (l->text);
  /* dmesg -r: the syslog priority, then the console's "[%5lu.%06lu] ". */
  return g_strdup_printf ("<%u>[%5" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT "] %s",
                          l->facility * 8 + (guint) CLAMP (l->level, 0, 7),
                          l->ts_nsec / 1000000000, l->ts_nsec % 1000000000 / 1000, l->text);
}

/* ---- what is new ------------------------------------------------------------------------ */

/* The newest record (Linux: seq; Xen: ring position) reads of one machine's log saw, at the
 * last halt it was read at and at the halt before that one. */
typedef struct
{
  guint halt;                   /* HsEngine.halt_generation of the last read */
  guint64 newest;
  gboolean has_before;
  guint before_halt;
  guint64 before;
} LogMark;

/* Marks @log's new lines: those past the newest one a read at an earlier halt than @halt saw. */
static void
mark_new_lines (HsEngine *self,
                HsLog    *log,
                guint     halt)
{
  LogMark *mark;
  guint64 newest = 0, earlier = 0;
  gboolean has_earlier = FALSE;

  if (self->log_marks == NULL)
    self->log_marks = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  mark = g_hash_table_lookup (self->log_marks, GUINT_TO_POINTER (log->machine));
  if (log->lines->len > 0)
    newest = g_array_index (log->lines, HsLogLine, log->lines->len - 1).seq;

  if (mark == NULL)
    {
      mark = g_new0 (LogMark, 1);
      mark->halt = halt;
      mark->newest = newest;
      g_hash_table_insert (self->log_marks, GUINT_TO_POINTER (log->machine), mark);
    }
  else if (halt > mark->halt)
    {
      /* The first read at this halt: the last one becomes the earlier halt's. */
      mark->has_before = TRUE;
      mark->before_halt = mark->halt;
      mark->before = mark->newest;
      mark->halt = halt;
      mark->newest = newest;
    }
  else if (halt == mark->halt)
    mark->newest = MAX (mark->newest, newest);
  /* A read that completes after a newer halt's (the target ran in between) tells by what it
   * can: the earlier halt's if that one is still older than its own. */
  if (mark->has_before && mark->before_halt < halt)
    {
      earlier = mark->before;
      has_earlier = TRUE;
    }
  /* A log that went backwards is another one (the guest rebooted): nothing to compare with. */
  if (has_earlier && newest < earlier)
    has_earlier = FALSE;

  log->has_earlier = has_earlier;
  log->first_new = log->lines->len;
  if (!has_earlier)
    return;
  while (log->first_new > 0
         && g_array_index (log->lines, HsLogLine, log->first_new - 1).seq > earlier)
    log->first_new--;
}

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct
{
  GTask *user_task;             /* owned */
  guint halt;                   /* the halt the read was asked at */
} ReadLog;

static void
log_read (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  ReadLog *r = user_data;
  GError *error = NULL;
  HsLog *log = g_task_propagate_pointer (G_TASK (result), &error);

  if (log == NULL)
    {
      if (hs_engine_is_connection_error (error))
        hs_engine_connection_lost (self, error);
      g_task_return_error (r->user_task, error);
    }
  else
    {
      mark_new_lines (self, log, r->halt);
      g_task_return_pointer (r->user_task, log, (GDestroyNotify) hs_log_unref);
    }
  g_object_unref (r->user_task);
  g_free (r);
}

void
hs_engine_read_log_async (HsEngine            *self,
                          guint                machine,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) job = NULL;
  GError *error = NULL;
  ReadLog *r;

  g_return_if_fail (HS_IS_ENGINE (self));

  task = hs_engine_new_halted_task (self, hs_engine_read_log_async, cancellable, callback,
                                    user_data);
  if (task == NULL)
    return;
  if (!hs_engine_check_machine (self, machine, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  r = g_new0 (ReadLog, 1);
  r->user_task = g_steal_pointer (&task);
  r->halt = self->halt_generation;
  job = g_task_new (self, cancellable, log_read, r);
  hs_engine_queue_job (self, job, hs_target_read_log_job, GUINT_TO_POINTER (machine), NULL);
}

HsLog *
hs_engine_read_log_finish (HsEngine      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hs_engine_read_log_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
