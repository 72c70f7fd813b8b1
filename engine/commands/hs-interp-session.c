/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-session.c: DO (run a script) and SESSion.Save.
 */
#include "config.h"

#include "hs-interp-private.h"

#include "hs-script.h"

#include <string.h>

#define DO_MAX_DEPTH 8

static char *
unquote_path (const char *text)
{
  gsize len = strlen (text);

  if (len >= 2 && text[0] == '"' && text[len - 1] == '"')
    return g_strndup (text + 1, len - 2);
  return g_strdup (text);
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
  g_autoptr(GError) error = NULL;
  g_autofree char *out = hs_interp_execute_finish (HS_INTERP (object), result, &error);
  const HsScriptLine *line = g_ptr_array_index (call->do_lines, call->do_next - 1);

  /* A line that fails is reported and the script goes on: a missing file must not cost the
   * breakpoints after it. */
  if (out == NULL)
    {
      g_string_append_printf (call->out, "error: line %u: %s: %s\n", line->line, line->text,
                              error->message);
      call->do_failed++;
    }
  else if (*out)
    g_string_append (call->out, out);
  do_next_line (call);
}

static void
do_next_line (Call *call)
{
  if (call->do_next < call->do_lines->len)
    {
      const HsScriptLine *line = g_ptr_array_index (call->do_lines, call->do_next++);

      hs_interp_execute_async (call->interp, line->text, NULL, do_line_done, call);
      return;
    }
  call->interp->do_depth--;
  if (call->do_failed > 0)
    g_string_append_printf (call->out, "DO: %u command%s failed\n", call->do_failed,
                            call->do_failed == 1 ? "" : "s");
  hs_call_return (call, NULL);
}

void
hs_cmd_do (Call *call)
{
  g_autofree char *path = unquote_path (g_ptr_array_index (call->args, 0));
  GError *error = NULL;

  if (call->interp->do_depth >= DO_MAX_DEPTH)
    {
      hs_call_fail (call, "DO %s: scripts nest deeper than %u (a script that runs itself?)",
                    path, DO_MAX_DEPTH);
      return;
    }
  call->do_lines = hs_script_read (path, &error);
  if (call->do_lines == NULL)
    {
      g_prefix_error (&error, "DO: ");
      hs_call_return (call, error);
      return;
    }
  call->do_next = 0;
  call->interp->do_depth++;
  do_next_line (call);
}

void
hs_cmd_session_save (Call *call)
{
  g_autofree char *path = call->args->len > 0 ? unquote_path (g_ptr_array_index (call->args, 0))
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
