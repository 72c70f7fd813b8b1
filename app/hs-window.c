/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-window.c: the main window: the guest tree and the global task list on
 * the left, source and disassembly in the middle, the current context's
 * registers, stack and memory on the right, the command line below.
 *
 * The current context is the engine's current task (or core): a halt makes
 * it the task that stopped the board, a double-click in the task list or
 * the guest tree any other; every view follows it, and the stack view's
 * selected frame moves source, disassembly and registers to that frame.
 *
 * Every button and shortcut is a window action that runs its command
 * through the command line, so the GUI, scripts and tests share one path.
 */
#define G_LOG_DOMAIN "hs-window"

#include "config.h"

#include "hs-window.h"

#include "hs-script.h"

#include "hs-command-line.h"
#include "hs-core-list.h"
#include "hs-disasm-view.h"
#include "hs-frame-view.h"
#include "hs-guest-tree.h"
#include "hs-memory-view.h"
#include "hs-register-view.h"
#include "hs-source-view.h"
#include "hs-table.h"
#include "hs-task-list.h"

#include <errno.h>
#include <string.h>

struct _HsWindow
{
  GtkApplicationWindow parent_instance;

  /* Template widgets */
  GtkDropDown *core_selector;
  GtkLabel *state_label;
  GtkRevealer *banner;
  GtkLabel *banner_label;
  GtkProgressBar *banner_progress;
  GtkBox *cores_box;
  GtkBox *registers_box;
  GtkBox *command_box;
  GtkLabel *status_label;
  GtkPaned *top_paned;

  /* Owned */
  GSettings *settings;          /* NULL when the schema is not installed */
  HsInterp *interp;
  HsEngine *engine;

  /* Borrowed: children of the boxes above */
  GtkWidget *core_list;
  GtkWidget *guest_list;
  GtkWidget *task_list;
  GtkWidget *memory_view;
  GtkWidget *register_view;
  GtkWidget *command_line;
  GtkWidget *frame_view;
  GtkWidget *source_view;
  GtkWidget *disasm_view;
  GtkWidget *breakpoint_list;
  GtkNotebook *left_notebook;
  GtkNotebook *code_notebook;
  GtkNotebook *context_notebook;
  GtkPaned *code_paned;

  GHashTable *register_windows; /* machine -> GtkWindow */
  HsBoard *board;               /* the demo board, when the window runs one */
  GtkWidget *fetch_button;      /* offered while a guest kernel's source is missing */
  GSubprocess *fetching;
  GDataInputStream *fetch_lines;
  /* The frame the code views show: its machine, space and source as DWARF names it. */
  guint frame_machine;
  guint64 frame_space;
  char *frame_file;
  char *frame_local_path;
  char *memory_auto;            /* the address the memory view was moved to with the context */
  char *stop_text;              /* where and why the board last stopped, once looked up */
  GCancellable *describing;
};

