/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-register-view.c: the registers of the current context, or of one
 * machine.
 *
 * In context mode the view follows the engine's current task (and the frame
 * the window selects): live registers where a halted core runs it, else what
 * Linux or Xen saved. In machine mode it stays on one machine: machine 0's
 * pCPUs with the EL2 registers, or a guest's vCPUs with the EL1 registers.
 *
 * Rows are stable objects; a halt only updates the rows whose value changed,
 * and the cells follow their row's notifications, so nothing is cleared and
 * refilled. A value is "changed" when it differs from what the same source
 * (core, task, vCPU) showed at the previous halt.
 */
#define G_LOG_DOMAIN "hs-register-view"

#include "config.h"

#include "hs-register-view.h"

#include "hs-arm64.h"
#include "hs-table.h"

#include <string.h>

/* ---- rows ------------------------------------------------------------------------------- */

#define HS_TYPE_REGISTER_ROW (hs_register_row_get_type ())
G_DECLARE_FINAL_TYPE (HsRegisterRow, hs_register_row, HS, REGISTER_ROW, GObject)

struct _HsRegisterRow
{
  GObject parent_instance;

  char *name;
  char *value;
  char *meaning;
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
hs_register_row_new (const char *name)
{
  HsRegisterRow *row = g_object_new (HS_TYPE_REGISTER_ROW, NULL);

  row->name = g_strdup (name);
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

  GtkDropDown *unit_chooser;    /* machine mode: which pCPU or vCPU */
  GtkStringList *units;

  /* Owned */
  HsEngine *engine;
  GListStore *rows;
  GCancellable *fetching;       /* registers being read for what is shown */
  gint fetched_core;            /* the core whose registers were all read at this halt */

  gint machine;                 /* -1: the current context */
  guint unit;
  gboolean has_frame;           /* context mode: a caller's frame instead of the live one */
  guint frame_level;
  HsUnwindRegs frame_regs;

  gint live_core;               /* the core whose live registers are shown, or -1 */
  GtkPopover *editor;
  GtkEntry *editor_entry;
  char *editing;                /* the register the editor writes */

  char *source;
  char *key;                    /* what is shown: "core 1", "task 2:89", "vcpu 2:0" */
  GHashTable *shown;            /* name -> guint64 *, what is shown */
  char *baseline_key;
  GHashTable *baseline;         /* the same, as the previous halt left it */
};

G_DEFINE_FINAL_TYPE (HsRegisterView, hs_register_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_MACHINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  const char *name;
  guint64 value;
  gboolean valid;
  gint changed;                 /* -1: compare with the last halt's; else what the core says */
} Entry;

static void refresh (HsRegisterView *self);
static HsRegisterRow *find_row (HsRegisterView *self, const char *name);

static gboolean
same_names (HsRegisterView *self,
            GArray         *entries)
{
  GListModel *rows = G_LIST_MODEL (self->rows);

  if (g_list_model_get_n_items (rows) != entries->len)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      g_autoptr(HsRegisterRow) row = g_list_model_get_item (rows, i);

      if (g_strcmp0 (row->name, g_array_index (entries, Entry, i).name) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Shows @entries from @key, marking what differs from the same key at the last halt. */
static void
show_entries (HsRegisterView *self,
              const char     *key,
              const char     *source,
              GArray         *entries)
{
  gboolean comparable = g_strcmp0 (key, self->baseline_key) == 0 && self->baseline != NULL;

  if (!same_names (self, entries))
    {
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < entries->len; i++)
        g_ptr_array_add (rows, hs_register_row_new (g_array_index (entries, Entry, i).name));
      g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                           rows->pdata, rows->len);
    }
  g_hash_table_remove_all (self->shown);
  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *e = &g_array_index (entries, Entry, i);
      g_autoptr(HsRegisterRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      g_autofree char *value = NULL;
      g_autofree char *meaning = NULL;
      gboolean changed = FALSE;

      if (e->valid)
        {
          const guint64 *before = comparable ? g_hash_table_lookup (self->baseline, e->name)
                                             : NULL;

          value = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "x", e->value);
          meaning = hs_arm64_describe_register (e->name, e->value);
          changed = e->changed >= 0 ? e->changed : before != NULL && *before != e->value;
          g_hash_table_insert (self->shown, g_strdup (e->name), g_memdup2 (&e->value, 8));
        }
      else
        value = g_strdup ("--");
      hs_register_row_update (row, value, meaning ? meaning : "", changed);
    }
  g_free (self->key);
  self->key = g_strdup (key);
  g_free (self->source);
  self->source = g_strdup (source);
}

