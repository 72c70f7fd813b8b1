/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean demo;
  char *attach;          /* HOST:PORT */
  char *batch;           /* script file */
  char **script_args;    /* what its ENTRY takes, from the command line after the options */
  char **commands;       /* -c, in order */
  gboolean no_session;   /* do not restore the last window's session */
} HsCliOptions;

/* Runs --batch and -c without a window; returns the process exit code. */
int hs_cli_run (const HsCliOptions *options);

G_END_DECLS
