/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-module"

#include "config.h"

#include "hs-module.h"

#include <string.h>

struct _HsModule
{
  GObject parent_instance;

  guint machine;
  HsLinuxModule record;        /* owned copy */
  char *symbols;
  char *symbols_note;
};

/**
 * HsModule:
 *
 * One kernel module loaded in a guest, as the guest's module list showed it at
 * the last halt, and whether its symbols are bound. Owned by the debugger's
 * engine (main thread); see [method@Hyperscope.Machine.get_modules].
 */
G_DEFINE_FINAL_TYPE (HsModule, hs_module, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MACHINE,
  PROP_NAME,
  PROP_STATE,
  PROP_TEXT,
  PROP_SYMBOLS,
  PROP_SYMBOLS_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hs_module_finalize (GObject *object)
{
  HsModule *self = HS_MODULE (object);

  hs_linux_module_clear (&self->record);
  g_free (self->symbols);
  g_free (self->symbols_note);
  G_OBJECT_CLASS (hs_module_parent_class)->finalize (object);
}

static void
hs_module_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HsModule *self = HS_MODULE (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_uint (value, self->machine);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->record.name);
      break;
    case PROP_STATE:
      g_value_set_string (value, hs_module_get_state (self));
      break;
    case PROP_TEXT:
      g_value_set_uint64 (value, self->record.text);
      break;
    case PROP_SYMBOLS:
      g_value_set_string (value, self->symbols);
      break;
    case PROP_SYMBOLS_NOTE:
      g_value_set_string (value, self->symbols_note);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_module_class_init (HsModuleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = hs_module_finalize;
  object_class->get_property = hs_module_get_property;

  properties[PROP_MACHINE] = g_param_spec_uint ("machine", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL, ro);
  properties[PROP_TEXT] = g_param_spec_uint64 ("text", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_SYMBOLS] = g_param_spec_string ("symbols", NULL, NULL, NULL, ro);
  properties[PROP_SYMBOLS_NOTE] = g_param_spec_string ("symbols-note", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_module_init (HsModule *self)
{
}

HsModule *
hs_module_new (guint                machine,
               const HsLinuxModule *record)
{
  HsModule *self = g_object_new (HS_TYPE_MODULE, NULL);

  self->machine = machine;
  hs_linux_module_copy (&self->record, record);
  return self;
}

/**
 * hs_module_get_machine:
 * @self: a module
 *
 * Returns: the machine it is loaded in
 */
guint
hs_module_get_machine (HsModule *self)
{
  g_return_val_if_fail (HS_IS_MODULE (self), 0);
  return self->machine;
}

/**
 * hs_module_get_name:
 * @self: a module
 *
 * Returns: its name ("dummy")
 */
const char *
hs_module_get_name (HsModule *self)
{
  g_return_val_if_fail (HS_IS_MODULE (self), NULL);
  return self->record.name;
}

/**
 * hs_module_get_state:
 * @self: a module
 *
 * Returns: "live", "coming", "going" or "unformed"
 */
const char *
hs_module_get_state (HsModule *self)
{
  g_return_val_if_fail (HS_IS_MODULE (self), NULL);
  return hs_linux_module_state_to_string (self->record.state);
}

/**
 * hs_module_get_address:
 * @self: a module
 *
 * Returns: the address of its struct module
 */
guint64
hs_module_get_address (HsModule *self)
{
  g_return_val_if_fail (HS_IS_MODULE (self), 0);
  return self->record.module;
}

/**
 * hs_module_get_text:
 * @self: a module
 * @base: (out): where its code starts (0: none)
 * @size: (out): its size
 */
void
hs_module_get_text (HsModule *self,
                    guint64  *base,
                    guint64  *size)
{
  g_return_if_fail (HS_IS_MODULE (self));
  *base = self->record.text;
  *size = self->record.text_size;
}

/**
 * hs_module_get_data:
 * @self: a module
 * @base: (out): where its data starts (0: none)
 * @size: (out): its size
 */
void
hs_module_get_data (HsModule *self,
                    guint64  *base,
                    guint64  *size)
{
  g_return_if_fail (HS_IS_MODULE (self));
  *base = self->record.data;
  *size = self->record.data_size;
}

/**
 * hs_module_get_init:
 * @self: a module
 * @base: (out): where its init memory starts (0: none)
 * @size: (out): its size
 */
void
hs_module_get_init (HsModule *self,
                    guint64  *base,
                    guint64  *size)
{
  g_return_if_fail (HS_IS_MODULE (self));
  *base = self->record.init;
  *size = self->record.init_size;
}

const HsLinuxModule *
hs_module_get_record (HsModule *self)
{
  g_return_val_if_fail (HS_IS_MODULE (self), NULL);
  return &self->record;
}

/**
 * hs_module_get_symbols:
 * @self: a module
 *
 * Returns: (nullable): the debug file bound to it, or %NULL
 */
const char *
hs_module_get_symbols (HsModule *self)
{
  g_return_val_if_fail (HS_IS_MODULE (self), NULL);
  return self->symbols;
}

/**
 * hs_module_get_symbols_note:
 * @self: a module
 *
 * Returns: (nullable): why no debug file is bound, or %NULL
 */
const char *
hs_module_get_symbols_note (HsModule *self)
{
  g_return_val_if_fail (HS_IS_MODULE (self), NULL);
  return self->symbols_note;
}

gboolean
hs_module_is (HsModule            *self,
              const HsLinuxModule *record)
{
  g_return_val_if_fail (HS_IS_MODULE (self), FALSE);
  return self->record.module == record->module && strcmp (self->record.name, record->name) == 0;
}

static gboolean
same_sections (const HsLinuxModule *a,
               const HsLinuxModule *b)
{
  if (a->n_sections != b->n_sections)
    return FALSE;
  for (guint i = 0; i < a->n_sections; i++)
    if (a->sections[i].address != b->sections[i].address
        || g_strcmp0 (a->sections[i].name, b->sections[i].name) != 0)
      return FALSE;
  return TRUE;
}

gboolean
hs_module_update (HsModule            *self,
                  const HsLinuxModule *record)
{
  gboolean state, text;

  g_return_val_if_fail (HS_IS_MODULE (self), FALSE);

  state = self->record.state != record->state;
  text = self->record.text != record->text;
  if (!state && !text && self->record.text_size == record->text_size
      && self->record.data == record->data && self->record.data_size == record->data_size
      && self->record.init == record->init && self->record.init_size == record->init_size
      && self->record.corrupt == record->corrupt && same_sections (&self->record, record))
    return FALSE;
  hs_linux_module_clear (&self->record);
  hs_linux_module_copy (&self->record, record);
  if (state)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (text)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  return TRUE;
}

void
hs_module_set_symbols (HsModule   *self,
                       const char *path,
                       const char *note)
{
  g_return_if_fail (HS_IS_MODULE (self));

  if (g_strcmp0 (self->symbols, path) != 0)
    {
      g_free (self->symbols);
      self->symbols = g_strdup (path);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYMBOLS]);
    }
  if (g_strcmp0 (self->symbols_note, note) != 0)
    {
      g_free (self->symbols_note);
      self->symbols_note = g_strdup (note);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYMBOLS_NOTE]);
    }
}