static void
set_title (HsRegisterView *self,
           const char     *text)
{
  gtk_label_set_text (self->title, text);
}

static void
add_entry (GArray     *entries,
           const char *name,
           guint64     value,
           gboolean    valid)
{
  Entry e = { g_intern_string (name), value, valid, -1 };

  g_array_append_val (entries, e);
}

/* A live core knows itself which of its registers the last halt changed. */
static void
add_core_entry (HsRegisterView *self,
                GArray         *entries,
                HsCore         *core,
                const char     *name)
{
  gint index = hs_engine_lookup_register (self->engine, name);
  guint64 v = 0;
  Entry e = { g_intern_string (name), 0, FALSE, 0 };

  if (index >= 0 && hs_core_get_register (core, index, &v))
    {
      e.value = v;
      e.valid = TRUE;
      e.changed = hs_core_register_changed (core, index);
    }
  g_array_append_val (entries, e);
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

static void
restart_fetch (HsRegisterView *self)
{
  g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  self->fetching = g_cancellable_new ();
}

/* A halt reads only what walks need: the rest of a shown core's registers come after. */
static gboolean
fetch_core_once (HsRegisterView *self,
                 guint           core)
{
  if (self->fetched_core == (gint) core)
    return FALSE;
  self->fetched_core = (gint) core;
  restart_fetch (self);
  hs_engine_read_all_registers_async (self->engine, core, self->fetching, all_registers_read,
                                      g_object_ref (self));
  return TRUE;
}

static void
show_core (HsRegisterView *self,
           guint           core_index)
{
  HsCore *core = hs_engine_get_core (self->engine, core_index);
  guint machine = hs_engine_get_core_machine (self->engine, core_index);
  const char * const *sysregs = hs_engine_machine_system_registers (machine);
  const char * const *key = hs_arm64_key_system_registers ();
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autofree char *k = g_strdup_printf ("core %u", core_index);
  g_autofree char *source = NULL;
  g_autofree char *title = NULL;
  HsMachine *m = hs_engine_get_machine (self->engine, machine);
  static const char * const first[] = { "pc", "sp", "cpsr", NULL };

  if (core == NULL)
    return;
  if (hs_engine_get_state (self->engine) == HS_ENGINE_STATE_HALTED)
    fetch_core_once (self, core_index);
  /* Where the core is and its translation regime first, then the general registers. */
  for (guint i = 0; first[i]; i++)
    add_core_entry (self, entries, core, first[i]);
  /* The current context's core shows every key register; a machine window its own set. */
  for (guint i = 0; (self->machine < 0 ? key : sysregs)[i]; i++)
    {
      const char *name = (self->machine < 0 ? key : sysregs)[i];

      if (hs_engine_lookup_register (self->engine, name) >= 0)
        add_core_entry (self, entries, core, name);
    }
  for (guint i = 0; i < 31; i++)
    {
      g_autofree char *name = g_strdup_printf ("x%u", i);

      add_core_entry (self, entries, core, name);
    }
  source = g_strdup_printf ("live registers of core %u", core_index);
  show_entries (self, k, source, entries);
  self->live_core = (gint) core_index;
  {
    HsTask *task = self->machine < 0 ? hs_engine_get_current_task (self->engine) : NULL;
    g_autofree char *who = task && hs_task_get_core (task) == (gint) core_index
      ? g_strdup_printf ("Task %s (pid %d) · ", hs_task_get_name (task), hs_task_get_pid (task))
      : g_strdup ("");
    g_autofree char *level = hs_core_describe_exception_level (core);

    title = g_strdup_printf ("%sCore %u · %s · in machine %u (%s) · %s", who, core_index,
                             level, machine,
                             m ? hs_machine_get_name (m) : "?",
                             hs_engine_get_state (self->engine) == HS_ENGINE_STATE_HALTED
                               ? "live registers" : "values from the last halt");
  }
  set_title (self, title);
}

static void
task_registers_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HsRegisterView) self = user_data;
  g_autoptr(GError) error = NULL;
  HsTaskRegisters *regs = hs_engine_task_registers_finish (HS_ENGINE (object), result, &error);
  HsTask *task = hs_engine_get_current_task (self->engine);
  g_autoptr(GArray) entries = NULL;
  g_autofree char *key = NULL;
  g_autofree char *title = NULL;

  if (regs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          title = g_strdup_printf ("Registers not available: %s", error->message);
          set_title (self, title);
        }
      return;
    }
  if (task == NULL)
    {
      hs_task_registers_free (regs);
      return;
    }
  entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  add_entry (entries, "pc", regs->pc, regs->pc_valid);
  add_entry (entries, "sp", regs->sp, regs->sp_valid);
  add_entry (entries, "cpsr", regs->cpsr, regs->cpsr_valid);
  for (guint i = 0; i < 31; i++)
    {
      g_autofree char *name = g_strdup_printf ("x%u", i);

      add_entry (entries, name, regs->x[i], regs->x_valid[i]);
    }
  add_entry (entries, "user pc", regs->user_pc, regs->has_user);
  add_entry (entries, "user sp", regs->user_sp, regs->has_user);
  add_entry (entries, "user pstate", regs->user_pstate, regs->has_user);
  key = g_strdup_printf ("task %u:%" G_GINT64_MODIFIER "x", hs_task_get_machine (task),
                         hs_task_get_address (task));
  self->live_core = -1;
  show_entries (self, key, regs->source, entries);
  title = g_strdup_printf ("Task %s (pid %d) · machine %u · %s", hs_task_get_name (task),
                           hs_task_get_pid (task), hs_task_get_machine (task), regs->source);
  set_title (self, title);
  hs_task_registers_free (regs);
}

