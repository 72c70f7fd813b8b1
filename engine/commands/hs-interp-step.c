/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-step.c: Step.Hll and Step.Over /Hll — a source line at a time.
 *
 * The probe steps instructions; a source line is as many as it takes for
 * the pc to reach another line (or leave the function). Into: every
 * instruction, calls included. Over: a call runs to its return with a
 * temporary breakpoint that only the stepping task can hit. Bounded: a
 * line that does not end within HLL_MAX_STEPS instructions is reported.
 */
#include "config.h"

#include "hs-arm64.h"
#include "hs-interp-private.h"

#include <string.h>

#define HLL_MAX_STEPS 4000

static void hll_next (Call *call);

static gboolean
core_line (Call     *call,
           guint64  *pc,
           char    **file,
           guint    *line)
{
  HsEngine *engine = hs_call_engine (call);
  HsCore *core = hs_engine_get_core (engine, call->core);

  *file = NULL;
  *line = 0;
  if (core == NULL || !hs_core_get_register_by_name (core, "pc", pc))
    return FALSE;
  return hs_engine_lookup_line (engine, hs_engine_get_core_machine (engine, call->core),
                                *pc < G_GUINT64_CONSTANT (0xffff000000000000) ? call->hll_space
                                                                              : 0,
                                *pc, file, line);
}

/* Done when the pc is on another line than where the step began. */
static gboolean
hll_done (Call *call)
{
  g_autofree char *file = NULL;
  guint line;
  guint64 pc;

  if (!core_line (call, &pc, &file, &line))
    return FALSE;  /* no line here (an assembly helper): keep going to one that has */
  return line != call->hll_line || g_strcmp0 (file, call->hll_file) != 0;
}

static void
hll_finish (Call *call)
{
  g_autofree char *stop = hs_engine_describe_stop (hs_call_engine (call));
  g_autofree char *file = NULL;
  guint line;
  guint64 pc;

  if (core_line (call, &pc, &file, &line))
    g_string_append_printf (call->out, "%s:%u\n", file, line);
  if (stop != NULL)
    g_string_append_printf (call->out, "%s\n", stop);
  hs_call_return (call, NULL);
}

static void
hll_step_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_step_finish (HS_ENGINE (object), result, &error))
    {
      g_prefix_error (&error, "%s: ", call->spec->name);
      hs_call_return (call, error);
      return;
    }
  hll_next (call);
}

static void
hll_disconnect (HsEngine *engine,
                Call     *call)
{
  if (call->hll_handler != 0)
    g_signal_handler_disconnect (engine, call->hll_handler);
  if (call->hll_detach_handler != 0)
    g_signal_handler_disconnect (engine, call->hll_detach_handler);
  call->hll_handler = call->hll_detach_handler = 0;
}

/* The probe went away while a call ran to its return: the step cannot end. */
static void
hll_detached (HsEngine *engine,
              GError   *why,
              Call     *call)
{
  hll_disconnect (engine, call);
  hs_call_fail (call, "%s: the target went away during the step%s%s", call->spec->name,
                why ? ": " : "", why ? why->message : "");
}

static void
hll_halted (HsEngine *engine,
            HsCore   *core,
            gint      reason,
            Call     *call)
{
  hll_disconnect (engine, call);
  /* Not our return breakpoint (the user's Break, another breakpoint): the step ends here. */
  if (reason != HS_STOP_REASON_BREAKPOINT || hs_engine_get_last_breakpoint (engine) != NULL)
    {
      g_string_append_printf (call->out, "the step over the call was interrupted (%s)\n",
                              hs_stop_reason_to_string (reason));
      call->core = hs_engine_get_last_stop (engine)->core;
      hll_finish (call);
      return;
    }
  call->core = hs_engine_get_last_stop (engine)->core;
  hll_next (call);
}

static void
hll_go_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_go_finish (HS_ENGINE (object), result, &error))
    {
      hll_disconnect (HS_ENGINE (object), call);
      g_prefix_error (&error, "%s: ", call->spec->name);
      hs_call_return (call, error);
    }
}