G_DEFINE_FINAL_TYPE (HsWindow, hs_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_INTERP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
run_command (HsWindow   *self,
             const char *line)
{
  hs_command_line_execute (HS_COMMAND_LINE (self->command_line), line);
}

static void
action_go (GSimpleAction *action,
           GVariant      *param,
           gpointer       user_data)
{
  run_command (user_data, "Go");
}

/* Break, or, while a Break has been waiting a while (a busy host), stop waiting for it. */
static void
action_break (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  HsWindow *self = user_data;

  if (hs_engine_get_waiting_for_halt (self->engine))
    {
      hs_command_line_cancel (HS_COMMAND_LINE (self->command_line));
      return;
    }
  run_command (self, "Break");
}

static void
action_step (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  HsWindow *self = user_data;
  g_autofree char *line = g_strdup_printf ("Step /CORE %u.",
                                           hs_engine_get_current_core (self->engine));

  run_command (self, line);
}

/* Over a source line where the pc has one (the source view shows it), else an instruction. */
static void
action_step_over (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  HsWindow *self = user_data;
  guint core = hs_engine_get_current_core (self->engine);
  HsCore *c = hs_engine_get_core (self->engine, core);
  g_autofree char *file = NULL;
  g_autofree char *line = NULL;
  guint number;
  guint64 pc;
  gboolean source = c != NULL && hs_core_get_register_by_name (c, "pc", &pc)
                    && hs_engine_lookup_line (self->engine,
                                              hs_engine_get_core_machine (self->engine, core), 0,
                                              pc, &file, &number);

  line = g_strdup_printf ("Step.Over /CORE %u.%s", core, source ? " /Hll" : "");
  run_command (self, line);
}

static void
action_step_line (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  HsWindow *self = user_data;
  g_autofree char *line = g_strdup_printf ("Step.Hll /CORE %u.",
                                           hs_engine_get_current_core (self->engine));

  run_command (self, line);
}

static void
action_go_up (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  run_command (user_data, "Go.Up");
}

static void
action_focus_command_line (GSimpleAction *action,
                           GVariant      *param,
                           gpointer       user_data)
{
  HsWindow *self = user_data;

  hs_command_line_focus_entry (HS_COMMAND_LINE (self->command_line));
}

static void
action_find_task (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  HsWindow *self = user_data;

  gtk_notebook_set_current_page (self->left_notebook, 1);
  hs_task_list_focus_search (HS_TASK_LIST (self->task_list));
}

static void
action_task_breakpoint (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  HsWindow *self = user_data;
  HsTask *task = hs_task_list_get_selected (HS_TASK_LIST (self->task_list));

  if (task == NULL)
    task = hs_engine_get_current_task (self->engine);
  if (task != NULL)
    hs_window_ask_task_breakpoint (self, task);
}

static void action_fetch_kernel_source (GSimpleAction *action,
                                        GVariant      *param,
                                        gpointer       user_data);
static void action_open_registers (GSimpleAction *action,
                                   GVariant      *param,
                                   gpointer       user_data);

static const GActionEntry win_actions[] = {
  { "go", action_go },
  { "break", action_break },
  { "step", action_step },
  { "step-over", action_step_over },
  { "step-line", action_step_line },
  { "go-up", action_go_up },
  { "focus-command-line", action_focus_command_line },
  { "find-task", action_find_task },
  { "task-breakpoint", action_task_breakpoint },
  { "open-registers", action_open_registers, "u" },
  { "fetch-kernel-source", action_fetch_kernel_source },
};

static void
set_action_enabled (HsWindow   *self,
                    const char *name,
                    gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_state (HsWindow *self)
{
  HsEngineState state = hs_engine_get_state (self->engine);
  HsCore *core = hs_engine_get_core (self->engine, hs_engine_get_current_core (self->engine));
  const char *target = hs_engine_get_target_name (self->engine);
  g_autofree char *status = NULL;
  g_autofree char *core_text = core ? hs_core_describe (core) : NULL;

  set_action_enabled (self, "go", state == HS_ENGINE_STATE_HALTED);
  set_action_enabled (self, "break", state == HS_ENGINE_STATE_RUNNING);
  set_action_enabled (self, "step", state == HS_ENGINE_STATE_HALTED);
  set_action_enabled (self, "step-over", state == HS_ENGINE_STATE_HALTED);
  set_action_enabled (self, "step-line", state == HS_ENGINE_STATE_HALTED);
  set_action_enabled (self, "go-up", state == HS_ENGINE_STATE_HALTED);
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
      HsTask *task = hs_engine_get_current_task (self->engine);
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
  guint core = hs_engine_get_current_core (self->engine);

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
    hs_engine_set_current_core (self->engine, pos);
}

static char *
core_label (HsCore *core)
{
  return core ? g_strdup_printf ("Core %u", hs_core_get_index (core)) : g_strdup ("");
}

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

/* Preferences need the schema; running from a build tree without it must still work. */
static GSettings *
open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source)
    schema = g_settings_schema_source_lookup (source, HS_APP_ID, TRUE);
  return schema ? g_settings_new (HS_APP_ID) : NULL;
}

static void
restore_layout (HsWindow *self)
{
  self->settings = open_settings ();
  if (self->settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_settings_bind (self->settings, "pane-position", self->top_paned, "position",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "code-pane-position", self->code_paned, "position",
                   G_SETTINGS_BIND_DEFAULT);
}

/* Symbol files, source paths and breakpoints, as a script the next start runs. */
static void
save_session (HsWindow *self)
{
  g_autofree char *path = hs_interp_default_session_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = hs_engine_save_session (self->engine);
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0 || !g_file_set_contents (path, text, -1, &error))
    g_warning ("the session was not saved to %s: %s", path,
               error ? error->message : g_strerror (errno));
}

void
hs_window_restore_session (HsWindow *self)
{
  g_autofree char *path = hs_interp_default_session_path ();

  g_return_if_fail (HS_IS_WINDOW (self));

  if (self->settings != NULL)
    {
      g_autoptr(GVariant) windows = g_settings_get_value (self->settings, "register-windows");
      GVariantIter iter;
      guint32 machine;

      g_variant_iter_init (&iter, windows);
      while (g_variant_iter_next (&iter, "u", &machine))
        hs_window_open_register_window (self, machine, -1);
    }
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    hs_window_run_script (self, path);
}

