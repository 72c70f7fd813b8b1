/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-vcpu"

#include "config.h"

#include "hs-vcpu.h"

struct _HsVcpu
{
  GObject parent_instance;

  char *state;
  char *task_name;
  guint64 pc;
  guint machine;
  guint id;
  gint pcpu;
  gint core;
  gboolean has_pc;
  gboolean pc_live;
};

/**
 * HsVcpu:
 *
 * One virtual CPU of a guest machine, as Xen last described it. Owned by the
 * debugger's engine (main thread); see [method@Hyperscope.Machine.get_vcpus].
 */
G_DEFINE_FINAL_TYPE (HsVcpu, hs_vcpu, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MACHINE,
  PROP_ID,
  PROP_STATE,
  PROP_PCPU,
  PROP_PC,
  PROP_PC_LIVE,
  PROP_CORE,
  PROP_TASK_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hs_vcpu_finalize (GObject *object)
{
  HsVcpu *self = HS_VCPU (object);

  g_free (self->state);
  g_free (self->task_name);
  G_OBJECT_CLASS (hs_vcpu_parent_class)->finalize (object);
}

static void
hs_vcpu_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  HsVcpu *self = HS_VCPU (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_uint (value, self->machine);
      break;
    case PROP_ID:
      g_value_set_uint (value, self->id);
      break;
    case PROP_STATE:
      g_value_set_string (value, hs_vcpu_get_state_text (self));
      break;
    case PROP_PCPU:
      g_value_set_int (value, self->pcpu);
      break;
    case PROP_PC:
      g_value_set_uint64 (value, self->has_pc ? self->pc : 0);
      break;
    case PROP_PC_LIVE:
      g_value_set_boolean (value, self->pc_live);
      break;
    case PROP_CORE:
      g_value_set_int (value, self->core);
      break;
    case PROP_TASK_NAME:
      g_value_set_string (value, self->task_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_vcpu_class_init (HsVcpuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = hs_vcpu_finalize;
  object_class->get_property = hs_vcpu_get_property;

  properties[PROP_MACHINE] = g_param_spec_uint ("machine", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ID] = g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL, flags);
  properties[PROP_PCPU] = g_param_spec_int ("pcpu", NULL, NULL, -1, G_MAXINT, -1, flags);
  /* 0 while unknown; hs_vcpu_get_pc() tells the two apart. */
  properties[PROP_PC] = g_param_spec_uint64 ("pc", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_PC_LIVE] = g_param_spec_boolean ("pc-live", NULL, NULL, FALSE, flags);
  properties[PROP_CORE] = g_param_spec_int ("core", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_TASK_NAME] = g_param_spec_string ("task-name", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_vcpu_init (HsVcpu *self)
{
  self->pcpu = -1;
  self->core = -1;
}

HsVcpu *
hs_vcpu_new (guint               machine,
             const HsVcpuRecord *record)
{
  HsVcpu *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (HS_TYPE_VCPU, NULL);
  self->machine = machine;
  self->id = record->id;
  self->state = g_strdup (record->state);
  self->task_name = g_strdup (record->task_name);
  self->pcpu = record->pcpu;
  self->has_pc = record->has_pc;
  self->pc = record->has_pc ? record->pc : 0;
  self->pc_live = record->has_pc && record->pc_live;
  self->core = record->core;
  return self;
}

static gboolean
take_string (char       **field,
             const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

gboolean
hs_vcpu_update (HsVcpu             *self,
                const HsVcpuRecord *record)
{
  guint64 pc = record->has_pc ? record->pc : 0;
  gboolean pc_live = record->has_pc && record->pc_live;
  gboolean changed = FALSE;

  g_return_val_if_fail (HS_IS_VCPU (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  g_object_freeze_notify (G_OBJECT (self));
  if (take_string (&self->state, record->state))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      changed = TRUE;
    }
  if (self->pcpu != record->pcpu)
    {
      self->pcpu = record->pcpu;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PCPU]);
      changed = TRUE;
    }
  if (self->has_pc != record->has_pc || self->pc != pc)
    {
      self->has_pc = record->has_pc;
      self->pc = pc;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PC]);
      changed = TRUE;
    }
  if (self->pc_live != pc_live)
    {
      self->pc_live = pc_live;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PC_LIVE]);
      changed = TRUE;
    }
  if (self->core != record->core)
    {
      self->core = record->core;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CORE]);
      changed = TRUE;
    }
  if (take_string (&self->task_name, record->task_name))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TASK_NAME]);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));
  return changed;
}

/**
 * hs_vcpu_get_machine:
 * @self: a vCPU
 *
 * Returns: the machine it belongs to
 */
guint
hs_vcpu_get_machine (HsVcpu *self)
{
  g_return_val_if_fail (HS_IS_VCPU (self), 0);
  return self->machine;
}

/**
 * hs_vcpu_get_id:
 * @self: a vCPU
 *
 * Returns: its number in its machine
 */
guint
hs_vcpu_get_id (HsVcpu *self)
{
  g_return_val_if_fail (HS_IS_VCPU (self), 0);
  return self->id;
}

/**
 * hs_vcpu_get_state_text:
 * @self: a vCPU
 *
 * Returns: "running", "runnable", "blocked", "paused" or "unknown"
 */
const char *
hs_vcpu_get_state_text (HsVcpu *self)
{
  g_return_val_if_fail (HS_IS_VCPU (self), NULL);
  return self->state ? self->state : "unknown";
}

/**
 * hs_vcpu_get_pcpu:
 * @self: a vCPU
 *
 * Returns: the physical CPU it runs or last ran on, or -1
 */
gint
hs_vcpu_get_pcpu (HsVcpu *self)
{
  g_return_val_if_fail (HS_IS_VCPU (self), -1);
  return self->pcpu;
}

/**
 * hs_vcpu_get_pc:
 * @self: a vCPU
 * @pc: (out): the guest's pc: live when a halted core runs it, else as Xen saved it
 *
 * Returns: whether the pc is known
 */
gboolean
hs_vcpu_get_pc (HsVcpu  *self,
                guint64 *pc)
{
  g_return_val_if_fail (HS_IS_VCPU (self), FALSE);

  if (pc)
    *pc = self->pc;
  return self->has_pc;
}

/**
 * hs_vcpu_is_pc_live:
 * @self: a vCPU
 *
 * Returns: whether its pc is read live from a core
 */
gboolean
hs_vcpu_is_pc_live (HsVcpu *self)
{
  g_return_val_if_fail (HS_IS_VCPU (self), FALSE);
  return self->pc_live;
}

/**
 * hs_vcpu_get_core:
 * @self: a vCPU
 *
 * Returns: the halted core running it, or -1
 */
gint
hs_vcpu_get_core (HsVcpu *self)
{
  g_return_val_if_fail (HS_IS_VCPU (self), -1);
  return self->core;
}

/**
 * hs_vcpu_get_task_name:
 * @self: a vCPU
 *
 * Returns: (nullable): the task current on it, when the guest's tasks were read
 */
const char *
hs_vcpu_get_task_name (HsVcpu *self)
{
  g_return_val_if_fail (HS_IS_VCPU (self), NULL);
  return self->task_name;
}
