/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-window-session.c: what outlives the window: its size and panes and the
 * open register windows (GSettings), the symbol files, source paths and
 * breakpoints (the session script, run again at the next start); and the
 * register windows themselves, one per machine. GUI thread only.
 */
#define G_LOG_DOMAIN "hs-window"

#include "config.h"

#include "hs-window-private.h"

#include "hs-command-line.h"
#include "hs-register-view.h"

#include <errno.h>

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

void
_hs_window_restore_layout (HsWindow *self)
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

void
_hs_window_save_layout (HsWindow *self)
{
  g_autoptr(GArray) machines = NULL;
  GVariantBuilder builder;
  int width, height;

  if (self->settings == NULL)
    return;
  machines = hs_window_get_register_window_machines (self);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("au"));
  for (guint i = 0; i < machines->len; i++)
    g_variant_builder_add (&builder, "u", g_array_index (machines, guint, i));
  g_settings_set_value (self->settings, "register-windows", g_variant_builder_end (&builder));
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

/* Symbol files, source paths and breakpoints, as a script the next start runs. */
void
_hs_window_save_session (HsWindow *self)
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

/* A session runs as a DO in the command line: its progress shows there, and it can be
 * stopped there. A line of it that fails is reported and the rest runs (the DO inherits the
 * ON ERROR before it), as for sessions saved before they said so themselves: a symbol file
 * that has gone must not cost the breakpoints after it. */
void
hs_window_run_script (HsWindow   *self,
                      const char *path)
{
  g_autofree char *command = NULL;

  g_return_if_fail (HS_IS_WINDOW (self));

  command = g_strdup_printf ("ON ERROR CONTinue\nDO \"%s\"", path);
  _hs_window_run_command (self, command);
}

/* ---- register windows, one per machine -------------------------------------------------- */

static void
on_register_write_requested (HsWindow   *self,
                             const char *name,
                             guint       core,
                             const char *text)
{
  g_autofree char *command = g_strdup_printf ("Register.Set %s %s /CORE %u.", name, text, core);

  _hs_window_run_command (self, command);
}

static void
on_register_window_destroyed (HsWindow  *self,
                              GtkWidget *window)
{
  GHashTableIter iter;
  gpointer value;

  if (self->register_windows == NULL)
    return;
  g_hash_table_iter_init (&iter, self->register_windows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == window)
      g_hash_table_iter_remove (&iter);
}

GtkWindow *
hs_window_open_register_window (HsWindow *self,
                                guint     machine,
                                gint      unit)
{
  GtkWidget *window;

  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);

  window = g_hash_table_lookup (self->register_windows, GUINT_TO_POINTER (machine));
  if (window == NULL)
    {
      HsMachine *m = hs_engine_get_machine (self->engine, machine);
      g_autofree char *title = g_strdup_printf ("Registers · machine %u (%s)", machine,
                                                m ? hs_machine_get_name (m) : "?");
      GtkWidget *view = hs_register_view_new (self->engine, (gint) machine);

      window = gtk_window_new ();
      gtk_window_set_title (GTK_WINDOW (window), title);
      gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
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

  g_return_val_if_fail (HS_IS_WINDOW (self), machines);

  g_hash_table_iter_init (&iter, self->register_windows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint m = GPOINTER_TO_UINT (key);

      g_array_append_val (machines, m);
    }
  return machines;
}

void
_hs_window_close_register_windows (HsWindow *self)
{
  GHashTable *windows = g_steal_pointer (&self->register_windows);
  GList *list;

  if (windows == NULL)
    return;
  list = g_hash_table_get_values (windows);
  for (GList *l = list; l; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (list);
  g_hash_table_unref (windows);
}

/* The register view in the main window asks through the same path as the register windows. */
void
_hs_window_connect_register_view (HsWindow  *self,
                                  GtkWidget *view)
{
  g_signal_connect_object (view, "write-requested", G_CALLBACK (on_register_write_requested),
                           self, G_CONNECT_SWAPPED);
}
