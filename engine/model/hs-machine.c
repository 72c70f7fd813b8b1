/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-machine"

#include "config.h"

#include "hs-machine.h"

struct _HsMachine
{
  GObject parent_instance;

  char *name;
  GListStore *vcpus;            /* of HsVcpu, in vCPU order */
  GListStore *modules;          /* of HsModule, in the guest's list order */
  guint id;
  HsMachineKind kind;
  HsMachineState state;
  gint domain_id;
  guint vmid;
  guint64 vttbr;
  guint n_vcpus;
};

/**
 * HsMachine:
 *
 * One machine of the target: the hypervisor (machine 0) or a guest virtual
 * machine. Ids are stable for the session. Owned by the debugger's engine (main
 * thread) and updated in place at each halt; see
 * [method@Hyperscope.Debugger.get_machines].
 */
G_DEFINE_FINAL_TYPE (HsMachine, hs_machine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_STATE,
  PROP_DOMAIN_ID,
  PROP_VMID,
  PROP_VTTBR,
  PROP_N_VCPUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hs_machine_finalize (GObject *object)
{
  HsMachine *self = HS_MACHINE (object);

  g_free (self->name);
  g_clear_object (&self->vcpus);
  g_clear_object (&self->modules);
  G_OBJECT_CLASS (hs_machine_parent_class)->finalize (object);
}

static void
hs_machine_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HsMachine *self = HS_MACHINE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_DOMAIN_ID:
      g_value_set_int (value, self->domain_id);
      break;
    case PROP_VMID:
      g_value_set_uint (value, self->vmid);
      break;
    case PROP_VTTBR:
      g_value_set_uint64 (value, self->vttbr);
      break;
    case PROP_N_VCPUS:
      g_value_set_uint (value, self->n_vcpus);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_machine_class_init (HsMachineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = hs_machine_finalize;
  object_class->get_property = hs_machine_get_property;

  properties[PROP_ID] = g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, HS_TYPE_MACHINE_STATE,
                                              HS_MACHINE_STATE_DECLARED, flags);
  properties[PROP_DOMAIN_ID] = g_param_spec_int ("domain-id", NULL, NULL, -1, G_MAXINT, -1,
                                                 flags);
  properties[PROP_VMID] = g_param_spec_uint ("vmid", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_VTTBR] = g_param_spec_uint64 ("vttbr", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_VCPUS] = g_param_spec_uint ("n-vcpus", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_machine_init (HsMachine *self)
{
  self->domain_id = -1;
  self->vcpus = g_list_store_new (HS_TYPE_VCPU);
  self->modules = g_list_store_new (HS_TYPE_MODULE);
}

HsMachine *
hs_machine_new (guint         id,
                HsMachineKind kind)
{
  HsMachine *self = g_object_new (HS_TYPE_MACHINE, NULL);

  self->id = id;
  self->kind = kind;
  self->name = kind == HS_MACHINE_HYPERVISOR ? g_strdup ("hypervisor")
                                             : g_strdup_printf ("machine%u", id);
  self->state = kind == HS_MACHINE_HYPERVISOR ? HS_MACHINE_STATE_PRESENT
                                              : HS_MACHINE_STATE_DECLARED;
  return self;
}

void
hs_machine_set_name (HsMachine  *self,
                     const char *name)
{
  g_return_if_fail (HS_IS_MACHINE (self));

  if (name == NULL || g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

void
hs_machine_set_state (HsMachine      *self,
                      HsMachineState  state)
{
  g_return_if_fail (HS_IS_MACHINE (self));

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
hs_machine_set_guest (HsMachine *self,
                      gint       domain_id,
                      guint      vmid,
                      guint64    vttbr,
                      guint      n_vcpus)
{
  g_return_if_fail (HS_IS_MACHINE (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->domain_id != domain_id)
    {
      self->domain_id = domain_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOMAIN_ID]);
    }
  if (self->vmid != vmid)
    {
      self->vmid = vmid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VMID]);
    }
  if (self->vttbr != vttbr)
    {
      self->vttbr = vttbr;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VTTBR]);
    }
  if (self->n_vcpus != n_vcpus)
    {
      self->n_vcpus = n_vcpus;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VCPUS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
hs_machine_set_vcpus (HsMachine          *self,
                      const HsVcpuRecord *records,
                      guint               n_records)
{
  GListModel *model;
  guint n;

  g_return_if_fail (HS_IS_MACHINE (self));
  g_return_if_fail (records != NULL || n_records == 0);

  model = G_LIST_MODEL (self->vcpus);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < MIN (n, n_records); i++)
    {
      g_autoptr(HsVcpu) vcpu = g_list_model_get_item (model, i);

      if (hs_vcpu_get_id (vcpu) == records[i].id)
        hs_vcpu_update (vcpu, &records[i]);
      else
        {
          /* Not the same vCPU any more (Xen lists them by id, so this is rare). */
          g_autoptr(HsVcpu) fresh = hs_vcpu_new (self->id, &records[i]);

          g_list_store_splice (self->vcpus, i, 1, (gpointer *) &fresh, 1);
        }
    }
  if (n_records > n)
    {
      g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = n; i < n_records; i++)
        g_ptr_array_add (added, hs_vcpu_new (self->id, &records[i]));
      g_list_store_splice (self->vcpus, n, 0, added->pdata, added->len);
    }
  else if (n_records < n)
    g_list_store_splice (self->vcpus, n_records, n - n_records, NULL, 0);
}

