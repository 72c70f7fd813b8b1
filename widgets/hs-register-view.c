/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-register-view.c: one machine's registers on the engine's current core.
 *
 * Rows are stable objects created once per target; a halt only updates the
 * rows whose value changed, and the cells follow their row's notifications,
 * so nothing is cleared and refilled.
 */
#define G_LOG_DOMAIN "hs-register-view"

#include "config.h"

#include "hs-register-view.h"

#include "hs-arm64.h"
#include "hs-table.h"

/* ---- rows ------------------------------------------------------------------------------- */

#define HS_TYPE_REGISTER_ROW (hs_register_row_get_type ())
G_DECLARE_FINAL_TYPE (HsRegisterRow, hs_register_row, HS, REGISTER_ROW, GObject)

struct _HsRegisterRow
{
  GObject parent_instance;

  char *name;
  char *value;
  char *meaning;
  guint index;
  gboolean changed;
};

G_DEFINE_FINAL_TYPE (HsRegisterRow, hs_register_row, G_TYPE_OBJECT)

enum {
  ROW_PROP_0,
  ROW_PROP_NAME,
  ROW_PROP_VALUE,
  ROW_PROP_MEANING,
  ROW_PROP_CHANGED,
  ROW_N_PROPS
};

static GParamSpec *row_properties[ROW_N_PROPS];

static void
hs_register_row_finalize (GObject *object)
{
  HsRegisterRow *self = HS_REGISTER_ROW (object);

  g_free (self->name);
  g_free (self->value);
  g_free (self->meaning);
  G_OBJECT_CLASS (hs_register_row_parent_class)->finalize (object);
}

