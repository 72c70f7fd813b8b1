/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-frame.c: Frame.view: a task's call stack, or Xen's on a core.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"

static void
frames_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autofree char *stop = NULL;
  g_autoptr(GArray) frames = hs_engine_task_frames_finish (HS_ENGINE (object), result, &stop,
                                                           &error);
  g_autofree char *prefix = g_strdup_printf ("%u:::", *(guint *) call->state);

  if (frames == NULL)
    {
      g_prefix_error (&error, "Frame.view: ");
      hs_call_return (call, error);
      return;
    }
  for (guint i = 0; i < frames->len; i++)
    {
      g_autofree char *line = hs_frame_format (&g_array_index (frames, HsFrame, i), prefix);

      g_string_append_printf (call->out, "%s\n", line);
    }
  if (stop)
    g_string_append_printf (call->out, "(%s)\n", stop);
  hs_call_return (call, NULL);
}

static void
cmd_frame_view (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  HsTask *task;
  const char *machine = hs_call_option (call, "MACHINE");
  guint *frames_machine = hs_call_new_state (call, guint, NULL);
  guint64 v = 0;
  gboolean xen;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  if (machine != NULL)
    {
      if (!hs_call_eval_number (call, machine, "/MACHINE", &v))
        return;
      xen = v == 0;
    }
  else
    xen = hs_call_option (call, "TASK") == NULL && hs_engine_get_current_machine (engine) == 0;
  /* Machine 0: Xen's stack on a core, /CORE n or the current one. */
  if (xen)
    {
      guint core = hs_engine_get_current_core (engine);
      const char *core_text = hs_call_option (call, "CORE");

      if (core_text)
        {
          if (!hs_call_eval_number (call, core_text, "/CORE", &v))
            return;
          if (v >= hs_engine_get_n_cores (engine))
            {
              hs_call_fail (call, "Frame.view: core %" G_GUINT64_FORMAT " does not exist", v);
              return;
            }
          core = (guint) v;
        }
      if (hs_core_get_exception_level (hs_engine_get_core (engine, core)) < 2)
        {
          hs_call_fail (call, "Frame.view: core %u is inside machine %u, not in Xen; use "
                        "Frame.view /MACHINE %u /TASK name for the guest's stack", core,
                        hs_engine_get_core_machine (engine, core),
                        hs_engine_get_core_machine (engine, core));
          return;
        }
      g_string_append_printf (call->out, "Xen on core %u\n", core);
      hs_engine_core_frames_async (engine, core, NULL, frames_done, call);
      return;
    }
  if ((task = hs_call_resolve_task (call)) == NULL)
    return;
  hs_call_append_task_line (call, task);
  *frames_machine = hs_task_get_machine (task);
  hs_engine_task_frames_async (hs_call_engine (call), task, NULL, frames_done, call);
}

static const OptionSpec task_options[] = { { "MACHINE", TRUE }, { "TASK", TRUE },
                                           { "CORE", TRUE }, { NULL } };

const CommandSpec hs_frame_commands[] = {
  { "Frame.view", "Frame.view [/MACHINE n] [/TASK name|pid] [/CORE n]",
    "a task's call stack, with functions and source lines", 0, 0, task_options,
    cmd_frame_view, .needs_tasks = TRUE },
  { NULL }
};
