/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-application.c: the GtkApplication: owns the engine, the command
 * interpreter and (with --demo) the board, and the one main window.
 */
#define G_LOG_DOMAIN "hs-application"

#include "config.h"

#include "hs-application.h"

#include "hs-board.h"
#include "hs-widgets.h"

struct _HsApplication
{
  GtkApplication parent_instance;

  /* Owned */
  HsEngine *engine;
  HsInterp *interp;
  HsBoard *board;
  char *attach;

  /* Borrowed */
  HsWindow *window;

  gboolean demo;
  gboolean closing;
  gboolean no_session;
};

G_DEFINE_FINAL_TYPE (HsApplication, hs_application, GTK_TYPE_APPLICATION)

static void
attach_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HsApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!hs_engine_attach_finish (HS_ENGINE (object), result, &error))
    text = g_strdup_printf ("%s — the window stays usable: SYStem.Attach HOST:PORT retries",
                            error->message);
  else
    text = g_strdup_printf ("attached to %s: %u cores, %s", hs_engine_get_target_name (self->engine),
                            hs_engine_get_n_cores (self->engine),
                            hs_engine_state_to_string (hs_engine_get_state (self->engine)));
  if (self->window)
    hs_window_show_message (self->window, text, error != NULL);
  if (error == NULL && self->board && self->window)
    {
      g_autofree char *session = hs_board_get_session_script (self->board);

      hs_window_run_script (self->window, session);
    }
  /* What the user had last time, after the demo's own symbols so it can add to them. */
  if (error == NULL && self->window && !self->no_session)
    hs_window_restore_session (self->window);
}

static void
attach_to (HsApplication *self,
           const char    *location)
{
  hs_engine_attach_location_async (self->engine, location, NULL, attach_done,
                                   g_object_ref (self));
}

static void
board_started (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HsApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hs_board_start_finish (HS_BOARD (object), result, &error))
    {
      g_autofree char *text = g_strdup_printf ("the demo board did not start: %s",
                                               error->message);

      if (self->window)
        hs_window_show_message (self->window, text, TRUE);
      return;
    }
  {
    g_autofree char *location = g_strdup_printf ("127.0.0.1:%u",
                                                 hs_board_get_gdb_port (self->board));

    attach_to (self, location);
  }
}

static void
detach_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HsApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = hs_engine_detach_finish (HS_ENGINE (object), result, &error);

  /* The window is gone by now: the terminal that started us is where this can be said. */
  g_printerr ("hyperscope: %s\n", report ? report : error->message);
  if (self->board)
    hs_board_stop (self->board);
  if (self->window)
    gtk_window_destroy (GTK_WINDOW (self->window));
  g_application_release (G_APPLICATION (self));
}

/* Leave the target running, as a debugger should, before the window goes. */
static gboolean
on_close_request (HsApplication *self)
{
  if (self->closing)
    return TRUE;
  if (hs_engine_get_state (self->engine) == HS_ENGINE_STATE_DETACHED)
    {
      if (self->board)
        hs_board_stop (self->board);
      return FALSE;
    }
  self->closing = TRUE;
  g_application_hold (G_APPLICATION (self));
  gtk_widget_set_visible (GTK_WIDGET (self->window), FALSE);
  hs_engine_detach_async (self->engine, NULL, detach_done, g_object_ref (self));
  return TRUE;
}

static void
app_quit (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  HsApplication *self = user_data;

  if (self->window == NULL || !on_close_request (self))
    g_application_quit (G_APPLICATION (self));
}

/* QUIT in the command line or a script: the window's own way out (the board left running). */
static void
on_quit_requested (HsApplication *self,
                   gint           status)
{
  g_action_group_activate_action (G_ACTION_GROUP (self), "quit", NULL);
}

