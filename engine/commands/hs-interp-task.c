/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-task.c: machines and tasks: MACHINE.List, TASK.List,
 * TASK.select, and /MACHINE n /TASK x as the other groups take them.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"

/* The core a vCPU runs on now, or -1. */
static gint
core_of_vcpu (HsEngine *engine,
              guint64   vcpu)
{
  HsGuestModel *model = hs_engine_get_guest_model (engine);

  for (guint c = 0; c < hs_engine_get_n_cores (engine); c++)
    if (hs_guest_model_get_core_vcpu (model, c) == vcpu)
      return (gint) c;
  return -1;
}

static void
append_vcpus (Call              *call,
              HsEngine          *engine,
              const HsXenDomain *dom)
{
  for (guint i = 0; i < dom->n_vcpu_info; i++)
    {
      const HsXenVcpu *v = &dom->vcpus[i];
      gint core = core_of_vcpu (engine, v->va);
      guint64 pc = v->pc;
      const char *where = "saved by Xen";

      /* On a halted core the guest's pc is live: the core's own, or where it trapped to Xen. */
      if (core >= 0)
        {
          HsCore *c = hs_engine_get_core (engine, core);

          if (hs_core_get_exception_level (c) < 2)
            hs_core_get_pc (c, &pc);
          else
            hs_core_get_register_by_name (c, "ELR_EL2", &pc);
          where = "live";
        }
      g_string_append_printf (call->out, "        vCPU %u  %-8s  pCPU %d  pc 0x%016"
                              G_GINT64_MODIFIER "x (%s)\n", v->id, hs_xen_vcpu_state (v),
                              v->processor, pc, where);
    }
}

static void
append_pcpus (Call     *call,
              HsEngine *engine)
{
  HsGuestModel *model = hs_engine_get_guest_model (engine);
  GListModel *machines = hs_engine_get_machines (engine);
  gboolean known = FALSE;

  /* Which vCPU each pCPU runs is known once Xen's symbols are. */
  for (guint c = 0; c < hs_engine_get_n_cores (engine); c++)
    known |= hs_guest_model_get_core_vcpu (model, c) != 0;
  for (guint c = 0; known && c < hs_engine_get_n_cores (engine); c++)
    {
      guint64 vcpu = hs_guest_model_get_core_vcpu (model, c);
      g_autofree char *runs = NULL;

      for (guint k = 0; k < g_list_model_get_n_items (machines) && runs == NULL; k++)
        {
          g_autoptr(HsMachine) m = g_list_model_get_item (machines, k);
          const HsXenDomain *d = hs_guest_model_get_domain (model, hs_machine_get_id (m));

          for (guint i = 0; d != NULL && i < d->n_vcpu_info && runs == NULL; i++)
            if (d->vcpus[i].va == vcpu)
              runs = g_strdup_printf ("machine %u (domain %d) vCPU %u", d->machine, d->domain_id,
                                      d->vcpus[i].id);
        }
      g_string_append_printf (call->out, "        pCPU %u  runs %s\n", c,
                              runs ? runs : "Xen's idle vCPU");
    }
}

