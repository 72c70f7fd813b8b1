/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-window.c: the main window: the guest tree and the global task list on
 * the left, source and disassembly in the middle, the current context's
 * registers, stack and memory on the right, the command line below (the
 * layout is hs-window.ui's; the views are put into its pages here).
 *
 * The current context (HsContext) is the engine's current task (or core):
 * a halt makes it the task that stopped the board, a double-click in the
 * task list or the guest tree any other; every view follows it, and the
 * stack view's picked frame moves source, disassembly and registers to that
 * frame. GUI thread only; actions are in hs-window-actions.c, what a
 * session keeps in hs-window-session.c.
 */
#define G_LOG_DOMAIN "hs-window"

#include "config.h"

#include "hs-window-private.h"

#include "hs-breakpoint-view.h"
#include "hs-command-line.h"
#include "hs-core-list.h"
#include "hs-disasm-view.h"
#include "hs-frame-view.h"
#include "hs-guest-tree.h"
#include "hs-log-view.h"
#include "hs-memory-view.h"
#include "hs-register-view.h"
#include "hs-watch-view.h"
#include "hs-source-view.h"
#include "hs-task-breakpoint-dialog.h"
#include "hs-task-list.h"

G_DEFINE_FINAL_TYPE (HsWindow, hs_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_INTERP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the state and the status line ------------------------------------------------------- */

static void
update_state (HsWindow *self)
{
  HsEngineState state = hs_engine_get_state (self->engine);
  HsCore *core = hs_engine_get_core (self->engine, hs_engine_get_current_core (self->engine));
  const char *target = hs_engine_get_target_name (self->engine);
  g_autofree char *status = NULL;
  g_autofree char *core_text = core ? hs_core_describe (core) : NULL;

  _hs_window_update_actions (self, state);
  gtk_label_set_text (self->state_label, hs_engine_state_to_string (state));
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "hs-running");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "hs-halted");
  if (state == HS_ENGINE_STATE_RUNNING)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "hs-running");
  else if (state == HS_ENGINE_STATE_HALTED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "hs-halted");

  if (state == HS_ENGINE_STATE_DETACHED)
    status = g_strdup ("Not attached — start with --demo or --attach HOST:PORT, "
                       "or type SYStem.Attach HOST:PORT");
  else if (state == HS_ENGINE_STATE_HALTED)
    {
      HsTask *task = hs_context_get_task (self->context);
      guint machine = hs_engine_get_current_machine (self->engine);
      const char *stopped = self->stop_text;
      g_autofree char *context = task
        ? g_strdup_printf ("task %s (pid %d) of machine %u", hs_task_get_name (task),
                           hs_task_get_pid (task), machine)
        : g_strdup_printf ("machine %u", machine);

      /* The context the views show, then where the board stopped (they differ once the user
       * picks another task). */
      status = g_strdup_printf ("halted · showing %s · %s · %s", context,
                                core_text ? core_text : "", stopped ? stopped : "stopped");
      hs_task_list_set_current (HS_TASK_LIST (self->task_list), task);
    }
  else if (state == HS_ENGINE_STATE_RUNNING && hs_engine_get_waiting_for_halt (self->engine))
    status = g_strdup_printf ("%s · running · waiting for the target to halt (the host is "
                              "busy?) — Break again stops waiting", target ? target : "");
  else
    status = g_strdup_printf ("%s · %s", target ? target : "", hs_engine_state_to_string (state));
  gtk_label_set_text (self->status_label, status);
}

static void
on_current_core (HsWindow *self)
{
  guint core = hs_context_get_core (self->context);

  if (gtk_drop_down_get_selected (self->core_selector) != core
      && core < hs_engine_get_n_cores (self->engine))
    gtk_drop_down_set_selected (self->core_selector, core);
  update_state (self);
}

static void
on_core_selected (HsWindow *self)
{
  guint pos = gtk_drop_down_get_selected (self->core_selector);

  if (pos != GTK_INVALID_LIST_POSITION)
    hs_context_set_core (self->context, pos);
}

static char *
core_label (HsCore *core)
{
  return core ? g_strdup_printf ("Core %u", hs_core_get_index (core)) : g_strdup ("");
}

static void
on_symbols_progress (HsWindow   *self,
                     const char *what,
                     double      fraction)
{
  g_autofree char *text = NULL;

  if (fraction >= 1.0)
    {
      gtk_label_set_text (self->status_label, what);
      return;
    }
  text = g_strdup_printf ("%s: %.0f%%", what, fraction * 100);
  gtk_label_set_text (self->status_label, text);
}