static void
save_layout (HsWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;
  {
    g_autoptr(GArray) machines = hs_window_get_register_window_machines (self);
    GVariantBuilder builder;

    g_variant_builder_init (&builder, G_VARIANT_TYPE ("au"));
    for (guint i = 0; i < machines->len; i++)
      g_variant_builder_add (&builder, "u", g_array_index (machines, guint, i));
    g_settings_set_value (self->settings, "register-windows", g_variant_builder_end (&builder));
  }
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

void
hs_window_run_script (HsWindow   *self,
                      const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  g_return_if_fail (HS_IS_WINDOW (self));

  lines = hs_script_read (path, &error);
  if (lines == NULL)
    {
      hs_command_line_append (HS_COMMAND_LINE (self->command_line), error->message, TRUE);
      return;
    }
  for (guint i = 0; i < lines->len; i++)
    hs_command_line_execute (HS_COMMAND_LINE (self->command_line),
                             ((const HsScriptLine *) g_ptr_array_index (lines, i))->text);
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

/* ---- register windows, one per machine -------------------------------------------------- */

static void
on_register_write_requested (HsWindow   *self,
                             const char *name,
                             guint       core,
                             const char *text)
{
  g_autofree char *command = g_strdup_printf ("Register.Set %s %s /CORE %u.", name, text, core);

  run_command (self, command);
}

static void
on_register_window_destroyed (HsWindow  *self,
                              GtkWidget *window)
{
  GHashTableIter iter;
  gpointer key, value;

  if (self->register_windows == NULL)
    return;
  g_hash_table_iter_init (&iter, self->register_windows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (value == window)
      g_hash_table_iter_remove (&iter);
}

GtkWindow *
hs_window_open_register_window (HsWindow *self,
                                guint     machine,
                                gint      unit)
{
  GtkWidget *window;
  GtkWidget *view;
  HsMachine *m;
  g_autofree char *title = NULL;

  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);

  window = g_hash_table_lookup (self->register_windows, GUINT_TO_POINTER (machine));
  if (window == NULL)
    {
      m = hs_engine_get_machine (self->engine, machine);
      title = g_strdup_printf ("Registers · machine %u (%s)", machine,
                               m ? hs_machine_get_name (m) : "?");
      window = gtk_window_new ();
      gtk_window_set_title (GTK_WINDOW (window), title);
      gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
      view = hs_register_view_new (self->engine, (gint) machine);
      g_signal_connect_object (view, "write-requested", G_CALLBACK (on_register_write_requested),
                               self, G_CONNECT_SWAPPED);
      gtk_window_set_child (GTK_WINDOW (window), view);
      g_hash_table_insert (self->register_windows, GUINT_TO_POINTER (machine), window);
      g_signal_connect_object (window, "destroy", G_CALLBACK (on_register_window_destroyed),
                               self, G_CONNECT_SWAPPED);
    }
  if (unit >= 0)
    hs_register_view_set_unit (HS_REGISTER_VIEW (gtk_window_get_child (GTK_WINDOW (window))),
                               (guint) unit);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

GtkWindow *
hs_window_get_register_window (HsWindow *self,
                               guint     machine)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return g_hash_table_lookup (self->register_windows, GUINT_TO_POINTER (machine));
}

/* The machines whose register windows are open, for the session. */
GArray *
hs_window_get_register_window_machines (HsWindow *self)
{
  GArray *machines = g_array_new (FALSE, FALSE, sizeof (guint));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->register_windows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint m = GPOINTER_TO_UINT (key);

      g_array_append_val (machines, m);
    }
  return machines;
}

static void
action_open_registers (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  hs_window_open_register_window (user_data, g_variant_get_uint32 (param), -1);
}

static void
on_view_requested (HsWindow   *self,
                   const char *view,
                   guint       machine)
{
  if (g_strcmp0 (view, "registers") == 0)
    hs_window_open_register_window (self, machine, -1);
}

/* ---- the current context ---------------------------------------------------------------- */

static void
set_current_task (HsWindow *self,
                  HsTask   *task)
{
  hs_engine_set_current_task (self->engine, task);
}

static void
on_task_activated (HsWindow *self,
                   HsTask   *task)
{
  set_current_task (self, task);
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
  set_current_task (self, task);
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

/* The source view's breakpoints: those in the machine shown whose line is in its file. */
static void
update_source_breakpoints (HsWindow *self)
{
  GListModel *bps = hs_engine_get_breakpoints (self->engine);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));

  if (self->frame_local_path == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (bps); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (bps, i);
      const HsAddress *a = hs_breakpoint_get_address (bp);
      g_autofree char *file = NULL;
      guint line;

      if (a->machine == self->frame_machine
          && hs_engine_lookup_line (self->engine, a->machine, a->space, a->offset, &file, &line)
          && g_strcmp0 (file, self->frame_file) == 0)
        g_array_append_val (lines, line);
    }
  hs_source_view_set_breakpoint_lines (HS_SOURCE_VIEW (self->source_view),
                                       self->frame_local_path, (const guint *) lines->data,
                                       lines->len);
}

