/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-session.c: SESSion.Save (DO is hs-interp-script.c's).
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"

#include <string.h>

char *
hs_interp_default_session_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "hyperscope", "session.cmm", NULL);
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
  { "SESSion.Save", "SESSion.Save [file]",
    "write the symbol files, source paths and breakpoints as a script to run with DO", 0, 1,
    NULL, cmd_session_save, TRUE },
  { NULL }
};