static void
hll_code_read (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  HsEngine *engine = HS_ENGINE (object);
  guint32 word;
  guint64 pc;

  if (!hs_call_finish_code_read (call, result, &pc, &word))
    return;
  if (hs_arm64_is_call (word))
    {
      /* A call: let it run to its return in this task, then go on with the line. */
      call->hll_handler = g_signal_connect (engine, "halted", G_CALLBACK (hll_halted), call);
      call->hll_detach_handler = g_signal_connect (engine, "detached", G_CALLBACK (hll_detached),
                                                   call);
      hs_engine_go_until_async (engine, pc + 4, (gint) hs_engine_get_core_machine (engine,
                                                                                   call->core),
                                call->task_pid, NULL, hll_go_done, call);
      return;
    }
  hs_engine_step_async (engine, call->core, NULL, hll_step_done, call);
}

static void
hll_next (Call *call)
{
  HsEngine *engine = hs_call_engine (call);

  if (hll_done (call))
    {
      hll_finish (call);
      return;
    }
  if (call->remaining-- == 0)
    {
      g_string_append_printf (call->out, "the line did not end within %u instructions; "
                              "stopped there\n", HLL_MAX_STEPS);
      hll_finish (call);
      return;
    }
  if (!call->hll_over)
    {
      hs_engine_step_async (engine, call->core, NULL, hll_step_done, call);
      return;
    }
  {
    HsAddress at = { HS_ACCESS_VIRTUAL, hs_engine_get_core_machine (engine, call->core), 0, 0 };

    hs_core_get_register_by_name (hs_engine_get_core (engine, call->core), "pc", &at.offset);
    if (at.offset < G_GUINT64_CONSTANT (0xffff000000000000))
      at.space = call->hll_space;
    hs_engine_read_async (engine, &at, 4, NULL, hll_code_read, call);
  }
}

/* Step.Hll, and Step.Over /Hll: one source line of the current task. */
void
hs_cmd_step_hll (Call     *call,
                 gboolean  over)
{
  HsEngine *engine = hs_call_engine (call);
  HsTask *task = hs_engine_get_current_task (engine);
  guint64 pc;

  call->hll_over = over;
  call->task_pid = -1;
  call->hll_space = 0;
  if (task != NULL && hs_task_get_core (task) == (gint) call->core)
    {
      call->task_pid = hs_task_get_pid (task);
      call->hll_space = hs_task_get_space (task);
    }
  if (!core_line (call, &pc, &call->hll_file, &call->hll_line))
    {
      hs_call_fail (call, "%s: no source line is known for core %u's pc 0x%" G_GINT64_MODIFIER
                    "x; step instructions with Step", call->spec->name, call->core, pc);
      return;
    }
  call->remaining = HLL_MAX_STEPS;
  hll_next (call);
}

/* Ends a read of the instruction at a pc (for the steps): FALSE, with the call returned with
 * an error, when it could not be read. */
gboolean
hs_call_finish_code_read (Call         *call,
                          GAsyncResult *result,
                          guint64      *pc,
                          guint32      *word)
{
  GError *error = NULL;
  HsMemoryRead *read = hs_engine_read_finish (hs_call_engine (call), result, &error);

  if (read != NULL && read->fault != NULL)
    error = g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED, "the instruction at 0x%"
                         G_GINT64_MODIFIER "x cannot be read: %s", read->address.offset,
                         read->fault);
  if (error != NULL)
    {
      g_clear_pointer (&read, hs_memory_read_free);
      g_prefix_error (&error, "%s: ", call->spec->name);
      hs_call_return (call, error);
      return FALSE;
    }
  *pc = read->address.offset;
  memcpy (word, g_bytes_get_data (read->data, NULL), 4);
  *word = GUINT32_FROM_LE (*word);
  hs_memory_read_free (read);
  return TRUE;
}