static void
app_about (GSimpleAction *action,
           GVariant      *param,
           gpointer       user_data)
{
  HsApplication *self = user_data;

  gtk_show_about_dialog (GTK_WINDOW (self->window),
                         "program-name", "Hyperscope",
                         "logo-icon-name", HS_APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", "A hypervisor-aware debugger: the hypervisor, every guest "
                                     "and every process, through one probe.",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", app_quit },
  { "about", app_about },
};

static void
hs_application_startup (GApplication *app)
{
  HsApplication *self = HS_APPLICATION (app);
  static const struct { const char *action; const char *accels[2]; } accels[] = {
    { "win.go", { "F5", NULL } },
    { "win.break", { "<Control>period", NULL } },
    { "win.step", { "F11", NULL } },
    { "win.step-over", { "F10", NULL } },
    { "win.step-line", { "<Control>F11", NULL } },
    { "win.go-up", { "<Shift>F11", NULL } },
    { "win.find-task", { "<Control>f", NULL } },
    { "win.focus-command-line", { "<Control>l", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "app.quit", { "<Control>q", NULL } },
  };

  G_APPLICATION_CLASS (hs_application_parent_class)->startup (app);

  hs_widgets_init ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
}

static void
hs_application_activate (GApplication *app)
{
  HsApplication *self = HS_APPLICATION (app);

  if (self->window)
    {
      gtk_window_present (GTK_WINDOW (self->window));
      return;
    }
  self->window = hs_window_new (GTK_APPLICATION (self), self->interp);
  g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  g_signal_connect_swapped (self->window, "close-request", G_CALLBACK (on_close_request), self);
  gtk_window_present (GTK_WINDOW (self->window));

  if (self->demo)
    {
      self->board = hs_board_new ();
      hs_window_watch_board (self->window, self->board);
      hs_board_start_async (self->board, NULL, board_started, g_object_ref (self));
    }
  else if (self->attach)
    {
      attach_to (self, self->attach);
    }
}

static void
hs_application_shutdown (GApplication *app)
{
  HsApplication *self = HS_APPLICATION (app);

  if (self->board)
    hs_board_stop (self->board);
  G_APPLICATION_CLASS (hs_application_parent_class)->shutdown (app);
}

static void
hs_application_finalize (GObject *object)
{
  HsApplication *self = HS_APPLICATION (object);

  g_clear_object (&self->board);
  g_clear_object (&self->interp);
  g_clear_object (&self->engine);
  g_free (self->attach);
  G_OBJECT_CLASS (hs_application_parent_class)->finalize (object);
}

static void
hs_application_class_init (HsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = hs_application_finalize;
  app_class->startup = hs_application_startup;
  app_class->activate = hs_application_activate;
  app_class->shutdown = hs_application_shutdown;
}

static void
hs_application_init (HsApplication *self)
{
  self->engine = hs_engine_new ();
  self->interp = hs_interp_new (self->engine);
  g_signal_connect_object (self->interp, "quit-requested", G_CALLBACK (on_quit_requested), self,
                           G_CONNECT_SWAPPED);
}

HsApplication *
hs_application_new (const HsCliOptions *options)
{
  HsApplication *self;

  /* Several debuggers (one per board) may run at once. */
  self = g_object_new (HS_TYPE_APPLICATION,
                       "application-id", HS_APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/hyperscope/Hyperscope",
                       NULL);
  if (options)
    {
      self->demo = options->demo;
      self->attach = g_strdup (options->attach);
      self->no_session = options->no_session;
    }
  return self;
}

HsWindow *
hs_application_get_window (HsApplication *self)
{
  g_return_val_if_fail (HS_IS_APPLICATION (self), NULL);
  return self->window;
}

int
hs_application_run (const HsCliOptions *options)
{
  g_autoptr(HsApplication) app = hs_application_new (options);
  char *argv[] = { (char *) "hyperscope", NULL };

  /* Our options were parsed already; GApplication sees none. */
  return g_application_run (G_APPLICATION (app), 1, argv);
}