static void
show_source (HsWindow   *self,
             const char *file,
             guint       line)
{
  HsSourcePathMap *map = hs_engine_get_source_path_map (self->engine);
  g_autoptr(GError) error = NULL;
  g_autofree char *local = NULL;

  g_clear_pointer (&self->frame_file, g_free);
  g_clear_pointer (&self->frame_local_path, g_free);
  if (file == NULL)
    {
      hs_source_view_show_message (HS_SOURCE_VIEW (self->source_view),
                                   "No source line is known for this address: the machine's "
                                   "symbols have no line table for it.");
      return;
    }
  self->frame_file = g_strdup (file);
  local = hs_source_path_map_resolve (map, NULL, file, &error);
  /* A guest kernel built by Debian: its source package can be fetched for the demo board. */
  gtk_widget_set_visible (self->fetch_button, local == NULL && self->board != NULL
                                              && self->frame_machine > 0
                                              && self->fetching == NULL);
  if (local == NULL || !hs_source_view_show (HS_SOURCE_VIEW (self->source_view), local, line,
                                             &error))
    {
      hs_source_view_show_message (HS_SOURCE_VIEW (self->source_view), error->message);
      return;
    }
  self->frame_local_path = g_steal_pointer (&local);
  update_source_breakpoints (self);
}

static void
on_frame_selected (HsWindow      *self,
                   const HsFrame *frame,
                   guint          machine)
{
  HsTask *task = hs_engine_get_current_task (self->engine);
  g_autofree char *file = NULL;
  guint line = 0;

  /* User-space frames read through the process's own page tables. */
  self->frame_machine = machine;
  self->frame_space = task && frame->pc < G_GUINT64_CONSTANT (0xffff000000000000)
                      ? hs_task_get_space (task) : 0;
  hs_register_view_show_frame (HS_REGISTER_VIEW (self->register_view), frame);
  /* The memory view follows the context to its stack, until the user types an address. */
  if (frame->level == 0 && frame->regs.have_sp)
    {
      const char *shown = hs_memory_view_get_address_text (HS_MEMORY_VIEW (self->memory_view));

      if (*shown == 0 || g_strcmp0 (shown, self->memory_auto) == 0)
        {
          g_free (self->memory_auto);
          self->memory_auto = self->frame_space
            ? g_strdup_printf ("%u:::%" G_GUINT64_FORMAT ".::0x%" G_GINT64_MODIFIER "x", machine,
                               self->frame_space, frame->regs.sp)
            : g_strdup_printf ("%u:::0x%" G_GINT64_MODIFIER "x", machine, frame->regs.sp);
          hs_memory_view_show (HS_MEMORY_VIEW (self->memory_view), self->memory_auto, NULL);
        }
    }
  hs_disasm_view_show (HS_DISASM_VIEW (self->disasm_view), machine, self->frame_space, frame->pc);
  /* A caller's line is the call's, not the return address's. */
  if (frame->file != NULL)
    show_source (self, frame->file, frame->line);
  else if (hs_engine_lookup_line (self->engine, machine, self->frame_space,
                                  frame->level > 0 ? frame->pc - 4 : frame->pc, &file, &line))
    show_source (self, file, line);
  else
    show_source (self, NULL, 0);
}

static void
on_toggle_breakpoint (HsWindow   *self,
                      const char *path,
                      guint       line)
{
  g_autoptr(GError) error = NULL;
  GListModel *bps = hs_engine_get_breakpoints (self->engine);
  g_autofree char *command = NULL;
  guint64 address;
  guint actual;

  if (self->frame_file == NULL || g_strcmp0 (path, self->frame_local_path) != 0)
    return;
  if (!hs_engine_line_to_address (self->engine, self->frame_machine, self->frame_file, line,
                                  &address, &actual, &error))
    {
      hs_command_line_append (HS_COMMAND_LINE (self->command_line), error->message, TRUE);
      return;
    }
  /* A breakpoint there already: the click removes it. */
  for (guint i = 0; i < g_list_model_get_n_items (bps); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (bps, i);
      const HsAddress *a = hs_breakpoint_get_address (bp);

      if (a->machine == self->frame_machine && a->offset == address)
        {
          command = g_strdup_printf ("Break.Delete /Id %u.", hs_breakpoint_get_id (bp));
          run_command (self, command);
          return;
        }
    }
  command = g_strdup_printf ("Break.Set %u:::0x%" G_GINT64_MODIFIER "x", self->frame_machine,
                             address);
  run_command (self, command);
}

/* ---- fetching the guest kernel's source -------------------------------------------------- */

static void fetch_read_line (HsWindow *self);

static void
fetch_finished (HsWindow *self,
                gboolean  ok)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *paths = NULL;

  g_clear_object (&self->fetch_lines);
  g_clear_object (&self->fetching);
  gtk_widget_set_sensitive (self->fetch_button, TRUE);
  if (!ok)
    {
      hs_window_show_message (self, "the kernel source could not be fetched; the terminal "
                                    "command 'hyperscope-board source linux' shows why", TRUE);
      return;
    }
  gtk_widget_set_visible (self->fetch_button, FALSE);
  /* The script wrote the source path translations for vmlinux: run them, then look again. */
  paths = hs_board_get_path (self->board, "source_paths", &error);
  if (paths != NULL && g_file_test (paths, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *command = g_strdup_printf ("DO \"%s\"", paths);

      run_command (self, command);
    }
  hs_window_show_message (self, "kernel source fetched", FALSE);
}

