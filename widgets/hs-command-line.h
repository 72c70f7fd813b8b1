/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-interp.h"

G_BEGIN_DECLS

#define HS_TYPE_COMMAND_LINE (hs_command_line_get_type ())
G_DECLARE_FINAL_TYPE (HsCommandLine, hs_command_line, HS, COMMAND_LINE, GtkWidget)

GtkWidget *hs_command_line_new         (HsInterp      *interp);
/* Runs @line as if typed: echoed, executed, output shown, kept in history. */
void       hs_command_line_execute     (HsCommandLine *self,
                                        const char    *line);
void       hs_command_line_append      (HsCommandLine *self,
                                        const char    *text,
                                        gboolean       is_error);
char      *hs_command_line_get_output  (HsCommandLine *self);
gboolean   hs_command_line_is_busy     (HsCommandLine *self);
/* While a script runs: where it is, as the bar above the entry shows it ("t.cmm: line 3 of
 * 10"); NULL otherwise. */
const char *hs_command_line_get_script_status (HsCommandLine *self);
void       hs_command_line_cancel      (HsCommandLine *self);
void       hs_command_line_focus_entry (HsCommandLine *self);

/* What Tab makes of @text (a command, or a function name after it), for tests. */
char      *hs_command_line_complete    (HsCommandLine *self,
                                        const char    *text);

G_END_DECLS