typedef struct
{
  HsWindow *self;               /* owned */
  gint reason;
} StopReport;

static void
stop_described (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  StopReport *report = user_data;
  g_autoptr(HsWindow) self = report->self;
  gint reason = report->reason;
  g_autofree char *text = hs_engine_describe_stop_finish (HS_ENGINE (object), result, NULL);

  g_free (report);
  if (text == NULL || self->engine == NULL)
    return;
  g_free (self->stop_text);
  self->stop_text = g_steal_pointer (&text);
  update_state (self);
  /* A stop the user did not ask for at the command line (a breakpoint, a fault) is reported
   * there too, as the command language's WAIT reports it. */
  if (reason != HS_STOP_REASON_HALT_REQUEST && reason != HS_STOP_REASON_STEP
      && reason != HS_STOP_REASON_ATTACH)
    hs_command_line_append (HS_COMMAND_LINE (self->command_line), self->stop_text, FALSE);
}

/* Where and why the board stopped, for the status line: its source line may wait for the DWARF,
 * so it is looked up in a thread. */
static void
on_halted_report (HsWindow *self,
                  HsCore   *core,
                  gint      reason)
{
  StopReport *report = g_new0 (StopReport, 1);

  report->self = g_object_ref (self);
  report->reason = reason;
  g_clear_pointer (&self->stop_text, g_free);
  g_cancellable_cancel (self->describing);
  g_clear_object (&self->describing);
  self->describing = g_cancellable_new ();
  hs_engine_describe_stop_async (self->engine, self->describing, stop_described, report);
}

/* ---- the banner: the board's progress, messages ------------------------------------------ */

static void
on_board_progress (HsWindow   *self,
                   const char *line,
                   guint       step,
                   guint       total,
                   HsBoard    *board)
{
  gtk_revealer_set_reveal_child (self->banner, TRUE);
  gtk_label_set_text (self->banner_label, line);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->banner_progress, (double) step / total);
  else
    gtk_progress_bar_set_fraction (self->banner_progress, 1.0);
}

void
hs_window_watch_board (HsWindow *self,
                       HsBoard  *board)
{
  g_return_if_fail (HS_IS_WINDOW (self));
  g_return_if_fail (HS_IS_BOARD (board));

  g_set_object (&self->board, board);
  gtk_revealer_set_reveal_child (self->banner, TRUE);
  gtk_label_set_text (self->banner_label, "Preparing the demo board…");
  g_signal_connect_object (board, "progress", G_CALLBACK (on_board_progress), self,
                           G_CONNECT_SWAPPED);
}

void
hs_window_show_message (HsWindow   *self,
                        const char *text,
                        gboolean    is_error)
{
  g_return_if_fail (HS_IS_WINDOW (self));

  hs_command_line_append (HS_COMMAND_LINE (self->command_line), text, is_error);
  gtk_label_set_text (self->banner_label, text);
  gtk_progress_bar_set_fraction (self->banner_progress, is_error ? 0.0 : 1.0);
  gtk_revealer_set_reveal_child (self->banner, is_error);
}

/* ---- the current context ---------------------------------------------------------------- */

static void
on_view_requested (HsWindow   *self,
                   const char *view,
                   guint       machine)
{
  if (g_strcmp0 (view, "registers") == 0)
    hs_window_open_register_window (self, machine, -1);
}

static void
on_task_activated (HsWindow *self,
                   HsTask   *task)
{
  hs_context_set_task (self->context, task);
}

static void
on_vcpu_activated (HsWindow *self,
                   HsVcpu   *vcpu)
{
  hs_window_open_register_window (self, hs_vcpu_get_machine (vcpu), (gint) hs_vcpu_get_id (vcpu));
}

static void
on_machine_activated (HsWindow *self,
                      guint     machine)
{
  hs_window_open_register_window (self, machine, -1);
}

