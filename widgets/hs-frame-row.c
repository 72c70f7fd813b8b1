/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-frame-row.c: the stack view's rows: a frame, one of its variables, or a member of a
 * struct variable in memory; updated in place by position. Main thread, except the members'
 * thread, which works on a copy of what it needs and hands its result back through hs-sync.
 */
#define G_LOG_DOMAIN "hs-frame-view"

#include "config.h"

#include "hs-frame-row.h"

#include "hs-cexpr.h"
#include "hs-sync.h"

G_DEFINE_FINAL_TYPE (HsFrameRow, hs_frame_row, G_TYPE_OBJECT)

static GParamSpec *row_text_pspec;

static void
hs_frame_row_finalize (GObject *object)
{
  HsFrameRow *self = HS_FRAME_ROW (object);

  for (guint i = 0; i < N_COLS; i++)
    g_free (self->text[i]);
  g_clear_object (&self->vars);
  g_clear_object (&self->file);
  g_clear_pointer (&self->value, g_bytes_unref);
  g_free (self->function);
  g_free (self->name);
  g_free (self->type_text);
  G_OBJECT_CLASS (hs_frame_row_parent_class)->finalize (object);
}

static void
hs_frame_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  g_value_set_string (value, HS_FRAME_ROW (object)->text[COL_FUNCTION]);
}

static void
hs_frame_row_class_init (HsFrameRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_frame_row_finalize;
  object_class->get_property = hs_frame_row_get_property;
  /* One property to notify: the table recomputes a row's cells on any notification. */
  row_text_pspec = g_param_spec_string ("text", NULL, NULL, NULL,
                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (object_class, 1, row_text_pspec);
}

static void
hs_frame_row_init (HsFrameRow *self)
{
}

static gboolean
set_text (HsFrameRow  *self,
          char       **text)
{
  gboolean changed = FALSE;

  for (guint i = 0; i < N_COLS; i++)
    {
      if (g_strcmp0 (self->text[i], text[i]) == 0)
        {
          g_free (text[i]);
          continue;
        }
      g_free (self->text[i]);
      self->text[i] = text[i];
      changed = TRUE;
    }
  return changed;
}

void
hs_frame_row_set_variable (HsFrameRow            *self,
                           const HsFrameVariable *v)
{
  char *text[N_COLS];
  gboolean changed;

  text[COL_LEVEL] = g_strdup ("");
  if (v->name == NULL)
    text[COL_FUNCTION] = g_strdup ("(frame)");
  else if (v->inlined_in)
    text[COL_FUNCTION] = g_strdup_printf ("%s (in %s)", v->name, v->inlined_in);
  else
    text[COL_FUNCTION] = g_strdup (v->name);
  text[COL_VALUE] = g_strdup (v->text ? v->text : v->why ? v->why : "?");
  text[COL_SOURCE] = g_strdup (v->type_text ? v->type_text : "");
  switch (v->kind)
    {
    case HS_LOCATION_MEMORY:
      text[COL_PC] = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "x", v->address);
      break;
    case HS_LOCATION_REGISTER:
      text[COL_PC] = v->reg <= 30 ? g_strdup_printf ("x%u", v->reg) : g_strdup_printf ("r%u", v->reg);
      break;
    default:
      text[COL_PC] = g_strdup ("");
      break;
    }
  changed = set_text (self, text);
  changed |= self->known != (v->text != NULL && v->value != NULL);
  self->known = v->text != NULL && v->value != NULL;
  self->level = v->frame;
  self->kind = v->kind;
  self->address = v->address;
  self->reg = v->reg;
  self->size = v->size;
  g_free (self->name);
  self->name = g_strdup (v->name);
  g_free (self->type_text);
  self->type_text = g_strdup (v->type_text);
  g_set_object (&self->file, v->file);
  self->type_die = v->type_die;
  g_clear_pointer (&self->value, g_bytes_unref);
  self->value = v->value ? g_bytes_ref (v->value) : NULL;
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), row_text_pspec);
  /* Members already shown follow the struct's new bytes. */
  if (changed && self->vars && hs_frame_row_is_aggregate (self))
    hs_frame_row_read_members (self);
}

static void
hs_frame_variable_free (HsFrameVariable *variable)
{
  hs_frame_variable_clear (variable);
  g_free (variable);
}

