/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-sync"

#include "config.h"

#include "hs-sync.h"

static GQuark
thread_func_quark (void)
{
  static GQuark q;

  if (G_UNLIKELY (q == 0))
    q = g_quark_from_static_string ("hs-thread-func");
  return q;
}

static void
thread_trampoline (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GTaskThreadFunc func;

  hs_handover_acquire (task);
  func = (GTaskThreadFunc) g_object_get_qdata (G_OBJECT (task), thread_func_quark ());
  func (task, source_object, task_data, cancellable);
  /* A threaded GTask completes when its function returns, not when it calls g_task_return_*
   * (without return-on-cancel, which nobody here sets): releasing now still comes before the
   * callback's acquire in hs_task_propagate_*. */
  hs_handover_release (task);
}

void
hs_task_run_in_thread (GTask           *task,
                       GTaskThreadFunc  func)
{
  g_object_set_qdata (G_OBJECT (task), thread_func_quark (), (gpointer) func);
  hs_handover_release (task);
  g_task_run_in_thread (task, thread_trampoline);
}

gpointer
hs_task_propagate_pointer (GTask   *task,
                           GError **error)
{
  hs_handover_acquire (task);
  return g_task_propagate_pointer (task, error);
}

gboolean
hs_task_propagate_boolean (GTask   *task,
                           GError **error)
{
  hs_handover_acquire (task);
  return g_task_propagate_boolean (task, error);
}