static void
on_show_requested (HsWindow   *self,
                   HsTask     *task,
                   const char *what)
{
  hs_context_set_task (self->context, task);
  if (g_strcmp0 (what, "registers") == 0)
    gtk_notebook_set_current_page (self->context_notebook, 0);
  else if (g_strcmp0 (what, "stack") == 0)
    gtk_notebook_set_current_page (self->context_notebook, 1);
  else if (g_strcmp0 (what, "memory") == 0)
    {
      const HsFrame *top = hs_frame_view_get_frame (HS_FRAME_VIEW (self->frame_view), 0);
      g_autofree char *where = NULL;

      /* Its kernel stack, where its frames are; the task_struct before the first halt. */
      where = top && top->regs.have_sp
        ? g_strdup_printf ("%u:::%" G_GUINT64_FORMAT ".::0x%" G_GINT64_MODIFIER "x",
                           hs_task_get_machine (task), hs_task_get_space (task), top->regs.sp)
        : g_strdup_printf ("%u:::0x%" G_GINT64_MODIFIER "x", hs_task_get_machine (task),
                           hs_task_get_address (task));
      hs_memory_view_show (HS_MEMORY_VIEW (self->memory_view), where, NULL);
      gtk_notebook_set_current_page (self->context_notebook, 2);
    }
}

/* The source view's breakpoints: those in the frame's machine whose line (looked up once, off
 * this thread, when each was set) is in the file shown. */
static void
update_source_breakpoints (HsWindow *self)
{
  GListModel *bps = hs_engine_get_breakpoints (self->engine);
  const char *file = hs_context_get_file (self->context);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));

  if (self->source_path == NULL || file == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (bps); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (bps, i);
      guint line = hs_breakpoint_get_line (bp);

      if (hs_breakpoint_get_address (bp)->machine == hs_context_get_machine (self->context)
          && line > 0 && g_strcmp0 (hs_breakpoint_get_file (bp), file) == 0)
        g_array_append_val (lines, line);
    }
  hs_source_view_set_breakpoint_lines (HS_SOURCE_VIEW (self->source_view), self->source_path,
                                       (const guint *) lines->data, lines->len);
}

/* The frame's source line is known (or known to be missing). */
static void
on_context_line (HsWindow *self)
{
  HsSourcePathMap *map = hs_engine_get_source_path_map (self->engine);
  const char *file = hs_context_get_file (self->context);
  g_autoptr(GError) error = NULL;
  g_autofree char *local = NULL;

  g_clear_pointer (&self->source_path, g_free);
  if (file == NULL)
    {
      hs_source_view_show_message (HS_SOURCE_VIEW (self->source_view),
                                   "No source line is known for this address: the machine's "
                                   "symbols have no line table for it.");
      return;
    }
  local = hs_source_path_map_resolve (map, NULL, file, &error);
  /* A guest kernel built by Debian: its source package can be fetched for the demo board. */
  gtk_widget_set_visible (self->fetch_button, local == NULL && self->board != NULL
                                              && hs_context_get_machine (self->context) > 0
                                              && self->fetching == NULL);
  if (local == NULL || !hs_source_view_show (HS_SOURCE_VIEW (self->source_view), local,
                                             hs_context_get_line (self->context), &error))
    {
      hs_source_view_show_message (HS_SOURCE_VIEW (self->source_view), error->message);
      return;
    }
  self->source_path = g_steal_pointer (&local);
  /* Hovering a name shows its value where this source runs. */
  hs_source_view_set_evaluation (HS_SOURCE_VIEW (self->source_view), self->engine,
                                 hs_context_get_machine (self->context),
                                 hs_context_get_space (self->context));
  update_source_breakpoints (self);
}

/* Another frame was picked: registers, disassembly and (until the user types an address)
 * memory move to it now; its source when its line is known. */
static void
on_context_frame (HsWindow *self)
{
  const HsFrame *frame = hs_context_get_frame (self->context);
  guint machine = hs_context_get_machine (self->context);
  guint64 space = hs_context_get_space (self->context);

  if (frame == NULL)
    return;
  hs_register_view_show_frame (HS_REGISTER_VIEW (self->register_view), frame);
  if (frame->level == 0 && frame->regs.have_sp)
    {
      const char *shown = hs_memory_view_get_address_text (HS_MEMORY_VIEW (self->memory_view));

      if (*shown == 0 || g_strcmp0 (shown, self->memory_auto) == 0)
        {
          g_free (self->memory_auto);
          self->memory_auto = space
            ? g_strdup_printf ("%u:::%" G_GUINT64_FORMAT ".::0x%" G_GINT64_MODIFIER "x", machine,
                               space, frame->regs.sp)
            : g_strdup_printf ("%u:::0x%" G_GINT64_MODIFIER "x", machine, frame->regs.sp);
          hs_memory_view_show (HS_MEMORY_VIEW (self->memory_view), self->memory_auto, NULL);
        }
    }
  hs_disasm_view_show (HS_DISASM_VIEW (self->disasm_view), machine, space, frame->pc);
}

