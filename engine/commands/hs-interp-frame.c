/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-frame.c: Frame.view: a task's call stack, or Xen's on a core.
 *
 * With /Locals, each frame line is followed by that frame's parameters, then its locals
 * ("local" before the name), each with its value and C type. TRACE32's Var.Frame shows the
 * locals of frame 0 with /Locals and adds the callers' with /Caller; here the callers' are
 * what a stopped kernel is most often asked about (the sleeping task's own frame 0 is
 * __switch_to), so /Locals shows every frame's and /Caller is accepted for scripts written for
 * TRACE32, with the same meaning.
 *
 * Values are printed as C values from their types (the worker formats them, hs_cexpr); one
 * whose type cannot be read is printed simply: a pointer in hex; another value of 1, 2, 4 or 8
 * bytes in decimal (signed unless its type says unsigned) and hex; anything else as its bytes.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"

#include <string.h>

typedef struct
{
  guint machine;
  gboolean locals;
} FrameState;

static gboolean
is_pointer (const char *type)
{
  return type != NULL && (g_str_has_suffix (type, "*") || strchr (type, '(') != NULL);
}

static void
append_value (GString               *out,
              const HsFrameVariable *v)
{
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (v->value, &len);

  if (len == 1 || len == 2 || len == 4 || len == 8)
    {
      guint64 u = 0;
      gint64 s;

      for (gsize i = 0; i < len; i++)
        u |= (guint64) bytes[i] << (8 * i);
      if (is_pointer (v->type_text))
        {
          g_string_append_printf (out, "0x%016" G_GINT64_MODIFIER "x", u);
          return;
        }
      s = len == 8 ? (gint64) u : (gint64) (u << (64 - 8 * len)) >> (64 - 8 * len);
      if (v->type_text != NULL && (strstr (v->type_text, "unsigned") != NULL
                                   || g_str_has_prefix (v->type_text, "u")
                                   || g_str_equal (v->type_text, "_Bool")))
        g_string_append_printf (out, "%" G_GUINT64_FORMAT, u);
      else
        g_string_append_printf (out, "%" G_GINT64_FORMAT, s);
      g_string_append_printf (out, " [0x%" G_GINT64_MODIFIER "x]", u);
      return;
    }
  g_string_append (out, "{");
  for (gsize i = 0; i < len && i < 64; i++)
    g_string_append_printf (out, " %02x", bytes[i]);
  g_string_append (out, len > 64 ? " ... }" : " }");
}

static void
append_variable (GString               *out,
                 const HsFrameVariable *v)
{
  if (v->name == NULL)
    {
      g_string_append_printf (out, "    (%s)\n", v->why);
      return;
    }
  g_string_append (out, "    ");
  if (!v->is_parameter)
    g_string_append (out, "local ");
  g_string_append_printf (out, "%s = ", v->name);
  if (v->text != NULL)
    g_string_append (out, v->text);
  else if (v->value != NULL)
    append_value (out, v);
  else
    g_string_append_printf (out, "<%s>", v->why != NULL ? v->why : "unknown");
  /* A pointer's C value already starts with its type. */
  if (v->text == NULL || v->text[0] != '(')
    g_string_append_printf (out, " (%s)", v->type_text != NULL ? v->type_text : "?");
  if (v->inlined_in != NULL)
    g_string_append_printf (out, " [inlined %s]", v->inlined_in);
  g_string_append_c (out, '\n');
}

static void
print_frames (Call       *call,
              GArray     *frames,
              GArray     *variables,
              const char *stop)
{
  FrameState *state = call->state;
  g_autofree char *prefix = g_strdup_printf ("%u:::", state->machine);
  guint next = 0;

  for (guint i = 0; i < frames->len; i++)
    {
      const HsFrame *frame = &g_array_index (frames, HsFrame, i);
      g_autofree char *line = hs_frame_format (frame, prefix);

      g_string_append_printf (call->out, "%s\n", line);
      /* Parameters first, as the scope lists them; then the locals. */
      for (guint pass = 0; variables != NULL && pass < 2; pass++)
        for (guint k = next; k < variables->len; k++)
          {
            const HsFrameVariable *v = &g_array_index (variables, HsFrameVariable, k);

            if (v->frame != frame->level)
              break;
            if ((pass == 0) == (v->is_parameter || v->name == NULL))
              append_variable (call->out, v);
          }
      while (variables != NULL && next < variables->len
             && g_array_index (variables, HsFrameVariable, next).frame == frame->level)
        next++;
    }
  if (stop)
    g_string_append_printf (call->out, "(%s)\n", stop);
}

static void
locals_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autofree char *stop = NULL;
  g_autoptr(GArray) variables = NULL;
  g_autoptr(GArray) frames = hs_engine_task_locals_finish (HS_ENGINE (object), result,
                                                           &variables, &stop, &error);

  if (frames == NULL)
    {
      g_prefix_error (&error, "Frame.view: ");
      hs_call_return (call, error);
      return;
    }
  print_frames (call, frames, variables, stop);
  hs_call_return (call, NULL);
}

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

  if (frames == NULL)
    {
      g_prefix_error (&error, "Frame.view: ");
      hs_call_return (call, error);
      return;
    }
  print_frames (call, frames, NULL, stop);
  hs_call_return (call, NULL);
}

static void
cmd_frame_view (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  HsTask *task;
  const char *machine = hs_call_option (call, "MACHINE");
  FrameState *state = hs_call_new_state (call, FrameState, NULL);
  guint64 v = 0;
  gboolean xen;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  state->locals = hs_call_option (call, "Locals") != NULL
                  || hs_call_option (call, "Caller") != NULL;
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
      if (state->locals)
        hs_engine_core_locals_async (engine, core, NULL, locals_done, call);
      else
        hs_engine_core_frames_async (engine, core, NULL, frames_done, call);
      return;
    }
  if ((task = hs_call_resolve_task (call)) == NULL)
    return;
  hs_call_append_task_line (call, task);
  state->machine = hs_task_get_machine (task);
  if (state->locals)
    hs_engine_task_locals_async (engine, task, NULL, locals_done, call);
  else
    hs_engine_task_frames_async (engine, task, NULL, frames_done, call);
}

static const OptionSpec task_options[] = { { "MACHINE", TRUE }, { "TASK", TRUE, TRUE },
                                           { "CORE", TRUE }, { "Locals", FALSE },
                                           { "Caller", FALSE }, { NULL } };

const CommandSpec hs_frame_commands[] = {
  { "Frame.view", "Frame.view [/Locals [/Caller]] [/MACHINE n] [/TASK name|pid] [/CORE n]",
    "a task's call stack, with functions and source lines; /Locals: and every frame's "
    "parameters and locals", 0, 0, task_options,
    cmd_frame_view, .needs_tasks = TRUE },
  { NULL }
};
