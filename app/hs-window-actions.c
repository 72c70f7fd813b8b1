/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-window-actions.c: the window's actions (win.*): run control, focus,
 * the task breakpoint, register windows and fetching the guest kernel's
 * source. Each runs a command through the command line, so the GUI,
 * scripts and tests share one path. GUI thread only.
 */
#define G_LOG_DOMAIN "hs-window"

#include "config.h"

#include "hs-window-private.h"

#include "hs-command-line.h"
#include "hs-task-list.h"

void
_hs_window_run_command (HsWindow   *self,
                        const char *line)
{
  hs_command_line_execute (HS_COMMAND_LINE (self->command_line), line);
}

static void
action_go (GSimpleAction *action,
           GVariant      *param,
           gpointer       user_data)
{
  _hs_window_run_command (user_data, "Go");
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
  /* A command waits for the target (a line stepped over a call that runs on): Break must not
   * queue behind it. The halt ends that command too. */
  if (hs_command_line_is_busy (HS_COMMAND_LINE (self->command_line))
      && hs_engine_get_state (self->engine) == HS_ENGINE_STATE_RUNNING)
    {
      hs_engine_halt_async (self->engine, NULL, NULL, NULL);
      return;
    }
  _hs_window_run_command (self, "Break");
}

static void
run_on_core (HsWindow   *self,
             const char *command,
             const char *extra)
{
  g_autofree char *line = g_strdup_printf ("%s /CORE %u.%s", command,
                                           hs_engine_get_current_core (self->engine),
                                           extra ? extra : "");

  _hs_window_run_command (self, line);
}

static void
action_step (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  run_on_core (user_data, "Step", NULL);
}

static void
step_over_line_known (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(HsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean source;

  if (self->engine == NULL)
    return;  /* the window went away meanwhile */
  source = hs_engine_lookup_line_finish (self->engine, result, NULL, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->stepping);
  run_on_core (self, "Step.Over", source ? " /Hll" : NULL);
}

/* Over a source line where the pc has one (the source view shows it), else an instruction.
 * Whether it has one may need the DWARF: asked in a thread. */
static void
action_step_over (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  HsWindow *self = user_data;
  guint core = hs_engine_get_current_core (self->engine);
  HsCore *c = hs_engine_get_core (self->engine, core);
  guint64 pc;

  if (self->stepping != NULL)
    return;  /* a second F10 before the first has started */
  if (c == NULL || !hs_core_get_register_by_name (c, "pc", &pc))
    {
      run_on_core (self, "Step.Over", NULL);
      return;
    }
  self->stepping = g_cancellable_new ();
  hs_engine_lookup_line_async (self->engine, hs_engine_get_core_machine (self->engine, core), 0,
                               pc, self->stepping, step_over_line_known, g_object_ref (self));
}

static void
action_step_line (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  run_on_core (user_data, "Step.Hll", NULL);
}

static void
action_go_up (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  _hs_window_run_command (user_data, "Go.Up");
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

static void
action_open_registers (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  hs_window_open_register_window (user_data, g_variant_get_uint32 (param), -1);
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

      _hs_window_run_command (self, command);
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

void
_hs_window_add_actions (HsWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
}

static void
set_action_enabled (HsWindow   *self,
                    const char *name,
                    gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
_hs_window_update_actions (HsWindow      *self,
                           HsEngineState  state)
{
  static const char * const when_halted[] = { "go", "step", "step-over", "step-line", "go-up" };

  for (guint i = 0; i < G_N_ELEMENTS (when_halted); i++)
    set_action_enabled (self, when_halted[i], state == HS_ENGINE_STATE_HALTED);
  set_action_enabled (self, "break", state == HS_ENGINE_STATE_RUNNING);
}
