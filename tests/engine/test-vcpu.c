/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-vcpu.c: vCPUs are stable objects that notify only what changed, and
 * a halt's guest list updates a machine's vCPU model in place.
 */
#include "config.h"

#include <string.h>

#include "hs-core.h"
#include "hs-guest-model.h"
#include "hs-vcpu.h"

typedef struct
{
  GPtrArray *notified;          /* of property names (static strings) */
} Notes;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    data)
{
  Notes *notes = data;

  g_ptr_array_add (notes->notified, (gpointer) g_param_spec_get_name (pspec));
}

static gboolean
notified (Notes      *notes,
          const char *name)
{
  for (guint i = 0; i < notes->notified->len; i++)
    if (strcmp (g_ptr_array_index (notes->notified, i), name) == 0)
      return TRUE;
  return FALSE;
}

static void
test_vcpu_notify (void)
{
  HsVcpuRecord r = { .id = 1, .state = "running", .pcpu = 0, .has_pc = TRUE, .pc = 0x1000,
                     .core = -1, .task_name = "sh" };
  g_autoptr(HsVcpu) vcpu = hs_vcpu_new (2, &r);
  Notes notes = { g_ptr_array_new () };
  guint64 pc = 0;

  g_assert_cmpuint (hs_vcpu_get_machine (vcpu), ==, 2);
  g_assert_cmpuint (hs_vcpu_get_id (vcpu), ==, 1);
  g_assert_cmpstr (hs_vcpu_get_state_text (vcpu), ==, "running");
  g_assert_cmpint (hs_vcpu_get_pcpu (vcpu), ==, 0);
  g_assert_true (hs_vcpu_get_pc (vcpu, &pc));
  g_assert_cmpuint (pc, ==, 0x1000);
  g_assert_false (hs_vcpu_is_pc_live (vcpu));
  g_assert_cmpint (hs_vcpu_get_core (vcpu), ==, -1);
  g_assert_cmpstr (hs_vcpu_get_task_name (vcpu), ==, "sh");

  g_signal_connect (vcpu, "notify", G_CALLBACK (on_notify), &notes);

  /* The same facts (from other string storage): nothing to say. */
  {
    char state[] = "running";
    char task[] = "sh";
    HsVcpuRecord same = r;

    same.state = state;
    same.task_name = task;
    g_assert_false (hs_vcpu_update (vcpu, &same));
    g_assert_cmpuint (notes.notified->len, ==, 0);
  }

  /* It went to sleep: state, pc and task change; pCPU and core stay. */
  r.state = "blocked";
  r.pc = 0x2000;
  r.task_name = NULL;
  g_assert_true (hs_vcpu_update (vcpu, &r));
  g_assert_cmpuint (notes.notified->len, ==, 3);
  g_assert_true (notified (&notes, "state"));
  g_assert_true (notified (&notes, "pc"));
  g_assert_true (notified (&notes, "task-name"));
  g_assert_null (hs_vcpu_get_task_name (vcpu));
  g_assert_cmpstr (hs_vcpu_get_state_text (vcpu), ==, "blocked");

  /* A halted core runs it now: live pc, a core; the pc value itself is the same. */
  g_ptr_array_set_size (notes.notified, 0);
  r.core = 1;
  r.pcpu = 1;
  r.pc_live = TRUE;
  g_assert_true (hs_vcpu_update (vcpu, &r));
  g_assert_cmpuint (notes.notified->len, ==, 3);
  g_assert_true (notified (&notes, "core"));
  g_assert_true (notified (&notes, "pcpu"));
  g_assert_true (notified (&notes, "pc-live"));
  g_assert_true (hs_vcpu_is_pc_live (vcpu));

  /* Xen saved no registers: the pc becomes unknown. */
  g_ptr_array_set_size (notes.notified, 0);
  r.has_pc = FALSE;
  r.pc_live = FALSE;
  r.core = 1;
  g_assert_true (hs_vcpu_update (vcpu, &r));
  g_assert_false (hs_vcpu_get_pc (vcpu, &pc));
  g_assert_true (notified (&notes, "pc"));
  g_assert_true (notified (&notes, "pc-live"));

  g_ptr_array_unref (notes.notified);
}

