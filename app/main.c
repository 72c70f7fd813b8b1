/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hyperscope"

#include "config.h"

#include <glib.h>
#include <locale.h>
#include <stdio.h>

#include "hs-cli.h"
#ifdef HS_HAVE_GUI
# include "hs-application.h"
#endif

int
main (int   argc,
      char *argv[])
{
  HsCliOptions options = { 0 };
  gboolean version = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &options.demo,
      "Build (once) and boot the demo board, and attach to it", NULL },
    { "attach", 0, 0, G_OPTION_ARG_STRING, &options.attach,
      "Attach to a GDB remote stub", "HOST:PORT" },
    { "no-session", 0, 0, G_OPTION_ARG_NONE, &options.no_session,
      "Do not restore the last session (breakpoints, symbols, source paths, windows)", NULL },
    { "batch", 0, 0, G_OPTION_ARG_FILENAME, &options.batch,
      "Run a script without a window", "FILE.cmm" },
    { "command", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &options.commands,
      "Run a command without a window (repeatable)", "CMD" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.script_args, NULL,
      "[SCRIPT-ARGUMENT...]" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- hypervisor-aware debugger");
  g_option_context_set_summary (context,
                                "Without --batch or -c, opens the window; with them, runs the "
                                "commands headless\nand exits non-zero if one fails.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "hyperscope: %s (try --help)\n", error->message);
      return 2;
    }
  if (version)
    {
      printf ("hyperscope %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (options.script_args != NULL && options.batch == NULL)
    {
      fprintf (stderr, "hyperscope: unexpected argument '%s' (arguments after the options are "
                       "for the --batch script's ENTRY)\n", options.script_args[0]);
      return 2;
    }
  if (options.demo && options.attach)
    {
      fprintf (stderr, "hyperscope: use either --demo or --attach, not both\n");
      return 2;
    }

  if (options.batch || options.commands)
    status = hs_cli_run (&options);
  else
    {
#ifdef HS_HAVE_GUI
      status = hs_application_run (&options);
#else
      fprintf (stderr, "hyperscope: built without a GUI; use --batch or -c\n");
      status = 2;
#endif
    }

  g_free (options.attach);
  g_free (options.batch);
  g_strfreev (options.script_args);
  g_strfreev (options.commands);
  return status;
}