static void
show_frame (HsRegisterView *self)
{
  HsTask *task = hs_engine_get_current_task (self->engine);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autofree char *key = NULL;
  g_autofree char *title = NULL;
  const char *source = "unwound: pc, sp, fp, lr and the callee-saved registers the CFI "
                       "recovered; x0..x18 are not known in a caller";

  add_entry (entries, "pc", self->frame_regs.pc, self->frame_regs.have_pc);
  add_entry (entries, "sp", self->frame_regs.sp, self->frame_regs.have_sp);
  add_entry (entries, "cpsr", 0, FALSE);
  for (guint i = 0; i < 31; i++)
    {
      g_autofree char *name = g_strdup_printf ("x%u", i);

      add_entry (entries, name, self->frame_regs.x[i], self->frame_regs.x_valid[i]);
    }
  key = g_strdup_printf ("frame %u", self->frame_level);
  self->live_core = -1;
  show_entries (self, key, source, entries);
  title = g_strdup_printf ("%s%s%sframe #%u · %s", task ? "Task " : "",
                           task ? hs_task_get_name (task) : "", task ? " · " : "",
                           self->frame_level, source);
  set_title (self, title);
}

static void
show_machine (HsRegisterView *self)
{
  g_autoptr(GError) error = NULL;
  HsRegisterSet *set = hs_engine_get_machine_registers (self->engine, (guint) self->machine,
                                                        self->unit, &error);
  g_autoptr(GArray) entries = NULL;
  g_autofree char *key = NULL;
  g_autofree char *title = NULL;
  HsMachine *m = hs_engine_get_machine (self->engine, (guint) self->machine);
  const char *name = m ? hs_machine_get_name (m) : "?";

  if (set == NULL)
    {
      title = g_strdup_printf ("Machine %d (%s) · %s", self->machine, name, error->message);
      set_title (self, title);
      return;
    }
  if (set->core >= 0 && fetch_core_once (self, (guint) set->core))
    {
      /* Refreshed again once the rest of the core's registers are in. */
    }
  entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  for (guint i = 0; i < set->values->len; i++)
    {
      const HsNamedRegister *r = &g_array_index (set->values, HsNamedRegister, i);

      add_entry (entries, r->name, r->value, r->valid);
    }
  key = g_strdup_printf ("%s %d:%u", self->machine == 0 ? "pcpu" : "vcpu", self->machine,
                         self->unit);
  /* Only what the probe holds can be written; Xen's saved copies are not (yet). */
  self->live_core = set->values->len > 0
                    && g_array_index (set->values, HsNamedRegister, 0).writable ? set->core : -1;
  show_entries (self, key, set->source, entries);
  title = g_strdup_printf ("Machine %d (%s) · %s %u · %s", self->machine, name,
                           self->machine == 0 ? "pCPU" : "vCPU", self->unit, set->source);
  set_title (self, title);
  hs_register_set_free (set);
}