typedef struct
{
  guint calls;
  guint position, removed, added;
} ItemsChanged;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  ItemsChanged *ic = data;

  ic->calls++;
  ic->position = position;
  ic->removed = removed;
  ic->added = added;
}

static void
test_machine_vcpus (void)
{
  g_autoptr(HsMachine) m = hs_machine_new (1, HS_MACHINE_GUEST);
  GListModel *vcpus = hs_machine_get_vcpus (m);
  HsVcpuRecord r[3] = {
    { .id = 0, .state = "running", .pcpu = 0, .core = -1 },
    { .id = 1, .state = "blocked", .pcpu = 1, .core = -1 },
    { .id = 2, .state = "runnable", .pcpu = 0, .core = -1 },
  };
  ItemsChanged ic = { 0 };
  g_autoptr(HsVcpu) first = NULL;
  g_autoptr(HsVcpu) second = NULL;
  g_autoptr(HsVcpu) again = NULL;

  g_assert_true (g_list_model_get_item_type (vcpus) == HS_TYPE_VCPU);
  g_assert_cmpuint (g_list_model_get_n_items (vcpus), ==, 0);
  g_signal_connect (vcpus, "items-changed", G_CALLBACK (on_items_changed), &ic);

  hs_machine_set_vcpus (m, r, 2);
  g_assert_cmpuint (ic.calls, ==, 1);
  g_assert_cmpuint (ic.added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (vcpus), ==, 2);
  first = g_list_model_get_item (vcpus, 0);
  second = g_list_model_get_item (vcpus, 1);
  g_assert_cmpuint (hs_vcpu_get_machine (second), ==, 1);

  /* Another halt with the same count: the same objects, updated, and no items-changed. */
  r[0].state = "blocked";
  hs_machine_set_vcpus (m, r, 2);
  g_assert_cmpuint (ic.calls, ==, 1);
  again = g_list_model_get_item (vcpus, 0);
  g_assert_true (again == first);
  g_assert_cmpstr (hs_vcpu_get_state_text (first), ==, "blocked");
  g_clear_object (&again);

  /* One more vCPU: only it is added. */
  hs_machine_set_vcpus (m, r, 3);
  g_assert_cmpuint (ic.calls, ==, 2);
  g_assert_cmpuint (ic.position, ==, 2);
  g_assert_cmpuint (ic.removed, ==, 0);
  g_assert_cmpuint (ic.added, ==, 1);
  again = g_list_model_get_item (vcpus, 1);
  g_assert_true (again == second);
  g_clear_object (&again);

  /* Back to one: the tail goes, the head stays. */
  hs_machine_set_vcpus (m, r, 1);
  g_assert_cmpuint (ic.calls, ==, 3);
  g_assert_cmpuint (ic.position, ==, 1);
  g_assert_cmpuint (ic.removed, ==, 2);
  g_assert_cmpuint (ic.added, ==, 0);
  again = g_list_model_get_item (vcpus, 0);
  g_assert_true (again == first);
}

/* A halt's guests as the worker leaves them: one guest with two vCPUs, the first run by core 1,
 * and the task current on each. */
typedef struct
{
  guint n_cores;
  GArray *guests;
  guint64 *current_vcpus;
  GArray *tasks;
} Halt;

static void
halt_free (Halt *h)
{
  g_clear_pointer (&h->guests, g_array_unref);
  g_clear_pointer (&h->tasks, g_array_unref);
  g_free (h->current_vcpus);
  g_free (h);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Halt, halt_free)