/* The top frame of the task a halted core runs is at the core's pc, which the halt brings: its
 * code is read alongside the stack rather than after it, so both reach the halt's first frame
 * painted. The stack's top frame then asks for the same code, which is not read twice. */
static void
show_code_at_halt (HsWindow *self)
{
  guint core = hs_engine_get_current_core (self->engine);
  HsCore *c = hs_engine_get_core (self->engine, core);
  HsTask *task = hs_engine_get_current_task (self->engine);
  guint64 pc;

  if (c == NULL || !hs_core_get_pc (c, &pc))
    return;
  if (task != NULL && hs_task_get_core (task) == (gint) core)
    hs_disasm_view_show (HS_DISASM_VIEW (self->disasm_view), hs_task_get_machine (task),
                         pc < G_GUINT64_CONSTANT (0xffff000000000000)
                           ? hs_task_get_space (task) : 0, pc);
  else if (task == NULL && hs_core_get_exception_level (c) >= 2)
    hs_disasm_view_show (HS_DISASM_VIEW (self->disasm_view), 0, 0, pc);
}

static void
on_frame_selected (HsWindow      *self,
                   const HsFrame *frame,
                   guint          machine)
{
  hs_context_set_frame (self->context, frame, machine);
}

/* ---- breakpoints from the source gutter, the list and the task dialog ------------------- */

typedef struct
{
  HsWindow *self;               /* owned */
  guint machine;
} GutterClick;

static void
gutter_address_found (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GutterClick *click = user_data;
  g_autoptr(HsWindow) self = click->self;
  guint machine = click->machine;
  g_autoptr(GError) error = NULL;
  GListModel *bps;
  g_autofree char *command = NULL;
  guint64 address;

  g_free (click);
  if (self->engine == NULL)
    return;
  if (!hs_engine_line_to_address_finish (self->engine, result, &address, NULL, &error))
    {
      hs_command_line_append (HS_COMMAND_LINE (self->command_line), error->message, TRUE);
      return;
    }
  /* A breakpoint there already: the click removes it. */
  bps = hs_engine_get_breakpoints (self->engine);
  for (guint i = 0; i < g_list_model_get_n_items (bps); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (bps, i);
      const HsAddress *a = hs_breakpoint_get_address (bp);

      if (a->machine == machine && a->offset == address)
        {
          command = g_strdup_printf ("Break.Delete /Id %u.", hs_breakpoint_get_id (bp));
          _hs_window_run_command (self, command);
          return;
        }
    }
  command = g_strdup_printf ("Break.Set %u:::0x%" G_GINT64_MODIFIER "x", machine, address);
  _hs_window_run_command (self, command);
}

/* A click in the gutter: the line's address is looked up in a thread (DWARF). */
static void
on_toggle_breakpoint (HsWindow   *self,
                      const char *path,
                      guint       line)
{
  const char *file = hs_context_get_file (self->context);
  GutterClick *click;

  if (file == NULL || g_strcmp0 (path, self->source_path) != 0)
    return;
  click = g_new0 (GutterClick, 1);
  click->self = g_object_ref (self);
  click->machine = hs_context_get_machine (self->context);
  hs_engine_line_to_address_async (self->engine, click->machine, file, line, NULL,
                                   gutter_address_found, click);
}

static void
on_breakpoint_delete (HsWindow     *self,
                      HsBreakpoint *bp)
{
  g_autofree char *command = g_strdup_printf ("Break.Delete /Id %u.",
                                              hs_breakpoint_get_id (bp));

  _hs_window_run_command (self, command);
}

static void
on_breakpoint_toggle (HsWindow     *self,
                      HsBreakpoint *bp)
{
  g_autofree char *command = g_strdup_printf ("%s /Id %u.",
                                              hs_breakpoint_get_enabled (bp) ? "Break.DISable"
                                                                             : "Break.ENable",
                                              hs_breakpoint_get_id (bp));

  _hs_window_run_command (self, command);
}