gboolean
hs_frame_row_is_aggregate (HsFrameRow *self)
{
  return !self->is_frame && self->kind == HS_LOCATION_MEMORY && self->value && self->file
         && self->type_text
         && (g_str_has_prefix (self->type_text, "struct ")
             || g_str_has_prefix (self->type_text, "union "));
}

/* A struct's members, from the bytes already read: DWARF work, so on a thread. */
static void
members_in_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  HsFrameVariable *parent = task_data;
  g_autoptr(GArray) members = hs_symbol_file_get_members (parent->file, parent->type_die, NULL);
  GArray *out = g_array_new (FALSE, TRUE, sizeof (HsFrameVariable));
  gsize length;
  const guint8 *data = g_bytes_get_data (parent->value, &length);
  HsCexprContext context = { parent->file, 0, NULL, NULL, NULL, 2, 16 };

  g_array_set_clear_func (out, (GDestroyNotify) hs_frame_variable_clear);
  for (guint i = 0; members && i < members->len; i++)
    {
      const HsTypeMember *m = &g_array_index (members, HsTypeMember, i);
      g_auto(HsTypeInfo) info = { 0 };
      HsFrameVariable v = { 0 };

      if (!hs_symbol_file_get_type_info (parent->file, m->type_die, &info, NULL)
          || !info.has_size || m->bit_size != 0 || m->offset + info.size > length)
        continue;
      v.frame = parent->frame;
      v.name = g_strdup (m->name ? m->name : "(anonymous)");
      v.file = g_object_ref (parent->file);
      v.type_die = m->type_die;
      v.type_text = g_strdup (info.spelling);
      v.size = info.size;
      v.kind = HS_LOCATION_MEMORY;
      v.address = parent->address + m->offset;
      v.value = g_bytes_new_from_bytes (parent->value, m->offset, info.size);
      v.text = hs_cexpr_format_value (&context, m->type_die, data + m->offset, info.size);
      g_array_append_val (out, v);
    }
  hs_task_return_pointer (task, out, (GDestroyNotify) g_array_unref);
}

static void
members_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  HsFrameRow *self = HS_FRAME_ROW (object);
  g_autoptr(GArray) members = hs_task_propagate_pointer (G_TASK (result), NULL);

  if (members && self->vars)
    hs_frame_row_update_variables (self->vars, members, -1);
}

void
hs_frame_row_read_members (HsFrameRow *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, members_done, NULL);
  HsFrameVariable *parent = g_new0 (HsFrameVariable, 1);

  /* A copy of what the thread needs: the row is the main thread's. */
  parent->frame = self->level;
  parent->file = g_object_ref (self->file);
  parent->type_die = self->type_die;
  parent->address = self->address;
  parent->value = g_bytes_ref (self->value);
  g_task_set_task_data (task, parent, (GDestroyNotify) hs_frame_variable_free);
  hs_task_run_in_thread (task, members_in_thread);
}

/* Takes @text (N_COLS strings); notifies "text" when any changed. */
gboolean
hs_frame_row_set_text (HsFrameRow  *self,
                       char       **text)
{
  gboolean changed = set_text (self, text);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), row_text_pspec);
  return changed;
}

/* Updated in place by position: the same function lists the same variables (and a struct
 * the same members). @level -1 takes them all. */
void
hs_frame_row_update_variables (GListStore *store,
                               GArray     *variables,
                               gint        level)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = 0;

  for (guint i = 0; i < variables->len; i++)
    {
      const HsFrameVariable *v = &g_array_index (variables, HsFrameVariable, i);

      if (level >= 0 && v->frame != (guint) level)
        continue;
      if (n < n_old)
        {
          g_autoptr(HsFrameRow) row = g_list_model_get_item (G_LIST_MODEL (store), n);

          hs_frame_row_set_variable (row, v);
        }
      else
        {
          HsFrameRow *row = g_object_new (HS_TYPE_FRAME_ROW, NULL);

          hs_frame_row_set_variable (row, v);
          g_ptr_array_add (added, row);
        }
      n++;
    }
  if (n < n_old || added->len > 0)
    g_list_store_splice (store, MIN (n, n_old), n < n_old ? n_old - n : 0, added->pdata,
                         added->len);
}