static Halt *
new_snapshot (const char *vcpu1_task)
{
  Halt *snap = g_new0 (Halt, 1);
  HsXenDomain dom = { 0 };
  HsTaskRecord t = { 0 };

  snap->n_cores = 2;
  snap->guests = hs_xen_domains_new ();
  dom.machine = 1;
  dom.domain_id = 1;
  dom.vmid = 1;
  dom.vttbr = 0x0001000040000000;
  dom.n_vcpus = 2;
  dom.n_vcpu_info = 2;
  dom.vcpus = g_new0 (HsXenVcpu, 2);
  dom.vcpus[0] = (HsXenVcpu) { .id = 0, .va = 0xa000, .processor = 1, .running = TRUE };
  dom.vcpus[1] = (HsXenVcpu) { .id = 1, .va = 0xb000, .processor = 0, .pause_flags = 1,
                               .has_guest_regs = TRUE, .pc = 0xffff800008001234 };
  g_array_append_val (snap->guests, dom);
  snap->current_vcpus = g_new0 (guint64, 2);
  snap->current_vcpus[1] = 0xa000;

  snap->tasks = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  g_array_set_clear_func (snap->tasks, hs_task_record_clear);
  t.machine = 1;
  t.info.task = 0x1000;
  t.info.pid = t.info.tgid = 1;
  strcpy (t.info.comm, "init");
  t.current_vcpu = 0;
  t.core = 1;
  g_array_append_val (snap->tasks, t);
  if (vcpu1_task)
    {
      t.info.task = 0x2000;
      t.info.pid = t.info.tgid = 42;
      g_strlcpy (t.info.comm, vcpu1_task, sizeof t.info.comm);
      t.current_vcpu = 1;
      t.core = -1;
      g_array_append_val (snap->tasks, t);
    }
  return snap;
}

static void
apply (HsGuestModel *model,
       Halt         *h)
{
  hs_guest_model_apply (model, h->guests, h->current_vcpus, h->n_cores, h->tasks, NULL);
}

static void
test_guest_model_apply (void)
{
  g_autoptr(GListStore) cores = g_list_store_new (HS_TYPE_CORE);
  g_autoptr(HsGuestModel) engine = hs_guest_model_new (G_LIST_MODEL (cores));
  g_autoptr(Halt) snap = new_snapshot ("sh");
  g_autoptr(Halt) next = new_snapshot (NULL);
  g_autoptr(Halt) none = g_new0 (Halt, 1);
  HsMachine *m;
  g_autoptr(HsVcpu) v0 = NULL;
  g_autoptr(HsVcpu) v1 = NULL;
  g_autoptr(HsVcpu) again = NULL;
  ItemsChanged ic = { 0 };
  Notes notes = { g_ptr_array_new () };
  guint64 pc = 0;

  apply (engine, snap);
  m = hs_guest_model_get_machine (engine, 1);
  g_assert_nonnull (m);
  g_assert_cmpuint (g_list_model_get_n_items (hs_machine_get_vcpus (m)), ==, 2);
  /* Machine 0's CPUs are the engine's cores, not vCPUs. */
  g_assert_cmpuint (g_list_model_get_n_items (
                      hs_machine_get_vcpus (hs_guest_model_get_machine (engine, 0))), ==, 0);

  v0 = g_list_model_get_item (hs_machine_get_vcpus (m), 0);
  v1 = g_list_model_get_item (hs_machine_get_vcpus (m), 1);
  g_assert_cmpstr (hs_vcpu_get_state_text (v0), ==, "running");
  g_assert_cmpint (hs_vcpu_get_pcpu (v0), ==, 1);
  g_assert_cmpint (hs_vcpu_get_core (v0), ==, 1);
  g_assert_cmpstr (hs_vcpu_get_task_name (v0), ==, "init");
  /* No core objects here (no probe): the live pc is unknown. */
  g_assert_false (hs_vcpu_get_pc (v0, NULL));
  g_assert_cmpstr (hs_vcpu_get_state_text (v1), ==, "blocked");
  g_assert_cmpint (hs_vcpu_get_core (v1), ==, -1);
  g_assert_true (hs_vcpu_get_pc (v1, &pc));
  g_assert_cmpuint (pc, ==, 0xffff800008001234);
  g_assert_false (hs_vcpu_is_pc_live (v1));
  g_assert_cmpstr (hs_vcpu_get_task_name (v1), ==, "sh");

  /* The next halt: the same objects; only vCPU 1's task changed. */
  g_signal_connect (hs_machine_get_vcpus (m), "items-changed", G_CALLBACK (on_items_changed),
                    &ic);
  g_signal_connect (v0, "notify", G_CALLBACK (on_notify), &notes);
  g_signal_connect (v1, "notify", G_CALLBACK (on_notify), &notes);
  apply (engine, next);
  g_assert_cmpuint (ic.calls, ==, 0);
  again = g_list_model_get_item (hs_machine_get_vcpus (m), 1);
  g_assert_true (again == v1);
  g_assert_cmpuint (notes.notified->len, ==, 1);
  g_assert_true (notified (&notes, "task-name"));
  g_assert_null (hs_vcpu_get_task_name (v1));

  /* The guest is gone from Xen's list: its vCPUs go with it. */
  none->guests = hs_xen_domains_new ();
  apply (engine, none);
  g_assert_cmpint (hs_machine_get_state (m), ==, HS_MACHINE_STATE_GONE);
  g_assert_cmpuint (g_list_model_get_n_items (hs_machine_get_vcpus (m)), ==, 0);
  g_assert_cmpuint (ic.calls, ==, 1);
  g_assert_cmpuint (ic.removed, ==, 2);

  g_signal_handlers_disconnect_by_data (v0, &notes);
  g_signal_handlers_disconnect_by_data (v1, &notes);
  g_ptr_array_unref (notes.notified);
}