/* Machine mode: one choice per pCPU or vCPU, kept as long as the count holds. */
static void
update_units (HsRegisterView *self)
{
  HsMachine *m;
  guint n;

  if (self->machine < 0 || self->units == NULL)
    return;
  m = hs_engine_get_machine (self->engine, (guint) self->machine);
  n = self->machine == 0 ? hs_engine_get_n_cores (self->engine)
                         : (m ? hs_machine_get_n_vcpus (m) : 0);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->units)) == n)
    return;
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < n; i++)
      g_ptr_array_add (names, g_strdup_printf ("%s %u", self->machine == 0 ? "pCPU" : "vCPU", i));
    g_ptr_array_add (names, NULL);
    gtk_string_list_splice (self->units, 0, g_list_model_get_n_items (G_LIST_MODEL (self->units)),
                            (const char * const *) names->pdata);
  }
  if (self->unit < n)
    gtk_drop_down_set_selected (self->unit_chooser, self->unit);
}

static void
refresh (HsRegisterView *self)
{
  HsEngineState state = hs_engine_get_state (self->engine);
  HsTask *task;

  update_units (self);
  if (state == HS_ENGINE_STATE_DETACHED || state == HS_ENGINE_STATE_ATTACHING
      || hs_engine_get_register_infos (self->engine) == NULL)
    {
      set_title (self, state == HS_ENGINE_STATE_ATTACHING ? "Attaching…" : "Not attached");
      return;
    }
  if (self->machine >= 0)
    {
      if (state == HS_ENGINE_STATE_HALTED)
        show_machine (self);
      return;
    }
  task = hs_engine_get_current_task (self->engine);
  if (self->has_frame)
    {
      show_frame (self);
      return;
    }
  /* A task a halted core runs inside its guest: that core, live. */
  if (task == NULL || (hs_task_get_core (task) >= 0
                       && hs_core_get_exception_level (
                            hs_engine_get_core (self->engine, hs_task_get_core (task))) < 2))
    {
      show_core (self, task ? (guint) hs_task_get_core (task)
                            : hs_engine_get_current_core (self->engine));
      return;
    }
  if (state != HS_ENGINE_STATE_HALTED)
    return;
  restart_fetch (self);
  hs_engine_task_registers_async (self->engine, task, self->fetching, task_registers_done,
                                  g_object_ref (self));
}

static void
on_halted (HsRegisterView *self)
{
  /* What the previous halt showed is what this one's values are compared with. */
  g_clear_pointer (&self->baseline, g_hash_table_unref);
  self->baseline = g_hash_table_ref (self->shown);
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_free (self->baseline_key);
  self->baseline_key = g_strdup (self->key);
  self->fetched_core = -1;
  self->has_frame = FALSE;
  refresh (self);
}

static void
on_engine_changed (HsRegisterView *self)
{
  if (hs_engine_get_state (self->engine) != HS_ENGINE_STATE_HALTED)
    {
      g_cancellable_cancel (self->fetching);
      self->fetched_core = -1;
    }
  refresh (self);
}