static void
fetch_exited (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HsWindow) self = user_data;
  gboolean ok = g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL)
                && g_subprocess_get_successful (G_SUBPROCESS (object));

  if (self->fetching == G_SUBPROCESS (object))
    fetch_finished (self, ok);
}

static void
fetch_line_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HsWindow) self = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                                     result, NULL, NULL);
  guint step, total;

  if (self->fetch_lines == NULL)
    return;
  if (line == NULL)
    {
      g_subprocess_wait_async (self->fetching, NULL, fetch_exited, g_object_ref (self));
      return;
    }
  if (hs_board_parse_progress (line, &step, &total))
    {
      gtk_revealer_set_reveal_child (self->banner, TRUE);
      gtk_label_set_text (self->banner_label, line);
      gtk_progress_bar_set_fraction (self->banner_progress, (double) step / total);
    }
  fetch_read_line (self);
}

static void
fetch_read_line (HsWindow *self)
{
  g_data_input_stream_read_line_async (self->fetch_lines, G_PRIORITY_DEFAULT, NULL, fetch_line_cb,
                                       g_object_ref (self));
}

static void
action_fetch_kernel_source (GSimpleAction *action,
                            GVariant      *param,
                            gpointer       user_data)
{
  HsWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->board == NULL || self->fetching != NULL)
    return;
  self->fetching = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                     | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                                     hs_board_get_script (self->board), "source", "linux", NULL);
  if (self->fetching == NULL)
    {
      hs_window_show_message (self, error->message, TRUE);
      return;
    }
  gtk_widget_set_sensitive (self->fetch_button, FALSE);
  gtk_revealer_set_reveal_child (self->banner, TRUE);
  gtk_label_set_text (self->banner_label, "Fetching the guest kernel's source (Debian's linux "
                                          "source package)…");
  gtk_progress_bar_set_fraction (self->banner_progress, 0.0);
  self->fetch_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->fetching));
  fetch_read_line (self);
}

/* ---- "Set breakpoint for this task…" ---------------------------------------------------- */

typedef struct
{
  HsWindow *self;
  HsTask *task;
  GtkWidget *dialog;
  GtkEntry *entry;
  GtkStringList *completions;   /* functions starting with what was typed */
} TaskBreakpointDialog;

static void
task_breakpoint_dialog_free (gpointer data)
{
  TaskBreakpointDialog *d = data;

  g_object_unref (d->task);
  g_clear_object (&d->completions);
  g_free (d);
}

/* Functions of the task's machine that start with what was typed: a few dozen at most. */
static void
on_breakpoint_text_changed (TaskBreakpointDialog *d)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (d->entry));
  g_auto(GStrv) names = NULL;

  if (strlen (text) >= 3 && strpbrk (text, ":*? ") == NULL)
    names = hs_engine_complete_function (d->self->engine, hs_task_get_machine (d->task), text,
                                         40);
  gtk_string_list_splice (d->completions, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (d->completions)),
                          (const char * const *) names);
}

/* A click on a suggested function takes it. */
static void
on_completion_activate (TaskBreakpointDialog *d,
                        guint                 position)
{
  const char *name = gtk_string_list_get_string (d->completions, position);

  if (name == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (d->entry), name);
  gtk_editable_set_position (GTK_EDITABLE (d->entry), -1);
  gtk_widget_grab_focus (GTK_WIDGET (d->entry));
}

static void
setup_completion (GtkSignalListItemFactory *factory,
                  GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "hs-mono");
  gtk_list_item_set_child (item, label);
}

static void
bind_completion (GtkSignalListItemFactory *factory,
                 GtkListItem              *item)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

static void
on_breakpoint_dialog_response (TaskBreakpointDialog *d)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (d->entry));
  guint machine = hs_task_get_machine (d->task);
  g_autofree char *command = NULL;

  if (*text != 0)
    {
      /* An address form names its machine itself; a bare function is the task's machine's. */
      g_autofree char *prefix = strstr (text, ":::") ? g_strdup ("")
                                                     : g_strdup_printf ("%u:::", machine);

      command = g_strdup_printf ("Break.Set %s%s /MACHINE %u. /TASK %d.", prefix, text, machine,
                                 hs_task_get_pid (d->task));
      run_command (d->self, command);
    }
  g_signal_handlers_disconnect_by_data (d->entry, d);
  gtk_window_destroy (GTK_WINDOW (d->dialog));
}

static void
on_breakpoint_dialog_cancel (TaskBreakpointDialog *d)
{
  gtk_editable_set_text (GTK_EDITABLE (d->entry), "");
  on_breakpoint_dialog_response (d);
}