static void
add_record (GArray     *tasks,
            guint64     task,
            gint        pid,
            const char *comm)
{
  HsTaskRecord t = { 0 };

  t.machine = 1;
  t.info.task = task;
  t.info.pid = t.info.tgid = pid;
  g_strlcpy (t.info.comm, comm, sizeof t.info.comm);
  t.current_vcpu = t.core = -1;
  g_array_append_val (tasks, t);
}

/* A halt's task changes reach the list as one splice over just the rows that changed; the
 * tasks that stayed are the same objects. */
static void
test_tasks_one_splice (void)
{
  g_autoptr(GListStore) cores = g_list_store_new (HS_TYPE_CORE);
  g_autoptr(HsGuestModel) model = hs_guest_model_new (G_LIST_MODEL (cores));
  g_autoptr(GArray) first = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  g_autoptr(GArray) second = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  GListModel *tasks = hs_guest_model_get_tasks (model);
  g_autoptr(HsTask) kept_before = NULL;
  g_autoptr(HsTask) kept_after = NULL;
  ItemsChanged ic = { 0 };

  g_array_set_clear_func (first, hs_task_record_clear);
  g_array_set_clear_func (second, hs_task_record_clear);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", i);

      add_record (first, 0x10000 + i * 0x1000, (gint) i + 1, name);
      /* Next halt: task 40 ended, a new one was born after task 60. */
      if (i != 40)
        add_record (second, 0x10000 + i * 0x1000, (gint) i + 1, name);
      if (i == 60)
        add_record (second, 0x90000, 500, "newborn");
    }
  hs_guest_model_apply (model, NULL, NULL, 0, first, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 100);
  kept_before = g_list_model_get_item (tasks, 70);

  g_signal_connect (tasks, "items-changed", G_CALLBACK (on_items_changed), &ic);
  hs_guest_model_apply (model, NULL, NULL, 0, second, "machine 1: a note");
  g_assert_cmpuint (ic.calls, ==, 1);
  /* Rows 40..61 of the old list (40 gone, 41..60 moved up, 61 after the newborn). */
  g_assert_cmpuint (ic.removed, ==, 21);
  g_assert_cmpuint (ic.added, ==, 21);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 100);
  kept_after = g_list_model_get_item (tasks, 70);
  g_assert_true (kept_after == kept_before);
  g_assert_cmpstr (hs_guest_model_get_task_notes (model), ==, "machine 1: a note");
  {
    g_autoptr(HsTask) born = g_list_model_get_item (tasks, 60);

    g_assert_cmpstr (hs_task_get_name (born), ==, "newborn");
  }

  /* Nothing changed: no signal at all. */
  hs_guest_model_apply (model, NULL, NULL, 0, second, NULL);
  g_assert_cmpuint (ic.calls, ==, 1);
  g_signal_handlers_disconnect_by_data (tasks, &ic);
}