static void
on_context_changed (HsRegisterView *self)
{
  self->has_frame = FALSE;
  refresh (self);
}

static void
on_unit_selected (HsRegisterView *self)
{
  guint unit = gtk_drop_down_get_selected (self->unit_chooser);

  if (unit == GTK_INVALID_LIST_POSITION || unit == self->unit)
    return;
  self->unit = unit;
  refresh (self);
}

/* ---- editing ---------------------------------------------------------------------------- */

static guint write_requested_signal;

static void
on_editor_activate (HsRegisterView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->editor_entry));

  gtk_popover_popdown (self->editor);
  if (self->editing != NULL && self->live_core >= 0 && *text)
    g_signal_emit (self, write_requested_signal, 0, self->editing, (guint) self->live_core, text);
}

/* A live core register: a double-click edits its value in place. */
static void
on_row_activated (HsRegisterView *self,
                  guint           position)
{
  g_autoptr(HsRegisterRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), position);
  g_autofree char *label = NULL;

  if (row == NULL || self->live_core < 0
      || hs_engine_lookup_register (self->engine, row->name) < 0)
    return;
  g_free (self->editing);
  self->editing = g_strdup (row->name);
  gtk_editable_set_text (GTK_EDITABLE (self->editor_entry), row->value);
  label = g_strdup_printf ("New value of %s on core %d", row->name, self->live_core);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_popover_popup (self->editor);
  gtk_widget_grab_focus (GTK_WIDGET (self->editor_entry));
}