static void
hs_register_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HsRegisterRow *self = HS_REGISTER_ROW (object);

  switch (prop_id)
    {
    case ROW_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case ROW_PROP_VALUE:
      g_value_set_string (value, self->value);
      break;
    case ROW_PROP_MEANING:
      g_value_set_string (value, self->meaning);
      break;
    case ROW_PROP_CHANGED:
      g_value_set_boolean (value, self->changed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_register_row_class_init (HsRegisterRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_register_row_finalize;
  object_class->get_property = hs_register_row_get_property;

  row_properties[ROW_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  row_properties[ROW_PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  row_properties[ROW_PROP_MEANING] =
    g_param_spec_string ("meaning", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  row_properties[ROW_PROP_CHANGED] =
    g_param_spec_boolean ("changed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, ROW_N_PROPS, row_properties);
}

static void
hs_register_row_init (HsRegisterRow *self)
{
}

static HsRegisterRow *
hs_register_row_new (const char *name,
                     guint       index)
{
  HsRegisterRow *row = g_object_new (HS_TYPE_REGISTER_ROW, NULL);

  row->name = g_strdup (name);
  row->index = index;
  row->value = g_strdup ("");
  return row;
}

/* Notifies only what differs: a halt that changes three registers redraws three cells. */
static void
hs_register_row_update (HsRegisterRow *row,
                        const char    *value,
                        const char    *meaning,
                        gboolean       changed)
{
  if (g_strcmp0 (row->value, value) != 0)
    {
      g_free (row->value);
      row->value = g_strdup (value);
      g_object_notify_by_pspec (G_OBJECT (row), row_properties[ROW_PROP_VALUE]);
    }
  if (g_strcmp0 (row->meaning, meaning) != 0)
    {
      g_free (row->meaning);
      row->meaning = g_strdup (meaning);
      g_object_notify_by_pspec (G_OBJECT (row), row_properties[ROW_PROP_MEANING]);
    }
  if (row->changed != changed)
    {
      row->changed = changed;
      g_object_notify_by_pspec (G_OBJECT (row), row_properties[ROW_PROP_CHANGED]);
    }
}

/* ---- view ------------------------------------------------------------------------------- */

struct _HsRegisterView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkLabel *title;
  GtkBox *box;

  /* Owned */
  HsEngine *engine;
  GListStore *rows;
  GPtrArray *rows_for;          /* the register infos the rows were made from */
  GCancellable *fetching;       /* the registers of the shown core, being read */

  guint machine;
};

G_DEFINE_FINAL_TYPE (HsRegisterView, hs_register_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_MACHINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
rebuild_rows (HsRegisterView *self,
              GPtrArray      *infos)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  const char * const *key = hs_arm64_key_system_registers ();

  static const char * const first[] = { "pc", "sp", "cpsr", NULL };

  /* Where the core is and the translation regime first: that is what a hypervisor
   * engineer looks for; the general-purpose registers follow. */
  for (guint k = 0; infos && first[k]; k++)
    {
      gint i = hs_engine_lookup_register (self->engine, first[k]);

      if (i >= 0)
        g_ptr_array_add (rows, hs_register_row_new (first[k], i));
    }
  for (guint k = 0; infos && key[k]; k++)
    {
      gint i = hs_engine_lookup_register (self->engine, key[k]);

      if (i >= 0)
        g_ptr_array_add (rows, hs_register_row_new (key[k], i));
    }
  for (guint i = 0; infos && i < infos->len; i++)
    {
      const HsRegisterInfo *info = g_ptr_array_index (infos, i);

      if (info->klass == HS_REGISTER_CLASS_CORE && !g_strv_contains (first, info->name))
        g_ptr_array_add (rows, hs_register_row_new (info->name, i));
    }
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
  if (self->rows_for)
    g_ptr_array_unref (self->rows_for);
  self->rows_for = infos ? g_ptr_array_ref (infos) : NULL;
}

static void
refresh (HsRegisterView *self)
{
  GPtrArray *infos = hs_engine_get_register_infos (self->engine);
  HsEngineState state = hs_engine_get_state (self->engine);
  guint core_index = hs_engine_get_current_core (self->engine);
  HsCore *core = hs_engine_get_core (self->engine, core_index);
  guint n;
  g_autofree char *title = NULL;
  const char *source;

  if (infos != self->rows_for)
    rebuild_rows (self, infos);

  switch (state)
    {
    case HS_ENGINE_STATE_HALTED:
      source = "live registers";
      break;
    case HS_ENGINE_STATE_RUNNING:
      source = "running: values from the last halt";
      break;
    case HS_ENGINE_STATE_ATTACHING:
      source = "attaching";
      break;
    case HS_ENGINE_STATE_DETACHED:
    default:
      source = "not attached";
      break;
    }
  if (core && hs_core_get_exception_level (core) >= 0)
    {
      guint machine = hs_engine_get_core_machine (self->engine, core_index);
      HsMachine *m = hs_engine_get_machine (self->engine, machine);

      /* A core's registers belong to whichever machine it is in at the halt. */
      title = g_strdup_printf ("Core %u · EL%d · in machine %u (%s) · %s", core_index,
                               hs_core_get_exception_level (core), machine,
                               m ? hs_machine_get_name (m) : "?", source);
    }
  else
    title = g_strdup_printf ("Core %u · %s", core_index, source);
  gtk_label_set_text (self->title, title);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsRegisterRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      g_autofree char *value = NULL;
      g_autofree char *meaning = NULL;
      guint64 v;

      if (core && hs_core_get_register (core, row->index, &v))
        {
          value = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "x", v);
          meaning = hs_arm64_describe_register (row->name, v);
        }
      else
        value = g_strdup (core ? "??" : "");
      hs_register_row_update (row, value, meaning ? meaning : "",
                              core && hs_core_register_changed (core, row->index));
    }
}

static void
all_registers_read (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(HsRegisterView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (hs_engine_read_all_registers_finish (HS_ENGINE (object), result, &error))
    refresh (self);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("registers not read: %s", error->message);
}

/* A halt reads only what walks need: the rest of the shown core's registers come after. */
static void
on_engine_changed (HsRegisterView *self)
{
  refresh (self);
  g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  if (hs_engine_get_state (self->engine) != HS_ENGINE_STATE_HALTED)
    return;
  self->fetching = g_cancellable_new ();
  hs_engine_read_all_registers_async (self->engine, hs_engine_get_current_core (self->engine),
                                      self->fetching, all_registers_read, g_object_ref (self));
}

/* ---- cells ------------------------------------------------------------------------------ */

static char *
name_text (GObject *item, gpointer data)
{
  return g_strdup (HS_REGISTER_ROW (item)->name);
}

static char *
value_text (GObject *item, gpointer data)
{
  return g_strdup (HS_REGISTER_ROW (item)->value);
}

static const char *
value_style (GObject *item, gpointer data)
{
  return HS_REGISTER_ROW (item)->changed ? "hs-changed" : NULL;
}

static char *
meaning_text (GObject *item, gpointer data)
{
  return g_strdup (HS_REGISTER_ROW (item)->meaning);
}

/* ---- public ----------------------------------------------------------------------------- */

static HsRegisterRow *
find_row (HsRegisterView *self,
          const char     *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsRegisterRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      if (g_ascii_strcasecmp (row->name, name) == 0)
        return row;  /* the store keeps it alive */
    }
  return NULL;
}

char *
hs_register_view_get_value_text (HsRegisterView *self,
                                 const char     *name)
{
  HsRegisterRow *row;

  g_return_val_if_fail (HS_IS_REGISTER_VIEW (self), NULL);
  row = find_row (self, name);
  return row ? g_strdup (row->value) : NULL;
}

gboolean
hs_register_view_is_changed (HsRegisterView *self,
                             const char     *name)
{
  HsRegisterRow *row;

  g_return_val_if_fail (HS_IS_REGISTER_VIEW (self), FALSE);
  row = find_row (self, name);
  return row != NULL && row->changed;
}

HsEngine *
hs_register_view_get_engine (HsRegisterView *self)
{
  g_return_val_if_fail (HS_IS_REGISTER_VIEW (self), NULL);
  return self->engine;
}

guint
hs_register_view_get_machine (HsRegisterView *self)
{
  g_return_val_if_fail (HS_IS_REGISTER_VIEW (self), 0);
  return self->machine;
}

guint
hs_register_view_get_core (HsRegisterView *self)
{
  g_return_val_if_fail (HS_IS_REGISTER_VIEW (self), 0);
  return hs_engine_get_current_core (self->engine);
}

static void
hs_register_view_constructed (GObject *object)
{
  HsRegisterView *self = HS_REGISTER_VIEW (object);

  G_OBJECT_CLASS (hs_register_view_parent_class)->constructed (object);

  g_return_if_fail (HS_IS_ENGINE (self->engine));
  g_signal_connect_object (self->engine, "halted", G_CALLBACK (on_engine_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (on_engine_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::current-core", G_CALLBACK (on_engine_changed),
                           self, G_CONNECT_SWAPPED);
  refresh (self);
}

static void
hs_register_view_dispose (GObject *object)
{
  HsRegisterView *self = HS_REGISTER_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_REGISTER_VIEW);
  /* The template's root box is not a bound child, so it is not unparented for us. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  if (self->fetching)
    g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  g_clear_object (&self->rows);
  g_clear_pointer (&self->rows_for, g_ptr_array_unref);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_register_view_parent_class)->dispose (object);
}

static void
hs_register_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HsRegisterView *self = HS_REGISTER_VIEW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_MACHINE:
      g_value_set_uint (value, self->machine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_register_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HsRegisterView *self = HS_REGISTER_VIEW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_MACHINE:
      self->machine = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_register_view_class_init (HsRegisterViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hs_register_view_constructed;
  object_class->dispose = hs_register_view_dispose;
  object_class->get_property = hs_register_view_get_property;
  object_class->set_property = hs_register_view_set_property;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, HS_TYPE_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MACHINE] =
    g_param_spec_uint ("machine", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/hyperscope/Hyperscope/ui/hs-register-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HsRegisterView, title);
  gtk_widget_class_bind_template_child (widget_class, HsRegisterView, box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-register-view");
}

static void
hs_register_view_init (HsRegisterView *self)
{
  GtkWidget *table;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_list_store_new (HS_TYPE_REGISTER_ROW);
  table = hs_table_new (G_LIST_MODEL (self->rows), "Registers");
  hs_table_add_column (HS_TABLE (table), "Register", name_text, NULL, 14, FALSE);
  hs_table_add_styled_column (HS_TABLE (table), "Value", value_text, value_style, NULL, 18,
                              FALSE);
  hs_table_add_column (HS_TABLE (table), "Meaning", meaning_text, NULL, 40, TRUE);
  gtk_widget_set_vexpand (table, TRUE);
  gtk_box_append (self->box, table);
}

GtkWidget *
hs_register_view_new (HsEngine *engine,
                      guint     machine)
{
  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);
  return g_object_new (HS_TYPE_REGISTER_VIEW, "engine", engine, "machine", machine, NULL);
}