static void
cmd_machine_list (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  GListModel *machines = hs_engine_get_machines (engine);
  guint current = hs_engine_get_current_machine (engine);
  guint n = g_list_model_get_n_items (machines);

  g_string_append (call->out, "  id  name        state         domain  VMID  vCPUs  "
                              "stage-2 base (VTTBR)  symbols\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (machines, i);
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (engine), hs_machine_get_id (m));
      GString *files = g_string_new (NULL);
      gboolean guest = hs_machine_get_kind (m) == HS_MACHINE_GUEST;
      g_autofree char *domain = guest && hs_machine_get_domain_id (m) >= 0
        ? g_strdup_printf ("%d", hs_machine_get_domain_id (m)) : g_strdup ("-");

      guint n_modules = 0;
      const HsSymbolBinding *kernel = NULL;

      for (guint k = 0; k < bindings->len; k++)
        {
          const HsSymbolBinding *b = g_ptr_array_index (bindings, k);
          g_autofree char *base = g_path_get_basename (hs_symbol_file_get_path (b->file));

          /* Modules come and go: TASK.MODule lists them. */
          if (b->module != NULL)
            {
              n_modules++;
              continue;
            }
          if (hs_symbol_binding_is_kernel (b) && kernel == NULL)
            kernel = b;
          g_string_append_printf (files, "%s%s", files->len ? ", " : "", base);
        }
      if (n_modules > 0)
        g_string_append_printf (files, " + %u module%s", n_modules, n_modules == 1 ? "" : "s");
      const HsXenDomain *dom = guest
        ? hs_guest_model_get_domain (hs_engine_get_guest_model (engine), hs_machine_get_id (m))
        : NULL;

      g_string_append_printf (call->out, "%c %2u  %-10s  %-12s  %6s  %4u  %5u  "
                              "0x%016" G_GINT64_MODIFIER "x    %s\n",
                              hs_machine_get_id (m) == current ? '*' : ' ',
                              hs_machine_get_id (m), hs_machine_get_name (m),
                              !guest ? "hypervisor"
                              : dom && hs_machine_get_state (m) == HS_MACHINE_STATE_PRESENT
                                ? hs_xen_domain_state (dom)
                                : hs_machine_state_to_string (hs_machine_get_state (m)),
                              domain, guest ? hs_machine_get_vmid (m) : 0,
                              guest ? hs_machine_get_n_vcpus (m) : hs_engine_get_n_cores (engine),
                              guest ? hs_machine_get_vttbr (m) : 0,
                              files->len ? files->str : "(none)");
      g_string_free (files, TRUE);
      if (guest && hs_engine_get_slide_note (engine, hs_machine_get_id (m)) != NULL)
        g_string_append_printf (call->out, "      kernel slide: %s\n",
                                hs_engine_get_slide_note (engine, hs_machine_get_id (m)));
      if (!guest && hs_engine_get_guests_note (engine) != NULL)
        g_string_append_printf (call->out, "      guests: %s\n", hs_engine_get_guests_note (engine));
      if (guest && dom && dom->corrupt != NULL)
        g_string_append_printf (call->out, "      corrupt: %s\n", dom->corrupt);
      if (guest && kernel != NULL && (kernel->offset != 0 || kernel->auto_offset
                                      || kernel->user_offset))
        g_string_append_printf (call->out, "      kernel slide (KASLR) 0x%" G_GINT64_MODIFIER
                                "x, %s\n", kernel->offset,
                                kernel->user_offset ? "set by the user (sYmbol.RELOCate)"
                                                    : "found from the guest's VBAR_EL1");
      if (!guest)
        append_pcpus (call, engine);
      else if (dom)
        append_vcpus (call, engine, dom);
    }
  hs_call_return (call, NULL);
}

gboolean
hs_call_get_machine_option (Call     *call,
                            guint    *machine,
                            gboolean *given)
{
  const char *text = hs_call_option (call, "MACHINE");
  GError *error = NULL;
  guint64 v;

  *given = text != NULL;
  *machine = hs_engine_get_current_machine (hs_call_engine (call));
  if (text == NULL)
    return TRUE;
  if (!hs_call_eval_number (call, text, "/MACHINE", &v))
    return FALSE;
  if (v > G_MAXUINT || !hs_engine_check_machine (hs_call_engine (call), (guint) v, &error))
    {
      if (error == NULL)
        error = g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_MACHINE,
                             "/MACHINE %s is out of range", text);
      hs_call_return (call, error);
      return FALSE;
    }
  *machine = (guint) v;
  return TRUE;
}

static void
cmd_task_list (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  GListModel *tasks = hs_engine_get_tasks (engine);
  guint n = g_list_model_get_n_items (tasks);
  guint machine, shown = 0;
  gboolean only_one;
  const char *notes;

  if (!hs_call_get_machine_option (call, &machine, &only_one))
    return;
  g_string_append (call->out, "  machine          pid   tgid  space  name              state"
                              "           cpu  current\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsTask) task = g_list_model_get_item (tasks, i);
      HsMachine *m = hs_engine_get_machine (engine, hs_task_get_machine (task));
      g_autofree char *current = NULL;
      g_autofree char *mname = NULL;

      if (only_one && hs_task_get_machine (task) != machine)
        continue;
      if (hs_task_get_current_vcpu (task) >= 0)
        current = hs_task_get_core (task) >= 0
                  ? g_strdup_printf ("vCPU %d on core %d", hs_task_get_current_vcpu (task),
                                     hs_task_get_core (task))
                  : g_strdup_printf ("vCPU %d", hs_task_get_current_vcpu (task));
      mname = g_strdup_printf ("%u %s", hs_task_get_machine (task),
                               m ? hs_machine_get_name (m) : "?");
      g_string_append_printf (call->out, "%c %-12s %7d %6d %6" G_GUINT64_FORMAT "  %-16s  %-14s"
                              "  %3d  %s%s%s\n",
                              hs_task_get_core (task) >= 0 ? '*' : ' ', mname,
                              hs_task_get_pid (task), hs_task_get_tgid (task),
                              hs_task_get_space (task), hs_task_get_name (task),
                              hs_task_get_state_text (task), hs_task_get_cpu (task),
                              current ? current : "",
                              hs_task_is_corrupt (task) ? "  CORRUPT: " : "",
                              hs_task_is_corrupt (task) ? hs_task_get_corrupt_reason (task) : "");
      shown++;
    }
  notes = hs_engine_get_task_notes (engine);
  if (notes)
    g_string_append_printf (call->out, "%s", notes);
  if (shown == 0 && n == 0 && (notes == NULL || *notes == 0))
    g_string_append (call->out, "(no tasks: they are read at a halt, for guests whose vmlinux "
                                "is loaded)\n");
  hs_call_return (call, NULL);
}