/**
 * hs_machine_get_vcpus:
 * @self: a machine
 *
 * Returns: (transfer none): its vCPUs ([class@Hyperscope.Vcpu]) as Xen listed them
 *   at the last halt, updated in place; empty for machine 0 and absent guests
 */
GListModel *
hs_machine_get_vcpus (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), NULL);
  return G_LIST_MODEL (self->vcpus);
}

/**
 * hs_machine_get_id:
 * @self: a machine
 *
 * Returns: its number: 0 for the hypervisor, then 1, 2, ... per guest
 */
guint
hs_machine_get_id (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), 0);
  return self->id;
}

/**
 * hs_machine_get_name:
 * @self: a machine
 *
 * Returns: (nullable): its name ("xen", "linux1"), or %NULL while unknown
 */
const char *
hs_machine_get_name (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), NULL);
  return self->name;
}

/**
 * hs_machine_get_kind:
 * @self: a machine
 *
 * Returns: hypervisor or guest
 */
HsMachineKind
hs_machine_get_kind (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), HS_MACHINE_GUEST);
  return self->kind;
}

/**
 * hs_machine_get_state:
 * @self: a machine
 *
 * Returns: declared, present or gone
 */
HsMachineState
hs_machine_get_state (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), HS_MACHINE_STATE_DECLARED);
  return self->state;
}

/**
 * hs_machine_state_to_string:
 * @state: a machine state
 *
 * Returns: the state in a word
 */
const char *
hs_machine_state_to_string (HsMachineState state)
{
  switch (state)
    {
    case HS_MACHINE_STATE_PRESENT: return "present";
    case HS_MACHINE_STATE_GONE: return "gone";
    case HS_MACHINE_STATE_DECLARED:
    default: return "not seen yet";
    }
}

/**
 * hs_machine_get_domain_id:
 * @self: a machine
 *
 * Returns: its Xen domain id, or -1 while unknown
 */
gint
hs_machine_get_domain_id (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), -1);
  return self->domain_id;
}

/**
 * hs_machine_get_vmid:
 * @self: a machine
 *
 * Returns: its VMID (stage-2 tag)
 */
guint
hs_machine_get_vmid (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), 0);
  return self->vmid;
}

/**
 * hs_machine_get_vttbr:
 * @self: a machine
 *
 * Returns: its VTTBR_EL2 (stage-2 table base and VMID)
 */
guint64
hs_machine_get_vttbr (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), 0);
  return self->vttbr;
}

/**
 * hs_machine_get_n_vcpus:
 * @self: a machine
 *
 * Returns: how many vCPUs it has
 */
guint
hs_machine_get_n_vcpus (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), 0);
  return self->n_vcpus;
}

/**
 * hs_machine_describe:
 * @self: a machine
 *
 * Returns: (transfer full): the symbol files bound to it, in words
 */
char *
hs_machine_describe (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), NULL);

  if (self->kind == HS_MACHINE_HYPERVISOR)
    return g_strdup_printf ("%u (%s)", self->id, self->name);
  if (self->domain_id >= 0)
    return g_strdup_printf ("%u (%s, domain %d)", self->id, self->name, self->domain_id);
  return g_strdup_printf ("%u (%s, %s)", self->id, self->name,
                          hs_machine_state_to_string (self->state));
}

/* The guest's kernel modules as its list showed them at the last halt; empty for machine 0 and
 * for a guest whose modules were not read. */
/**
 * hs_machine_get_modules:
 * @self: a machine
 *
 * Returns: (transfer none): its kernel modules ([class@Hyperscope.Module]) as the
 *   guest listed them at the last halt, updated in place
 */
GListModel *
hs_machine_get_modules (HsMachine *self)
{
  g_return_val_if_fail (HS_IS_MACHINE (self), NULL);

  return G_LIST_MODEL (self->modules);
}

/* Returns the module for @record if the machine has it. */
static HsModule *
find_module (HsMachine           *self,
             const HsLinuxModule *record)
{
  GListModel *model = G_LIST_MODEL (self->modules);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsModule) m = g_list_model_get_item (model, i);

      if (hs_module_is (m, record))
        return m;  /* the store keeps it */
    }
  return NULL;
}

/* Updates the module objects in place from @records (in the guest's order); the list is
 * spliced only when modules came, went or moved. Returns whether any module came or went. */
gboolean
hs_machine_set_modules (HsMachine           *self,
                        const HsLinuxModule *records,
                        guint                n_records)
{
  GListModel *model;
  g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean same;

  g_return_val_if_fail (HS_IS_MACHINE (self), FALSE);
  g_return_val_if_fail (records != NULL || n_records == 0, FALSE);

  model = G_LIST_MODEL (self->modules);
  same = g_list_model_get_n_items (model) == n_records;
  for (guint i = 0; i < n_records; i++)
    {
      HsModule *known = find_module (self, &records[i]);

      if (known != NULL)
        {
          hs_module_update (known, &records[i]);
          g_ptr_array_add (next, g_object_ref (known));
        }
      else
        g_ptr_array_add (next, hs_module_new (self->id, &records[i]));
      if (same)
        {
          g_autoptr(HsModule) here = g_list_model_get_item (model, i);

          same = here == g_ptr_array_index (next, i);
        }
    }
  if (same)
    return FALSE;
  g_list_store_splice (self->modules, 0, g_list_model_get_n_items (model), next->pdata,
                       next->len);
  return TRUE;
}