GtkWindow *
hs_window_ask_task_breakpoint (HsWindow *self,
                               HsTask   *task)
{
  GtkWidget *dialog;

  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  g_return_val_if_fail (HS_IS_TASK (task), NULL);

  dialog = hs_task_breakpoint_dialog_new (self->engine, task, GTK_WINDOW (self));
  g_signal_connect_object (dialog, "set-requested", G_CALLBACK (_hs_window_run_command), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
on_breakpoint_requested (HsWindow *self,
                         HsTask   *task)
{
  hs_window_ask_task_breakpoint (self, task);
}

/* ---- the window ------------------------------------------------------------------------- */

static void
put (GtkBox    *page,
     GtkWidget *view)
{
  gtk_widget_set_vexpand (view, TRUE);
  gtk_box_append (page, view);
}

/* The views, each into its page of the layout. */
static void
add_views (HsWindow *self)
{
  self->guest_list = hs_guest_tree_new (self->engine);
  self->task_list = hs_task_list_new (hs_engine_get_tasks (self->engine));
  self->core_list = hs_core_list_new (self->engine);
  self->breakpoint_view = hs_breakpoint_view_new (hs_engine_get_breakpoints (self->engine));
  self->source_view = hs_source_view_new ();
  self->disasm_view = hs_disasm_view_new (self->engine);
  self->register_view = hs_register_view_new (self->engine, -1);
  /* Before the stack view's: the code's small read goes ahead of the unwinding's reads, and
   * it is decoded on a thread while they go on. */
  g_signal_connect_object (self->engine, "halted", G_CALLBACK (show_code_at_halt), self,
                           G_CONNECT_SWAPPED);
  self->frame_view = hs_frame_view_new (self->engine);
  self->memory_view = hs_memory_view_new (self->interp);
  self->command_line = hs_command_line_new (self->interp);
  put (self->guests_page, self->guest_list);
  put (self->tasks_page, self->task_list);
  put (self->cores_page, self->core_list);
  put (self->breakpoints_page, self->breakpoint_view);
  put (self->source_page, self->source_view);
  put (self->disasm_page, self->disasm_view);
  put (self->registers_page, self->register_view);
  put (self->stack_page, self->frame_view);
  put (self->memory_page, self->memory_view);
  self->watch_view = hs_watch_view_new (self->engine);
  put (self->watch_page, self->watch_view);
  put (self->command_box, self->command_line);
  self->log_view = hs_log_view_new (self->engine, self->context);
  put (self->log_page, self->log_view);
}

static void
connect_views (HsWindow *self)
{
  g_signal_connect_object (self->guest_list, "task-activated", G_CALLBACK (on_task_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->guest_list, "vcpu-activated", G_CALLBACK (on_vcpu_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->guest_list, "machine-activated",
                           G_CALLBACK (on_machine_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->task_list, "task-activated", G_CALLBACK (on_task_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->task_list, "breakpoint-requested",
                           G_CALLBACK (on_breakpoint_requested), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->task_list, "show-requested", G_CALLBACK (on_show_requested),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->breakpoint_view, "toggle-requested",
                           G_CALLBACK (on_breakpoint_toggle), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->breakpoint_view, "delete-requested",
                           G_CALLBACK (on_breakpoint_delete), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->source_view, "toggle-breakpoint",
                           G_CALLBACK (on_toggle_breakpoint), self, G_CONNECT_SWAPPED);
  _hs_window_connect_register_view (self, self->register_view);
  g_signal_connect_object (self->frame_view, "frame-selected", G_CALLBACK (on_frame_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->interp, "view-requested", G_CALLBACK (on_view_requested), self,
                           G_CONNECT_SWAPPED);
}

static void
connect_engine (HsWindow *self)
{
  g_signal_connect_object (self->context, "notify::frame", G_CALLBACK (on_context_frame), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::line", G_CALLBACK (on_context_line), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::task", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::core", G_CALLBACK (on_current_core), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (hs_engine_get_breakpoints (self->engine), "items-changed",
                           G_CALLBACK (update_source_breakpoints), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (hs_engine_get_breakpoint_list (self->engine), "line-found",
                           G_CALLBACK (update_source_breakpoints), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::waiting-for-halt", G_CALLBACK (update_state),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "halted", G_CALLBACK (on_halted_report), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "halted", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "symbols-progress", G_CALLBACK (on_symbols_progress),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (hs_engine_get_cores (self->engine), "items-changed",
                           G_CALLBACK (on_current_core), self, G_CONNECT_SWAPPED);
}

static void
hs_window_constructed (GObject *object)
{
  HsWindow *self = HS_WINDOW (object);
  GtkExpression *expression;

  G_OBJECT_CLASS (hs_window_parent_class)->constructed (object);

  g_return_if_fail (HS_IS_INTERP (self->interp));
  self->engine = g_object_ref (hs_interp_get_engine (self->interp));
  self->context = hs_context_new (self->engine);
  add_views (self);
  connect_views (self);
  /* The drop-down follows the cores before the window does (it must see a new core first). */
  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                            G_CALLBACK (core_label), NULL, NULL);
  gtk_drop_down_set_expression (self->core_selector, expression);
  gtk_expression_unref (expression);
  gtk_drop_down_set_model (self->core_selector, hs_engine_get_cores (self->engine));
  g_signal_connect_swapped (self->core_selector, "notify::selected",
                            G_CALLBACK (on_core_selected), self);
  connect_engine (self);
  update_state (self);
  _hs_window_restore_layout (self);
}

static void
cancel_and_clear (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
}

static void
hs_window_dispose (GObject *object)
{
  HsWindow *self = HS_WINDOW (object);

  if (self->engine != NULL)
    {
      _hs_window_save_layout (self);
      _hs_window_save_session (self);
    }
  g_clear_object (&self->settings);
  if (self->fetching != NULL)
    g_subprocess_force_exit (self->fetching);
  g_clear_object (&self->fetch_lines);
  g_clear_object (&self->fetching);
  g_clear_object (&self->board);
  _hs_window_close_register_windows (self);
  g_clear_pointer (&self->source_path, g_free);
  g_clear_pointer (&self->memory_auto, g_free);
  g_clear_pointer (&self->stop_text, g_free);
  cancel_and_clear (&self->describing);
  cancel_and_clear (&self->stepping);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_WINDOW);
  g_clear_object (&self->context);
  g_clear_object (&self->engine);
  g_clear_object (&self->interp);
  G_OBJECT_CLASS (hs_window_parent_class)->dispose (object);
}

static void
hs_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HsWindow *self = HS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_INTERP:
      g_value_set_object (value, self->interp);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  HsWindow *self = HS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_INTERP:
      self->interp = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_window_class_init (HsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hs_window_constructed;
  object_class->dispose = hs_window_dispose;
  object_class->get_property = hs_window_get_property;
  object_class->set_property = hs_window_set_property;

  properties[PROP_INTERP] =
    g_param_spec_object ("interp", NULL, NULL, HS_TYPE_INTERP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/hyperscope/Hyperscope/ui/hs-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HsWindow, name)
  BIND (core_selector);
  BIND (state_label);
  BIND (banner);
  BIND (banner_label);
  BIND (banner_progress);
  BIND (command_box);
  BIND (status_label);
  BIND (top_paned);
  BIND (code_paned);
  BIND (left_notebook);
  BIND (code_notebook);
  BIND (context_notebook);
  BIND (guests_page);
  BIND (tasks_page);
  BIND (cores_page);
  BIND (breakpoints_page);
  BIND (source_page);
  BIND (disasm_page);
  BIND (registers_page);
  BIND (stack_page);
  BIND (memory_page);
  BIND (watch_page);
  BIND (log_page);
  BIND (fetch_button);
#undef BIND
}

static void
hs_window_init (HsWindow *self)
{
  g_autoptr(GtkBuilder) builder = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->register_windows = g_hash_table_new (NULL, NULL);
  _hs_window_add_actions (self);
  builder = gtk_builder_new_from_resource ("/org/hyperscope/Hyperscope/ui/help-overlay.ui");
  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                           GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (
                                             builder, "help_overlay")));
}

HsWindow *
hs_window_new (GtkApplication *application,
               HsInterp       *interp)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (HS_IS_INTERP (interp), NULL);
  return g_object_new (HS_TYPE_WINDOW, "application", application, "interp", interp, NULL);
}

HsEngine *
hs_window_get_engine (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->engine;
}

HsInterp *
hs_window_get_interp (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->interp;
}

HsContext *
hs_window_get_context (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->context;
}

#define GETTER(name, field) \
  GtkWidget *                                              \
  hs_window_get_##name (HsWindow *self)                    \
  {                                                        \
    g_return_val_if_fail (HS_IS_WINDOW (self), NULL);      \
    return self->field;                                    \
  }

GETTER (register_view, register_view)
GETTER (command_line, command_line)
GETTER (memory_view, memory_view)
GETTER (task_list, task_list)
GETTER (guest_list, guest_list)
GETTER (core_list, core_list)
GETTER (frame_view, frame_view)
GETTER (log_view, log_view)
GETTER (source_view, source_view)
GETTER (disasm_view, disasm_view)
GETTER (breakpoint_list, breakpoint_view)