/* TASK.select: the current context, as a double-click in the task list makes it. */
static void
cmd_task_select (Call *call)
{
  HsEngine *engine = call->interp->engine;
  HsTask *task;
  guint machine;
  gboolean given;
  GError *error = NULL;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED)
      || !hs_call_get_machine_option (call, &machine, &given))
    return;
  task = hs_engine_find_task (engine, machine, hs_call_arg (call, 0), &error);
  if (task == NULL)
    {
      g_prefix_error (&error, "TASK.select: ");
      hs_call_return (call, error);
      return;
    }
  hs_engine_set_current_task (engine, task);
  g_string_append_printf (call->out, "current context: task %s (pid %d) of machine %u, %s\n",
                          hs_task_get_name (task), hs_task_get_pid (task),
                          hs_task_get_machine (task),
                          hs_task_get_core (task) >= 0 ? "running on a halted core"
                                                       : "not running");
  hs_call_return (call, NULL);
}

/* /TASK x in /MACHINE n (or the current machine); without /TASK, the current context's task,
 * else the task current on the machine's first vCPU. */
HsTask *
hs_call_resolve_task (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  const char *which = hs_call_option (call, "TASK");
  GListModel *tasks = hs_engine_get_tasks (engine);
  GError *error = NULL;
  gboolean given;
  guint machine;
  HsTask *task;

  if (!hs_call_get_machine_option (call, &machine, &given))
    return NULL;
  if (which != NULL)
    {
      task = hs_engine_find_task (engine, machine, which, &error);
      if (task == NULL)
        hs_call_return (call, error);
      return task;
    }
  task = hs_engine_get_current_task (engine);
  if (task != NULL && hs_task_get_machine (task) == machine)
    return task;
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(HsTask) t = g_list_model_get_item (tasks, i);

      if (hs_task_get_machine (t) == machine && hs_task_get_current_vcpu (t) == 0)
        return t;  /* the store keeps it */
    }
  hs_call_fail (call, "machine %u has no known current task; name one with /TASK", machine);
  return NULL;
}

void
hs_call_append_task_line (Call   *call,
                          HsTask *task)
{
  g_string_append_printf (call->out, "task %s (pid %d, space %" G_GUINT64_FORMAT ") of machine %u, "
                          "%s%s\n", hs_task_get_name (task), hs_task_get_pid (task),
                          hs_task_get_space (task), hs_task_get_machine (task),
                          hs_task_get_state_text (task),
                          hs_task_get_current_vcpu (task) >= 0 ? ", current on a vCPU" : "");
}

static const OptionSpec machine_option[] = { { "MACHINE", TRUE }, { NULL } };

const CommandSpec hs_task_commands[] = {
  { "MACHINE.List", "MACHINE.List", "the hypervisor and its guests", 0, 0, NULL,
    cmd_machine_list, .needs_tasks = TRUE },
  { "TASK.select", "TASK.select name|pid [/MACHINE n]",
    "make a task the current context (registers, stack, steps follow it)", 1, 1,
    machine_option, cmd_task_select, .needs_tasks = TRUE },
  { "TASK.List", "TASK.List [/MACHINE n]", "every task of every guest (or of one)", 0, 0,
    machine_option, cmd_task_list, .needs_tasks = TRUE },
  { NULL }
};
