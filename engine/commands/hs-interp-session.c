/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-session.c: DO (run a script) and SESSion.Save.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"

#include "hs-script.h"

#include <string.h>

#define DO_MAX_DEPTH 8

typedef struct
{
  HsInterp *interp;             /* unowned: the call holds it */
  GPtrArray *lines;             /* of HsScriptLine */
  guint next;
  guint failed;
  gboolean running;             /* counted in the interp's do_depth */
} DoState;

/* The script is over: it no longer counts towards the nesting (before its call returns, so
 * the line that ran it may start another). */
static void
do_end (DoState *state)
{
  if (state->running)
    state->interp->do_depth--;
  state->running = FALSE;
}

static void
do_state_clear (DoState *state)
{
  do_end (state);
  g_clear_pointer (&state->lines, g_ptr_array_unref);
}

char *
hs_interp_default_session_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "hyperscope", "session.cmm", NULL);
}

static void do_next_line (Call *call);

static void
do_line_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  DoState *state = call->state;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = hs_interp_execute_finish (HS_INTERP (object), result, &error);
  const HsScriptLine *line = g_ptr_array_index (state->lines, state->next - 1);

  /* Stopped by the user (Ctrl+C, Escape): the rest of the script does not run. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (call->task)))
    {
      do_end (state);
      hs_call_return (call, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         "DO: stopped at line %u: %s", line->line, line->text));
      return;
    }
  /* A line that fails is reported and the script goes on: a missing file must not cost the
   * breakpoints after it. */
  if (out == NULL)
    {
      g_string_append_printf (call->out, "error: line %u: %s: %s\n", line->line, line->text,
                              error->message);
      state->failed++;
    }
  else if (*out)
    g_string_append (call->out, out);
  do_next_line (call);
}

static void
do_next_line (Call *call)
{
  DoState *state = call->state;

  if (state->next < state->lines->len)
    {
      const HsScriptLine *line = g_ptr_array_index (state->lines, state->next++);

      hs_interp_execute_async (call->interp, line->text, g_task_get_cancellable (call->task),
                               do_line_done, call);
      return;
    }
  if (state->failed > 0)
    g_string_append_printf (call->out, "DO: %u command%s failed\n", state->failed,
                            state->failed == 1 ? "" : "s");
  do_end (state);
  hs_call_return (call, NULL);
}

static void
cmd_do (Call *call)
{
  g_autofree char *path = hs_call_path (call, 0);
  DoState *state = hs_call_new_state (call, DoState, do_state_clear);
  GError *error = NULL;

  if (call->interp->do_depth >= DO_MAX_DEPTH)
    {
      hs_call_fail (call, "DO %s: scripts nest deeper than %u (a script that runs itself?)",
                    path, DO_MAX_DEPTH);
      return;
    }
  state->interp = call->interp;
  state->lines = hs_script_read (path, &error);
  if (state->lines == NULL)
    {
      g_prefix_error (&error, "DO: ");
      hs_call_return (call, error);
      return;
    }
  state->running = TRUE;
  call->interp->do_depth++;
  do_next_line (call);
}

static void
cmd_session_save (Call *call)
{
  g_autofree char *path = call->args->len > 0 ? hs_call_path (call, 0)
                                              : hs_interp_default_session_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = hs_engine_save_session (hs_call_engine (call));
  GError *error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents (path, text, -1, &error))
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "cannot create %s", dir);
      g_prefix_error (&error, "SESSion.Save: ");
      hs_call_return (call, error);
      return;
    }
  g_string_append_printf (call->out, "session saved to %s (run it with DO)\n", path);
  hs_call_return (call, NULL);
}

const CommandSpec hs_session_commands[] = {
  { "DO", "DO file", "run a script of commands (a line that fails is reported, the rest run)",
    1, 1, NULL, cmd_do, TRUE },
  { "SESSion.Save", "SESSion.Save [file]",
    "write the symbol files, source paths and breakpoints as a script to run with DO", 0, 1,
    NULL, cmd_session_save, TRUE },
  { NULL }
};