GtkWindow *
hs_window_ask_task_breakpoint (HsWindow *self,
                               HsTask   *task)
{
  TaskBreakpointDialog *d;
  GtkWidget *box, *label, *buttons, *cancel, *set;
  GtkListItemFactory *factory;
  GtkWidget *list, *scroller;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  g_return_val_if_fail (HS_IS_TASK (task), NULL);

  d = g_new0 (TaskBreakpointDialog, 1);
  d->self = self;
  d->task = g_object_ref (task);
  d->dialog = gtk_window_new ();
  title = g_strdup_printf ("Breakpoint for %s", hs_task_get_name (task));
  gtk_window_set_title (GTK_WINDOW (d->dialog), title);
  gtk_window_set_transient_for (GTK_WINDOW (d->dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (d->dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (d->dialog), 460, -1);
  g_object_set_data_full (G_OBJECT (d->dialog), "hs-dialog", d, task_breakpoint_dialog_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  text = g_strdup_printf ("Stop only when task %s (pid %d) of machine %u reaches:",
                          hs_task_get_name (task), hs_task_get_pid (task),
                          hs_task_get_machine (task));
  label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), label);

  d->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (d->entry, "function, or an address form");
  gtk_accessible_update_property (GTK_ACCESSIBLE (d->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Function or address", -1);
  g_signal_connect_swapped (d->entry, "changed", G_CALLBACK (on_breakpoint_text_changed), d);
  g_signal_connect_swapped (d->entry, "activate", G_CALLBACK (on_breakpoint_dialog_response), d);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (d->entry));

  /* The functions that start with what was typed, under the entry: a click takes one. */
  d->completions = gtk_string_list_new (NULL);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_completion), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_completion), NULL);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (
                              g_object_ref (G_LIST_MODEL (d->completions)))),
                            factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (list), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Matching functions", -1);
  g_signal_connect_swapped (list, "activate", G_CALLBACK (on_completion_activate), d);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 160);
  gtk_box_append (GTK_BOX (box), scroller);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  cancel = gtk_button_new_with_mnemonic ("_Cancel");
  set = gtk_button_new_with_mnemonic ("_Set Breakpoint");
  gtk_widget_add_css_class (set, "suggested-action");
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (on_breakpoint_dialog_cancel), d);
  g_signal_connect_swapped (set, "clicked", G_CALLBACK (on_breakpoint_dialog_response), d);
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), set);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_window_set_child (GTK_WINDOW (d->dialog), box);
  gtk_window_present (GTK_WINDOW (d->dialog));
  return GTK_WINDOW (d->dialog);
}

static void
on_breakpoint_requested (HsWindow *self,
                         HsTask   *task)
{
  hs_window_ask_task_breakpoint (self, task);
}

/* ---- breakpoint list -------------------------------------------------------------------- */

static char *
bp_id_text (GObject *item, gpointer data)
{
  return g_strdup_printf ("%u", hs_breakpoint_get_id (HS_BREAKPOINT (item)));
}

static char *
bp_enabled_text (GObject *item, gpointer data)
{
  return g_strdup (hs_breakpoint_get_enabled (HS_BREAKPOINT (item)) ? "on" : "off");
}

static char *
bp_address_text (GObject *item, gpointer data)
{
  return hs_address_format (hs_breakpoint_get_address (HS_BREAKPOINT (item)));
}

static char *
bp_symbol_text (GObject *item, gpointer data)
{
  return g_strdup (hs_breakpoint_get_symbol (HS_BREAKPOINT (item)));
}

static char *
bp_scope_text (GObject *item, gpointer data)
{
  return hs_breakpoint_describe_scope (HS_BREAKPOINT (item));
}

static char *
bp_hits_text (GObject *item, gpointer data)
{
  return g_strdup_printf ("%u (%u filtered)", hs_breakpoint_get_hits (HS_BREAKPOINT (item)),
                          hs_breakpoint_get_filtered_hits (HS_BREAKPOINT (item)));
}

static HsBreakpoint *
selected_breakpoint (HsWindow *self)
{
  GtkSingleSelection *selection = g_object_get_data (G_OBJECT (self->breakpoint_list),
                                                     "hs-selection");

  return selection ? gtk_single_selection_get_selected_item (selection) : NULL;
}

static void
on_breakpoint_delete (HsWindow *self)
{
  HsBreakpoint *bp = selected_breakpoint (self);
  g_autofree char *command = NULL;

  if (bp == NULL)
    return;
  command = g_strdup_printf ("Break.Delete /Id %u.", hs_breakpoint_get_id (bp));
  run_command (self, command);
}

