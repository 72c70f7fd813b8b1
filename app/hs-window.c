/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-window.c: the main window: toolbar, cores, machine 0's registers and
 * the command line.
 *
 * Every button and shortcut is a window action that runs its command
 * through the command line, so the GUI, scripts and tests share one path.
 */
#define G_LOG_DOMAIN "hs-window"

#include "config.h"

#include "hs-window.h"

#include "hs-command-line.h"
#include "hs-core-list.h"
#include "hs-memory-view.h"
#include "hs-register-view.h"
#include "hs-table.h"

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

static void
action_break (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  run_command (user_data, "Break");
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

static void
action_focus_command_line (GSimpleAction *action,
                           GVariant      *param,
                           gpointer       user_data)
{
  HsWindow *self = user_data;

  hs_command_line_focus_entry (HS_COMMAND_LINE (self->command_line));
}

static const GActionEntry win_actions[] = {
  { "go", action_go },
  { "break", action_break },
  { "step", action_step },
  { "focus-command-line", action_focus_command_line },
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
  const HsStopEvent *stop = hs_engine_get_last_stop (self->engine);
  const char *target = hs_engine_get_target_name (self->engine);
  g_autofree char *status = NULL;
  g_autofree char *core_text = core ? hs_core_describe (core) : NULL;

  set_action_enabled (self, "go", state == HS_ENGINE_STATE_HALTED);
  set_action_enabled (self, "break", state == HS_ENGINE_STATE_RUNNING);
  set_action_enabled (self, "step", state == HS_ENGINE_STATE_HALTED);
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
      guint core_index = hs_engine_get_current_core (self->engine);
      guint machine = hs_engine_get_core_machine (self->engine, core_index);
      g_autofree char *task_text = NULL;
      GListModel *tasks = hs_engine_get_tasks (self->engine);

      /* The task the current core runs, when the guest's awareness knows it. */
      for (guint i = 0; i < g_list_model_get_n_items (tasks) && task_text == NULL; i++)
        {
          g_autoptr(HsTask) task = g_list_model_get_item (tasks, i);

          if (hs_task_get_core (task) == (gint) core_index)
            task_text = g_strdup_printf (" · task %s (pid %d)", hs_task_get_name (task),
                                         hs_task_get_pid (task));
        }
      status = g_strdup_printf ("%s · halted · machine %u%s · %s · last stop: %s on core %u",
                                target ? target : "", machine, task_text ? task_text : "",
                                core_text ? core_text : "",
                                hs_stop_reason_to_string (stop->reason), stop->core);
    }
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
}

static void
save_layout (HsWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;
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
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_if_fail (HS_IS_WINDOW (self));

  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      hs_command_line_append (HS_COMMAND_LINE (self->command_line), error->message, TRUE);
      return;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strstrip (lines[i]);
      if (g_ascii_strcasecmp (lines[i], "ENDDO") == 0)
        break;
      if (lines[i][0] != 0 && lines[i][0] != ';' && !g_str_has_prefix (lines[i], "//"))
        hs_command_line_execute (HS_COMMAND_LINE (self->command_line), lines[i]);
    }
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

/* ---- guest and task lists ---------------------------------------------------------------- */

static char *
machine_id_text (GObject *item, gpointer data)
{
  return g_strdup_printf ("%u", hs_machine_get_id (HS_MACHINE (item)));
}

static char *
machine_name_text (GObject *item, gpointer data)
{
  return g_strdup (hs_machine_get_name (HS_MACHINE (item)));
}

static char *
machine_state_text (GObject *item, gpointer data)
{
  HsMachine *m = HS_MACHINE (item);

  return g_strdup (hs_machine_get_kind (m) == HS_MACHINE_HYPERVISOR
                   ? "hypervisor" : hs_machine_state_to_string (hs_machine_get_state (m)));
}

static char *
machine_domain_text (GObject *item, gpointer data)
{
  gint d = hs_machine_get_domain_id (HS_MACHINE (item));

  return d >= 0 ? g_strdup_printf ("%d", d) : g_strdup ("—");
}

static char *
machine_vmid_text (GObject *item, gpointer data)
{
  HsMachine *m = HS_MACHINE (item);

  return hs_machine_get_kind (m) == HS_MACHINE_GUEST
         ? g_strdup_printf ("%u", hs_machine_get_vmid (m)) : g_strdup ("—");
}

static char *
machine_vcpus_text (GObject *item, gpointer data)
{
  HsMachine *m = HS_MACHINE (item);

  return hs_machine_get_kind (m) == HS_MACHINE_GUEST
         ? g_strdup_printf ("%u", hs_machine_get_n_vcpus (m)) : g_strdup ("—");
}

static char *
machine_vttbr_text (GObject *item, gpointer data)
{
  HsMachine *m = HS_MACHINE (item);

  return hs_machine_get_kind (m) == HS_MACHINE_GUEST
         ? g_strdup_printf ("0x%016" G_GINT64_MODIFIER "x", hs_machine_get_vttbr (m))
         : g_strdup ("—");
}

static char *
task_machine_text (GObject *item, gpointer data)
{
  return g_strdup_printf ("%u", hs_task_get_machine (HS_TASK (item)));
}