/* A halt's first look: the running tasks update their rows in place (a new one is added at the
 * end), the task that ran before but no longer does loses its core, and the whole lists then
 * put every task in its place in one splice. */
static void
test_tasks_first_look (void)
{
  g_autoptr(GListStore) cores = g_list_store_new (HS_TYPE_CORE);
  g_autoptr(HsGuestModel) model = hs_guest_model_new (G_LIST_MODEL (cores));
  g_autoptr(GArray) all = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  g_autoptr(GArray) running = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  g_autoptr(GArray) next = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  GListModel *tasks = hs_guest_model_get_tasks (model);
  g_autoptr(HsTask) was_running = NULL;
  g_autoptr(HsTask) now_running = NULL;
  g_autoptr(HsTask) newcomer = NULL;
  ItemsChanged ic = { 0 };

  g_array_set_clear_func (all, hs_task_record_clear);
  g_array_set_clear_func (running, hs_task_record_clear);
  g_array_set_clear_func (next, hs_task_record_clear);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", i);

      add_record (all, 0x10000 + i * 0x1000, (gint) i + 1, name);
    }
  g_array_index (all, HsTaskRecord, 3).core = 0;
  g_array_index (all, HsTaskRecord, 3).current_vcpu = 0;
  hs_guest_model_apply (model, NULL, NULL, 0, all, NULL);
  was_running = g_list_model_get_item (tasks, 3);
  now_running = g_list_model_get_item (tasks, 5);

  /* Now task 5 runs on core 0, and a new task on vCPU 1 that no list has shown yet. */
  add_record (running, 0x10000 + 5 * 0x1000, 6, "t5");
  g_array_index (running, HsTaskRecord, 0).core = 0;
  g_array_index (running, HsTaskRecord, 0).current_vcpu = 0;
  add_record (running, 0x90000, 77, "fresh");
  g_array_index (running, HsTaskRecord, 1).current_vcpu = 1;
  g_signal_connect (tasks, "items-changed", G_CALLBACK (on_items_changed), &ic);
  hs_guest_model_apply_first (model, NULL, NULL, 0, running, -1);
  g_assert_cmpuint (ic.calls, ==, 1);
  g_assert_cmpuint (ic.removed, ==, 0);
  g_assert_cmpuint (ic.added, ==, 1);
  g_assert_cmpint (hs_task_get_core (was_running), ==, -1);
  g_assert_cmpint (hs_task_get_core (now_running), ==, 0);
  g_assert_true (hs_guest_model_find_core_task (model, 0) == now_running);
  newcomer = g_list_model_get_item (tasks, 10);
  g_assert_cmpstr (hs_task_get_name (newcomer), ==, "fresh");

  /* The whole lists: the newcomer moves to where the walk found it, the same object. */
  for (guint i = 0; i < 10; i++)
    {
      const HsTaskRecord *r = &g_array_index (all, HsTaskRecord, i);

      add_record (next, r->info.task, r->info.pid, r->info.comm);
      if (i == 2)
        add_record (next, 0x90000, 77, "fresh");
    }
  g_array_index (next, HsTaskRecord, 6).core = 0;
  hs_guest_model_apply (model, NULL, NULL, 0, next, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 11);
  {
    g_autoptr(HsTask) placed = g_list_model_get_item (tasks, 3);

    g_assert_true (placed == newcomer);
  }
  g_signal_handlers_disconnect_by_data (tasks, &ic);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Hs/GuestModel/tasks-first-look", test_tasks_first_look);
  g_test_add_func ("/Hs/Vcpu/notify-on-change", test_vcpu_notify);
  g_test_add_func ("/Hs/Vcpu/machine-model-in-place", test_machine_vcpus);
  g_test_add_func ("/Hs/Vcpu/guest-model-applies-halt", test_guest_model_apply);
  g_test_add_func ("/Hs/GuestModel/tasks-one-splice", test_tasks_one_splice);
  return g_test_run ();
}
