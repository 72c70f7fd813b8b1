/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-window-private.h: the main window over three files: the layout, the
 * status and the views following the context (hs-window.c), the actions
 * (hs-window-actions.c), and what a session keeps and reopens: size,
 * panes, register windows, the session script (hs-window-session.c).
 *
 * GUI thread only. Nothing here reads DWARF or talks to the probe: lines
 * are looked up by the engine in a thread, commands run through the
 * command line.
 */
#pragma once

#include "hs-window.h"
#include "hs-context.h"

G_BEGIN_DECLS

struct _HsWindow
{
  GtkApplicationWindow parent_instance;

  /* Template widgets */
  GtkDropDown *core_selector;
  GtkLabel *state_label;
  GtkRevealer *banner;
  GtkLabel *banner_label;
  GtkProgressBar *banner_progress;
  GtkBox *command_box;
  GtkLabel *status_label;
  GtkPaned *top_paned;
  GtkPaned *code_paned;
  GtkNotebook *left_notebook;
  GtkNotebook *code_notebook;
  GtkNotebook *context_notebook;
  GtkBox *guests_page;
  GtkBox *tasks_page;
  GtkBox *cores_page;
  GtkBox *breakpoints_page;
  GtkBox *source_page;
  GtkBox *disasm_page;
  GtkBox *registers_page;
  GtkBox *stack_page;
  GtkBox *memory_page;
  GtkBox *watch_page;
  GtkBox *log_page;
  GtkWidget *fetch_button;      /* offered while a guest kernel's source is missing */

  /* Owned */
  GSettings *settings;          /* NULL when the schema is not installed */
  HsInterp *interp;
  HsEngine *engine;
  HsContext *context;
  GHashTable *register_windows; /* machine -> GtkWindow */
  HsBoard *board;               /* the demo board, when the window runs one */
  GSubprocess *fetching;
  GDataInputStream *fetch_lines;
  char *source_path;            /* the local file the source view shows for the frame */
  char *memory_auto;            /* the address the memory view was moved to with the context */
  char *stop_text;              /* where and why the board last stopped, once looked up */
  GCancellable *describing;
  GCancellable *stepping;       /* F10 looking up whether the pc has a source line */

  /* Borrowed: views in the pages above */
  GtkWidget *core_list;
  GtkWidget *guest_list;
  GtkWidget *task_list;
  GtkWidget *memory_view;
  GtkWidget *register_view;
  GtkWidget *command_line;
  GtkWidget *frame_view;
  GtkWidget *source_view;
  GtkWidget *disasm_view;
  GtkWidget *breakpoint_view;
  GtkWidget *log_view;
  GtkWidget *watch_view;
};

/* hs-window-actions.c */
void _hs_window_add_actions    (HsWindow      *self);
void _hs_window_update_actions (HsWindow      *self,
                                HsEngineState  state);
/* Every button and shortcut runs its command here, so the command line shows it. */
void _hs_window_run_command    (HsWindow      *self,
                                const char    *line);

/* hs-window-session.c */
void _hs_window_restore_layout (HsWindow      *self);
void _hs_window_save_layout    (HsWindow      *self);
void _hs_window_save_session   (HsWindow      *self);
void _hs_window_close_register_windows (HsWindow *self);
void _hs_window_connect_register_view  (HsWindow  *self,
                                        GtkWidget *view);

G_END_DECLS