static char *
task_pid_text (GObject *item, gpointer data)
{
  return g_strdup_printf ("%d", hs_task_get_pid (HS_TASK (item)));
}

static char *
task_space_text (GObject *item, gpointer data)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, hs_task_get_space (HS_TASK (item)));
}

static char *
task_name_text (GObject *item, gpointer data)
{
  return g_strdup (hs_task_get_name (HS_TASK (item)));
}

static char *
task_state_text (GObject *item, gpointer data)
{
  HsTask *t = HS_TASK (item);

  return hs_task_is_corrupt (t) ? g_strdup_printf ("corrupt: %s", hs_task_get_corrupt_reason (t))
                                : g_strdup (hs_task_get_state_text (t));
}

static char *
task_cpu_text (GObject *item, gpointer data)
{
  return g_strdup_printf ("%d", hs_task_get_cpu (HS_TASK (item)));
}

static char *
task_current_text (GObject *item, gpointer data)
{
  HsTask *t = HS_TASK (item);

  if (hs_task_get_current_vcpu (t) < 0)
    return g_strdup ("");
  if (hs_task_get_core (t) >= 0)
    return g_strdup_printf ("● vCPU %d, core %d", hs_task_get_current_vcpu (t),
                            hs_task_get_core (t));
  return g_strdup_printf ("vCPU %d", hs_task_get_current_vcpu (t));
}

static GtkWidget *
new_guest_list (HsEngine *engine)
{
  GtkWidget *table = hs_table_new (hs_engine_get_machines (engine), "Guests");

  hs_table_add_column (HS_TABLE (table), "ID", machine_id_text, NULL, 3, FALSE);
  hs_table_add_column (HS_TABLE (table), "Name", machine_name_text, NULL, 10, FALSE);
  hs_table_add_column (HS_TABLE (table), "State", machine_state_text, NULL, 10, FALSE);
  hs_table_add_column (HS_TABLE (table), "Domain", machine_domain_text, NULL, 4, FALSE);
  hs_table_add_column (HS_TABLE (table), "VMID", machine_vmid_text, NULL, 4, FALSE);
  hs_table_add_column (HS_TABLE (table), "vCPUs", machine_vcpus_text, NULL, 4, FALSE);
  hs_table_add_column (HS_TABLE (table), "Stage-2 base", machine_vttbr_text, NULL, 18, TRUE);
  return table;
}

static GtkWidget *
new_task_list (HsEngine *engine)
{
  GtkWidget *table = hs_table_new (hs_engine_get_tasks (engine), "Global task list");

  hs_table_add_column (HS_TABLE (table), "Machine", task_machine_text, NULL, 3, FALSE);
  hs_table_add_column (HS_TABLE (table), "PID", task_pid_text, NULL, 5, FALSE);
  hs_table_add_column (HS_TABLE (table), "Space", task_space_text, NULL, 5, FALSE);
  hs_table_add_column (HS_TABLE (table), "Name", task_name_text, NULL, 15, FALSE);
  hs_table_add_column (HS_TABLE (table), "State", task_state_text, NULL, 12, FALSE);
  hs_table_add_column (HS_TABLE (table), "CPU", task_cpu_text, NULL, 3, FALSE);
  hs_table_add_column (HS_TABLE (table), "Current", task_current_text, NULL, 16, TRUE);
  return table;
}

static void
hs_window_constructed (GObject *object)
{
  HsWindow *self = HS_WINDOW (object);
  GtkExpression *expression;

  G_OBJECT_CLASS (hs_window_parent_class)->constructed (object);

  g_return_if_fail (HS_IS_INTERP (self->interp));
  self->engine = g_object_ref (hs_interp_get_engine (self->interp));

  {
    GtkWidget *notebook = gtk_notebook_new ();

    self->core_list = hs_core_list_new (self->engine);
    self->guest_list = new_guest_list (self->engine);
    self->task_list = new_task_list (self->engine);
    gtk_notebook_append_page (GTK_NOTEBOOK (notebook), self->core_list, gtk_label_new ("Cores"));
    gtk_notebook_append_page (GTK_NOTEBOOK (notebook), self->guest_list,
                              gtk_label_new ("Guests"));
    gtk_notebook_append_page (GTK_NOTEBOOK (notebook), self->task_list, gtk_label_new ("Tasks"));
    gtk_widget_set_vexpand (notebook, TRUE);
    gtk_box_append (self->cores_box, notebook);
  }

  {
    GtkWidget *notebook = gtk_notebook_new ();

    self->register_view = hs_register_view_new (self->engine, 0);
    self->memory_view = hs_memory_view_new (self->interp);
    gtk_notebook_append_page (GTK_NOTEBOOK (notebook), self->register_view,
                              gtk_label_new ("Registers"));
    gtk_notebook_append_page (GTK_NOTEBOOK (notebook), self->memory_view,
                              gtk_label_new ("Memory"));
    gtk_widget_set_vexpand (notebook, TRUE);
    gtk_box_append (self->registers_box, notebook);
  }

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

  save_layout (self);
  g_clear_object (&self->settings);
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