gboolean
hs_register_view_edit (HsRegisterView *self,
                       const char     *name,
                       const char     *text)
{
  g_return_val_if_fail (HS_IS_REGISTER_VIEW (self), FALSE);

  if (self->live_core < 0 || find_row (self, name) == NULL)
    return FALSE;
  g_signal_emit (self, write_requested_signal, 0, name, (guint) self->live_core, text);
  return TRUE;
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

gint
hs_register_view_get_machine (HsRegisterView *self)
{
  g_return_val_if_fail (HS_IS_REGISTER_VIEW (self), -1);
  return self->machine;
}

guint
hs_register_view_get_unit (HsRegisterView *self)
{
  g_return_val_if_fail (HS_IS_REGISTER_VIEW (self), 0);
  return self->unit;
}

void
hs_register_view_set_unit (HsRegisterView *self,
                           guint           unit)
{
  g_return_if_fail (HS_IS_REGISTER_VIEW (self));
  self->unit = unit;
  if (self->unit_chooser
      && unit < g_list_model_get_n_items (G_LIST_MODEL (self->units)))
    gtk_drop_down_set_selected (self->unit_chooser, unit);
  refresh (self);
}

const char *
hs_register_view_get_source (HsRegisterView *self)
{
  g_return_val_if_fail (HS_IS_REGISTER_VIEW (self), NULL);
  return self->source;
}

const char *
hs_register_view_get_title (HsRegisterView *self)
{
  g_return_val_if_fail (HS_IS_REGISTER_VIEW (self), NULL);
  return gtk_label_get_text (self->title);
}

void
hs_register_view_show_frame (HsRegisterView *self,
                             const HsFrame  *frame)
{
  g_return_if_fail (HS_IS_REGISTER_VIEW (self));

  /* Frame 0 is the context's own registers, however they were found. */
  self->has_frame = frame != NULL && frame->level > 0;
  if (self->has_frame)
    {
      self->frame_level = frame->level;
      self->frame_regs = frame->regs;
    }
  refresh (self);
}

static void
hs_register_view_constructed (GObject *object)
{
  HsRegisterView *self = HS_REGISTER_VIEW (object);

  G_OBJECT_CLASS (hs_register_view_parent_class)->constructed (object);

  g_return_if_fail (HS_IS_ENGINE (self->engine));
  if (self->machine >= 0)
    {
      self->units = gtk_string_list_new (NULL);
      self->unit_chooser = GTK_DROP_DOWN (gtk_drop_down_new (g_object_ref (G_LIST_MODEL (self->units)),
                                                             NULL));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->unit_chooser),
                                   self->machine == 0 ? "Physical CPU" : "Virtual CPU");
      gtk_widget_set_halign (GTK_WIDGET (self->unit_chooser), GTK_ALIGN_START);
      gtk_box_insert_child_after (self->box, GTK_WIDGET (self->unit_chooser), NULL);
      g_signal_connect_object (self->unit_chooser, "notify::selected",
                               G_CALLBACK (on_unit_selected), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->engine, "notify::current-core",
                               G_CALLBACK (on_engine_changed), self, G_CONNECT_SWAPPED);
    }
  else
    {
      g_signal_connect_object (self->engine, "notify::current-task",
                               G_CALLBACK (on_context_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->engine, "notify::current-core",
                               G_CALLBACK (on_context_changed), self, G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (self->engine, "halted", G_CALLBACK (on_halted), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "registers-written", G_CALLBACK (on_engine_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (on_engine_changed), self,
                           G_CONNECT_SWAPPED);
  refresh (self);
}

static void
hs_register_view_dispose (GObject *object)
{
  HsRegisterView *self = HS_REGISTER_VIEW (object);

  if (self->editor != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->editor));
      self->editor = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_REGISTER_VIEW);
  /* The template's root box is not a bound child, so it is not unparented for us. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  if (self->fetching)
    g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  g_clear_object (&self->rows);
  g_clear_object (&self->units);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_register_view_parent_class)->dispose (object);
}

static void
hs_register_view_finalize (GObject *object)
{
  HsRegisterView *self = HS_REGISTER_VIEW (object);

  g_free (self->source);
  g_free (self->editing);
  g_free (self->key);
  g_free (self->baseline_key);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_pointer (&self->baseline, g_hash_table_unref);
  G_OBJECT_CLASS (hs_register_view_parent_class)->finalize (object);
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
      g_value_set_int (value, self->machine);
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
      self->machine = g_value_get_int (value);
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
  object_class->finalize = hs_register_view_finalize;
  object_class->get_property = hs_register_view_get_property;
  object_class->set_property = hs_register_view_set_property;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, HS_TYPE_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MACHINE] =
    g_param_spec_int ("machine", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/hyperscope/Hyperscope/ui/hs-register-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HsRegisterView, title);
  gtk_widget_class_bind_template_child (widget_class, HsRegisterView, box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-register-view");

  /**
   * HsRegisterView::write-requested:
   * @name: the register
   * @core: the core whose live register it is
   * @text: the value the user typed (an expression)
   */
  write_requested_signal =
    g_signal_new ("write-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
}

static void
hs_register_view_init (HsRegisterView *self)
{
  GtkWidget *table;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->machine = -1;
  self->fetched_core = -1;
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->rows = g_list_store_new (HS_TYPE_REGISTER_ROW);
  table = hs_table_new (G_LIST_MODEL (self->rows), "Registers");
  hs_table_add_column (HS_TABLE (table), "Register", name_text, NULL, 14, FALSE);
  hs_table_add_styled_column (HS_TABLE (table), "Value", value_text, value_style, NULL, 18,
                              FALSE);
  hs_table_add_column (HS_TABLE (table), "Meaning", meaning_text, NULL, 40, TRUE);
  gtk_widget_set_vexpand (table, TRUE);
  gtk_box_append (self->box, table);
  self->live_core = -1;
  g_signal_connect_swapped (table, "row-activated", G_CALLBACK (on_row_activated), self);
  self->editor = GTK_POPOVER (gtk_popover_new ());
  self->editor_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->editor_entry), "hs-mono");
  gtk_popover_set_child (self->editor, GTK_WIDGET (self->editor_entry));
  gtk_widget_set_parent (GTK_WIDGET (self->editor), table);
  g_signal_connect_swapped (self->editor_entry, "activate", G_CALLBACK (on_editor_activate),
                            self);
}

GtkWidget *
hs_register_view_new (HsEngine *engine,
                      gint      machine)
{
  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);
  return g_object_new (HS_TYPE_REGISTER_VIEW, "engine", engine, "machine", machine, NULL);
}