static void
on_breakpoint_toggle (HsWindow *self)
{
  HsBreakpoint *bp = selected_breakpoint (self);
  g_autofree char *command = NULL;

  if (bp == NULL)
    return;
  command = g_strdup_printf ("%s /Id %u.", hs_breakpoint_get_enabled (bp) ? "Break.DISable"
                                                                          : "Break.ENable",
                             hs_breakpoint_get_id (bp));
  run_command (self, command);
}

static GtkWidget *
new_breakpoint_list (HsWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *table = hs_table_new (hs_engine_get_breakpoints (self->engine), "Breakpoints");
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *toggle = gtk_button_new_with_mnemonic ("_Enable/Disable");
  GtkWidget *delete = gtk_button_new_with_mnemonic ("_Delete");
  GtkSingleSelection *selection;

  hs_table_add_column (HS_TABLE (table), "#", bp_id_text, NULL, 3, FALSE);
  hs_table_add_column (HS_TABLE (table), "On", bp_enabled_text, NULL, 3, FALSE);
  hs_table_add_column (HS_TABLE (table), "Address", bp_address_text, NULL, 22, FALSE);
  hs_table_add_column (HS_TABLE (table), "Symbol", bp_symbol_text, NULL, 18, FALSE);
  hs_table_add_column (HS_TABLE (table), "Scope", bp_scope_text, NULL, 20, TRUE);
  hs_table_add_column (HS_TABLE (table), "Hits", bp_hits_text, NULL, 10, FALSE);
  selection = hs_table_use_single_selection (HS_TABLE (table));
  g_object_set_data (G_OBJECT (box), "hs-selection", selection);
  g_object_set_data (G_OBJECT (box), "hs-table", table);
  gtk_widget_set_vexpand (table, TRUE);
  gtk_box_append (GTK_BOX (box), table);
  g_signal_connect_swapped (toggle, "clicked", G_CALLBACK (on_breakpoint_toggle), self);
  g_signal_connect_swapped (delete, "clicked", G_CALLBACK (on_breakpoint_delete), self);
  gtk_widget_set_margin_top (buttons, 4);
  gtk_widget_set_margin_bottom (buttons, 4);
  gtk_widget_set_margin_start (buttons, 4);
  gtk_box_append (GTK_BOX (buttons), toggle);
  gtk_box_append (GTK_BOX (buttons), delete);
  gtk_box_append (GTK_BOX (box), buttons);
  return box;
}

static void
hs_window_constructed (GObject *object)
{
  HsWindow *self = HS_WINDOW (object);
  GtkExpression *expression;

  G_OBJECT_CLASS (hs_window_parent_class)->constructed (object);

  g_return_if_fail (HS_IS_INTERP (self->interp));
  self->engine = g_object_ref (hs_interp_get_engine (self->interp));

  /* Left: where to look. */
  self->left_notebook = GTK_NOTEBOOK (gtk_notebook_new ());
  self->guest_list = hs_guest_tree_new (self->engine);
  self->task_list = hs_task_list_new (hs_engine_get_tasks (self->engine));
  self->core_list = hs_core_list_new (self->engine);
  self->breakpoint_list = new_breakpoint_list (self);
  gtk_notebook_append_page (self->left_notebook, self->guest_list, gtk_label_new ("Guests"));
  gtk_notebook_append_page (self->left_notebook, self->task_list, gtk_label_new ("Tasks"));
  gtk_notebook_append_page (self->left_notebook, self->core_list, gtk_label_new ("Cores"));
  gtk_notebook_append_page (self->left_notebook, self->breakpoint_list,
                            gtk_label_new ("Breakpoints"));
  gtk_widget_set_vexpand (GTK_WIDGET (self->left_notebook), TRUE);
  gtk_box_append (self->cores_box, GTK_WIDGET (self->left_notebook));
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

  /* Middle: the code of the selected frame; right: its registers, the stack and memory. */
  {
    GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);

    self->code_notebook = GTK_NOTEBOOK (gtk_notebook_new ());
    self->source_view = hs_source_view_new ();
    self->disasm_view = hs_disasm_view_new (self->engine);
    gtk_notebook_append_page (self->code_notebook, self->source_view, gtk_label_new ("Source"));
    gtk_notebook_append_page (self->code_notebook, self->disasm_view,
                              gtk_label_new ("Disassembly"));
    g_signal_connect_object (self->source_view, "toggle-breakpoint",
                             G_CALLBACK (on_toggle_breakpoint), self, G_CONNECT_SWAPPED);
    self->fetch_button = gtk_button_new_with_mnemonic ("_Fetch Kernel Source");
    gtk_widget_set_tooltip_text (self->fetch_button,
                                 "Download and unpack Debian's source package of the guests' "
                                 "kernel (about 140 MB) and map vmlinux's paths to it");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->fetch_button),
                                    "win.fetch-kernel-source");
    gtk_widget_add_css_class (self->fetch_button, "flat");
    gtk_widget_set_visible (self->fetch_button, FALSE);
    gtk_notebook_set_action_widget (self->code_notebook, self->fetch_button, GTK_PACK_END);

    self->context_notebook = GTK_NOTEBOOK (gtk_notebook_new ());
    self->register_view = hs_register_view_new (self->engine, -1);
    g_signal_connect_object (self->register_view, "write-requested",
                             G_CALLBACK (on_register_write_requested), self, G_CONNECT_SWAPPED);
    self->frame_view = hs_frame_view_new (self->engine);
    self->memory_view = hs_memory_view_new (self->interp);
    gtk_notebook_append_page (self->context_notebook, self->register_view,
                              gtk_label_new ("Registers"));
    gtk_notebook_append_page (self->context_notebook, self->frame_view, gtk_label_new ("Stack"));
    gtk_notebook_append_page (self->context_notebook, self->memory_view,
                              gtk_label_new ("Memory"));
    g_signal_connect_object (self->frame_view, "frame-selected", G_CALLBACK (on_frame_selected),
                             self, G_CONNECT_SWAPPED);

    gtk_paned_set_start_child (GTK_PANED (paned), GTK_WIDGET (self->code_notebook));
    gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (self->context_notebook));
    gtk_paned_set_position (GTK_PANED (paned), 540);
    self->code_paned = GTK_PANED (paned);
    gtk_widget_set_vexpand (paned, TRUE);
    gtk_box_append (self->registers_box, paned);
  }
  g_signal_connect_object (hs_engine_get_breakpoints (self->engine), "items-changed",
                           G_CALLBACK (update_source_breakpoints), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->interp, "view-requested", G_CALLBACK (on_view_requested), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::current-task", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);

  self->command_line = hs_command_line_new (self->interp);
  gtk_widget_set_vexpand (self->command_line, TRUE);
  gtk_box_append (self->command_box, self->command_line);

  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                            G_CALLBACK (core_label), NULL, NULL);
  gtk_drop_down_set_expression (self->core_selector, expression);
  gtk_expression_unref (expression);
  gtk_drop_down_set_model (self->core_selector, hs_engine_get_cores (self->engine));
  g_signal_connect_swapped (self->core_selector, "notify::selected",
                            G_CALLBACK (on_core_selected), self);

  g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::waiting-for-halt", G_CALLBACK (update_state),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "halted", G_CALLBACK (on_halted_report), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "halted", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::current-core", G_CALLBACK (on_current_core),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "symbols-progress", G_CALLBACK (on_symbols_progress),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (hs_engine_get_cores (self->engine), "items-changed",
                           G_CALLBACK (on_current_core), self, G_CONNECT_SWAPPED);
  update_state (self);
  restore_layout (self);
}

static void
hs_window_dispose (GObject *object)
{
  HsWindow *self = HS_WINDOW (object);

  if (self->engine != NULL)
    {
      save_layout (self);
      save_session (self);
    }
  g_clear_object (&self->settings);
  if (self->fetching != NULL)
    g_subprocess_force_exit (self->fetching);
  g_clear_object (&self->fetch_lines);
  g_clear_object (&self->fetching);
  g_clear_object (&self->board);
  if (self->register_windows != NULL)
    {
      GHashTable *windows = g_steal_pointer (&self->register_windows);
      GList *list = g_hash_table_get_values (windows);

      for (GList *l = list; l; l = l->next)
        gtk_window_destroy (l->data);
      g_list_free (list);
      g_hash_table_unref (windows);
    }
  g_clear_pointer (&self->frame_file, g_free);
  g_clear_pointer (&self->frame_local_path, g_free);
  g_clear_pointer (&self->memory_auto, g_free);
  g_clear_pointer (&self->stop_text, g_free);
  if (self->describing)
    g_cancellable_cancel (self->describing);
  g_clear_object (&self->describing);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_WINDOW);
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
  gtk_widget_class_bind_template_child (widget_class, HsWindow, core_selector);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, banner_progress);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, cores_box);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, registers_box);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, command_box);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, top_paned);
}

static void
hs_window_init (HsWindow *self)
{
  g_autoptr(GtkBuilder) builder = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->register_windows = g_hash_table_new (NULL, NULL);
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
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

GtkWidget *
hs_window_get_register_view (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->register_view;
}

GtkWidget *
hs_window_get_command_line (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->command_line;
}

GtkWidget *
hs_window_get_memory_view (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->memory_view;
}

GtkWidget *
hs_window_get_task_list (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->task_list;
}

GtkWidget *
hs_window_get_guest_list (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->guest_list;
}

GtkWidget *
hs_window_get_core_list (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->core_list;
}

GtkWidget *
hs_window_get_frame_view (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->frame_view;
}

GtkWidget *
hs_window_get_source_view (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->source_view;
}

GtkWidget *
hs_window_get_disasm_view (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->disasm_view;
}

GtkWidget *
hs_window_get_breakpoint_list (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return g_object_get_data (G_OBJECT (self->breakpoint_list), "hs-table");
}
